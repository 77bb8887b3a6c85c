/**
 * @module The Log access table's own cell: what a viewer read — one event (its type and id), or a
 * list of a stream with the filters they used, shown as compact chips. A list's filters are in the
 * access event's payload, which the summaries do not carry, so the cell reads the event itself
 * (shared with the details panel's cache). Reads of the access stream are never recorded, so
 * this adds nothing to the log it shows.
 */
import type { EventSummary } from '../../../src/events/schema.ts';
import { filtersOf, needsPayload, subjectOf } from '../lib/access.ts';
import type { CatalogResponse } from '../lib/catalog.ts';
import { useEvent } from '../lib/queries.ts';
import { viewOf } from '../lib/views.ts';
import { typeLabel } from './Cells.tsx';

/** Props of {@link ReadSummary}. */
export interface ReadSummaryProps {
  row: EventSummary;
  catalog: CatalogResponse | undefined;
}

/** "Dashboard · URL endpoints · Update 01J…", or "Media Library  status failure  search “shoe”". */
export function ReadSummary({ row, catalog }: ReadSummaryProps) {
  const payload = useEvent(needsPayload(row) ? row.id : null);
  const loaded = payload.data !== undefined;
  const subject = subjectOf(row, loaded ? payload.data.request : undefined);
  if (!subject) return <span className="muted">{payload.isError ? '—' : '…'}</span>;

  if (subject.kind === 'event') {
    const { type } = subject;
    return (
      <span className="read">
        <span className="read-what">
          {type
            ? `${viewOf(type.stream).label} · ${typeLabel(catalog, type.stream, type.category, type.operation)}`
            : 'One event'}
        </span>
        <code className="read-id">{subject.id}</code>
      </span>
    );
  }
  const filters = loaded ? filtersOf(payload.data.request) : null;
  return (
    <span className="read">
      <span className="read-what">{viewOf(subject.stream).label}</span>
      {filters === null ? (
        <span className="muted">{payload.isError ? 'filters unavailable' : 'loading filters…'}</span>
      ) : filters.length === 0 ? (
        <span className="muted">all events</span>
      ) : (
        <span className="chips">
          {filters.map((filter) => (
            <span className="chip" key={`${filter.name}=${filter.value}`}>
              <span className="chip-name">{filter.name}</span> {filter.value}
            </span>
          ))}
        </span>
      )}
    </span>
  );
}
