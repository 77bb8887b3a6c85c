/**
 * @module The details panel of one event: what was called, with what, what came back, when, from
 * where, by whom, and the before/after of the resource. Focus moves to it on open; Escape or the
 * close button closes it (the page then returns focus to the row).
 */
import { type ReactNode, useEffect, useRef } from 'react';
import type { AuditEvent } from '../../../src/events/schema.ts';
import { useCatalog, useEvent } from '../lib/queries.ts';
import { localTime, utcTime } from '../lib/time.ts';
import { StatusBadge, typeLabel } from './Cells.tsx';
import { DiffView } from './DiffView.tsx';
import { JsonView } from './JsonView.tsx';
import { ErrorState, Skeleton } from './States.tsx';

/** Props of {@link EventDetails}; `onShowHistory` is null where asset history does not apply. */
export interface EventDetailsProps {
  id: string;
  onClose: () => void;
  onShowHistory: ((path: string) => void) | null;
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="detail-row">
      <dt>{term}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined;
}

function Facts({
  event,
  onShowHistory,
}: {
  event: AuditEvent;
  onShowHistory: EventDetailsProps['onShowHistory'];
}) {
  const { actor, target, api } = event;
  const path = target?.path;
  return (
    <dl className="details-list">
      <Row term="Status">
        <StatusBadge status={event.status} httpStatus={event.httpStatus} />
      </Row>
      <Row term="API">
        {api && (
          <>
            <code>
              {api.method} {api.route}
            </code>
            <div className="muted">
              <code>{api.path}</code>
            </div>
          </>
        )}
      </Row>
      <Row term="Time (local)">{localTime(event.occurredAt)}</Row>
      <Row term="Time (UTC)">{utcTime(event.occurredAt)}</Row>
      <Row term="Actor">
        {actor.name ?? actor.email ?? actor.id}
        <div className="muted">
          {[actor.name ? actor.email : undefined, `${actor.type} ${actor.id}`].filter(Boolean).join(' · ')}
        </div>
      </Row>
      <Row term="Target">
        {target && (
          <>
            {target.name ?? target.id}
            <div className="muted">
              {target.type} {target.id}
            </div>
            {path &&
              (onShowHistory ? (
                <button type="button" className="link-button asset-link" onClick={() => onShowHistory(path)}>
                  {path}
                </button>
              ) : (
                <code>{path}</code>
              ))}
          </>
        )}
      </Row>
      <Row term="IP address">{event.ip}</Row>
      <Row term="User agent">{event.userAgent}</Row>
      <Row term="Request ID">{event.requestId && <code>{event.requestId}</code>}</Row>
      <Row term="Sequence">{event.seq}</Row>
      <Row term="Event ID">
        <code>{event.id}</code>
      </Row>
      <Row term="Received">{utcTime(event.receivedAt)}</Row>
    </dl>
  );
}

/** The panel. */
export function EventDetails({ id, onClose, onShowHistory }: EventDetailsProps) {
  const query = useEvent(id);
  const catalog = useCatalog();
  const heading = useRef<HTMLHeadingElement>(null);
  const event = query.data;

  // Move focus into the panel when it opens or shows another event.
  useEffect(() => {
    if (id) heading.current?.focus();
  }, [id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const title = event
    ? typeLabel(catalog.data, event.stream, event.category, event.operation)
    : 'Event details';
  return (
    <section className="panel" aria-labelledby="panel-title">
      <div className="panel-header">
        <h2 id="panel-title" ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="button" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </div>
      {query.isPending ? (
        <Skeleton rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} />
      ) : (
        <div className="panel-body">
          <Facts event={query.data} onShowHistory={onShowHistory} />
          {present(query.data.request) ? (
            <JsonView title="Request payload" value={query.data.request} />
          ) : (
            <p className="muted">No request payload was recorded.</p>
          )}
          {present(query.data.response) && <JsonView title="Response data" value={query.data.response} />}
          {(present(query.data.before) || present(query.data.after)) && (
            <>
              <DiffView before={query.data.before ?? null} after={query.data.after ?? null} />
              {present(query.data.before) && <JsonView title="Before" value={query.data.before} />}
              {present(query.data.after) && <JsonView title="After" value={query.data.after} />}
            </>
          )}
        </div>
      )}
    </section>
  );
}
