/**
 * @module The event table (TanStack Table), its columns per stream: Log access says who read what,
 * not what changed. Each row opens the details panel: by click, or by keyboard (↑/↓ move between
 * rows, Enter opens). Below it: the row count and "Load more", which follows the keyset cursor, so
 * rows that arrive meanwhile never shift or repeat a page.
 */
import {
  type CellContext,
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table';
import type { KeyboardEvent } from 'react';
import type { Stream } from '../../../src/events/catalog.ts';
import type { EventSummary } from '../../../src/events/schema.ts';
import { type CatalogResponse, humanize } from '../lib/catalog.ts';
import { ReadSummary } from './AccessCells.tsx';
import { ActorLabel, ApiCall, actorName, RelativeTime, StatusBadge, typeLabel, useNow } from './Cells.tsx';

/** Props of {@link EventTable}. */
export interface EventTableProps {
  stream: Stream;
  rows: EventSummary[];
  catalog: CatalogResponse | undefined;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onShowHistory: (path: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreError: unknown;
  onLoadMore: () => void;
}

const column = createColumnHelper<EventSummary>();

/** What cells need beyond their row. Passed as table meta so the column definitions stay constant. */
interface CellMeta {
  stream: Stream;
  catalog: CatalogResponse | undefined;
  now: number;
  onOpen: (id: string) => void;
  onShowHistory: (path: string) => void;
}

const metaOf = (context: CellContext<EventSummary, unknown>) => context.table.options.meta as CellMeta;

// Cell renderers are module-level functions: flexRender renders them as components, so a new
// function per render would remount every cell and drop the keyboard focus from the row.
function UserCell(context: CellContext<EventSummary, unknown>) {
  const { stream, catalog, onOpen } = metaOf(context);
  const event = context.row.original;
  return (
    <button
      type="button"
      className="row-open"
      data-row-open={event.id}
      aria-label={`${actorName(event.actor)}, ${typeLabel(catalog, stream, event.category, event.operation)}: open details`}
      onClick={(click) => {
        click.stopPropagation();
        onOpen(event.id);
      }}
    >
      <ActorLabel actor={event.actor} />
    </button>
  );
}

function TimeCell(context: CellContext<EventSummary, unknown>) {
  return <RelativeTime iso={context.row.original.occurredAt} now={metaOf(context).now} />;
}

function TypeCell(context: CellContext<EventSummary, unknown>) {
  const { stream, catalog } = metaOf(context);
  return typeLabel(catalog, stream, context.row.original.category, context.row.original.operation);
}

function StatusCell(context: CellContext<EventSummary, unknown>) {
  return <StatusBadge status={context.row.original.status} httpStatus={context.row.original.httpStatus} />;
}

function ApiCell(context: CellContext<EventSummary, unknown>) {
  return <ApiCall api={context.row.original.api} />;
}

function AssetCell(context: CellContext<EventSummary, unknown>) {
  const path = context.row.original.target?.path;
  if (!path) return <span className="muted">—</span>;
  const { onShowHistory } = metaOf(context);
  return (
    <button
      type="button"
      className="link-button asset-link"
      title={`Show the history of ${path}`}
      onClick={(click) => {
        click.stopPropagation();
        onShowHistory(path);
      }}
    >
      {path}
    </button>
  );
}

/** Log access: the operation alone (List, View, Export): its one category would repeat on every row. */
function ReadOperationCell(context: CellContext<EventSummary, unknown>) {
  return humanize(context.row.original.operation);
}

function ReadCell(context: CellContext<EventSummary, unknown>) {
  return <ReadSummary row={context.row.original} catalog={metaOf(context).catalog} />;
}

const CENTRAL_COLUMNS = [
  column.display({ id: 'user', header: 'User', cell: UserCell }),
  column.display({ id: 'time', header: 'Time', cell: TimeCell }),
  column.display({ id: 'type', header: 'Operation', cell: TypeCell }),
  column.display({ id: 'status', header: 'Status', cell: StatusCell }),
  column.display({ id: 'api', header: 'API', cell: ApiCell }),
];
const MEDIA_COLUMNS = [...CENTRAL_COLUMNS, column.display({ id: 'asset', header: 'Asset', cell: AssetCell })];
const ACCESS_COLUMNS = [
  column.display({ id: 'user', header: 'Who', cell: UserCell }),
  column.display({ id: 'time', header: 'Time', cell: TimeCell }),
  column.display({ id: 'read', header: 'Read', cell: ReadOperationCell }),
  column.display({ id: 'what', header: 'What', cell: ReadCell }),
  column.display({ id: 'status', header: 'Status', cell: StatusCell }),
];
const COLUMNS: Record<Stream, typeof CENTRAL_COLUMNS> = {
  central: CENTRAL_COLUMNS,
  media: MEDIA_COLUMNS,
  access: ACCESS_COLUMNS,
};

// ↑/↓ move focus between the rows' open buttons (a roving focus over the table, not the page).
function moveFocus(event: KeyboardEvent<HTMLTableSectionElement>) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-row-open]')];
  const current = buttons.findIndex((b) => b.closest('tr')?.contains(document.activeElement));
  const next = current === -1 ? 0 : current + (event.key === 'ArrowDown' ? 1 : -1);
  const target = buttons[Math.max(0, Math.min(buttons.length - 1, next))];
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: 'nearest' });
}

/** The table, its count and the Load more button. */
export function EventTable(props: EventTableProps) {
  const now = useNow();
  const meta: CellMeta = {
    stream: props.stream,
    catalog: props.catalog,
    now,
    onOpen: props.onOpen,
    onShowHistory: props.onShowHistory,
  };
  const table = useReactTable({
    data: props.rows,
    columns: COLUMNS[props.stream],
    meta,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });
  const count = props.rows.length;
  return (
    <>
      <div className="table-wrap">
        <table className="events">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody onKeyDown={moveFocus}>
            {table.getRowModel().rows.map((row) => (
              // Clicking anywhere on a row opens it; keyboard users reach the same action through
              // the row's button (first cell), so the row itself need not be focusable.
              <tr
                key={row.id}
                className={row.id === props.selectedId ? 'selected' : undefined}
                aria-current={row.id === props.selectedId ? true : undefined}
                onClick={() => props.onOpen(row.id)}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} data-label={String(cell.column.columnDef.header)}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-footer">
        <p className="count" aria-live="polite">
          Showing {count} {count === 1 ? 'event' : 'events'}
          {props.hasMore ? ' · more available' : ''}
        </p>
        {props.loadMoreError !== null && (
          <p className="field-error" role="alert">
            More events could not be loaded:{' '}
            {props.loadMoreError instanceof Error ? props.loadMoreError.message : 'unknown error'}
          </p>
        )}
        {props.hasMore && (
          <button type="button" className="button" disabled={props.loadingMore} onClick={props.onLoadMore}>
            {props.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </>
  );
}
