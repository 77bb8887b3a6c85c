/**
 * @module What one row of Log access says was read: a list of a stream (with its filters) or one
 * event, taken from the access event Auditlog recorded. The list API returns summaries, so the
 * event's target tells the stream or the event at once; a list's filters live in its request
 * payload, which the page reads separately (see AccessCells.tsx).
 */
import type { Stream } from '../../../src/events/catalog.ts';
import type { EventSummary } from '../../../src/events/schema.ts';
import { shortLocalTime } from './time.ts';
import { VIEWS } from './views.ts';

/** What a read was of. */
export type ReadSubject =
  | { kind: 'list'; stream: Stream }
  | { kind: 'event'; id: string; type: { stream: Stream; category: string; operation: string } | null };

/** One filter of a list read, as shown: `status` `failure`. */
export interface ReadFilter {
  name: string;
  value: string;
}

const isStream = (value: unknown): value is Stream => VIEWS.some((view) => view.stream === value);

/** `central/url_endpoints/update` (the target name of a view) → its parts, or null. */
function typeOfName(
  name: string | undefined,
): { stream: Stream; category: string; operation: string } | null {
  const [stream, category, operation, ...rest] = (name ?? '').split('/');
  if (!isStream(stream) || !category || !operation || rest.length > 0) return null;
  return { stream, category, operation };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * What was read, from the summary alone when its target says (recorded reads), else from the
 * request payload (reads refused by role carry no target, only what was asked).
 */
export function subjectOf(
  row: Pick<EventSummary, 'operation' | 'target'>,
  request?: unknown,
): ReadSubject | null {
  const { target } = row;
  if (target?.type === 'event') return { kind: 'event', id: target.id, type: typeOfName(target.name) };
  if (target?.type === 'stream' && isStream(target.id)) return { kind: 'list', stream: target.id };
  if (request === undefined) return null;
  const asked = asRecord(request);
  if (row.operation === 'view' && typeof asked.id === 'string')
    return { kind: 'event', id: asked.id, type: null };
  // A list with no stream parameter reads the Dashboard, as the API defaults it.
  return { kind: 'list', stream: isStream(asked.stream) ? asked.stream : 'central' };
}

/** Names of the recorded filters (EventQuery) and of the raw query a refused read asked with. */
const FILTER_NAMES: Record<string, string> = {
  actorIds: 'user',
  actor: 'user',
  categories: 'category',
  category: 'category',
  operations: 'operation',
  operation: 'operation',
  status: 'status',
  from: 'from',
  to: 'to',
  q: 'search',
  targetPath: 'path',
  target_path: 'path',
  requestId: 'request',
  request_id: 'request',
};

/** Parts of the payload that are not filters: who read (shown elsewhere) and paging. */
const NOT_FILTERS = new Set(['stream', 'limit', 'role', 'tokenId', 'id', 'page', 'cursor']);

function valueText(name: string, value: unknown): string {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  if (name === 'from' || name === 'to') {
    return values.map((v) => (Number.isNaN(Date.parse(v)) ? v : shortLocalTime(v))).join(', ');
  }
  if (name === 'q') return values.map((v) => `“${v}”`).join(', ');
  return values.join(', ');
}

/**
 * The filters of a list read, in the payload's order, then `page: next` when it continued past the
 * first page. An empty list means every event of the stream.
 *
 * @example filtersOf({ stream: 'central', status: 'failure', limit: 50, page: 'first' }) // [{ name: 'status', value: 'failure' }]
 */
export function filtersOf(request: unknown): ReadFilter[] {
  const asked = asRecord(request);
  const filters: ReadFilter[] = [];
  for (const [key, value] of Object.entries(asked)) {
    if (NOT_FILTERS.has(key) || value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    filters.push({ name: FILTER_NAMES[key] ?? key, value: valueText(key, value) });
  }
  if (asked.page === 'next' || asked.cursor !== undefined) filters.push({ name: 'page', value: 'next' });
  return filters;
}

/** Whether a row needs its payload to be described (a list's filters, or a refused read's ask). */
export function needsPayload(row: Pick<EventSummary, 'operation' | 'target'>): boolean {
  return row.target?.type !== 'event';
}
