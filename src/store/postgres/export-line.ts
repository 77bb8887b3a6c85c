/**
 * @module The text of a PostgreSQL export line, built mostly by the server: each row comes back as
 * the JSON of every member before the payloads (LINE_HEAD), the stored payloads, and the JSON of
 * every member after them (LINE_TAIL). Node only inflates the payloads and splices their text in.
 * Turning ~23 columns into a row object, an AuditEvent and JSON again cost more per event than
 * the rest of the export: the server does that work on the other core, in C.
 */
import type { Stream } from '../../events/catalog.ts';
import type { ExportLine } from '../types.ts';
import { decodePayloadText, type Payloads } from './payload.ts';

/** An ISO 8601 instant in UTC with milliseconds, as Date#toISOString writes it. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A nullable text column as JSON (`null` when NULL). */
const nullable = (column: string) => `coalesce(to_json(${column})::text, 'null')`;

/**
 * `{"id":…` through `"accountId":…`: the members toEvent (rows.ts) puts before the payloads, in its
 * order, absent optional members left out as toActor, toApi and toTarget leave them out.
 */
const LINE_HEAD = `'{"id":' || to_json(id) || ',"seq":' || seq || ',"stream":' || to_json(stream)
  || ',"occurredAt":"' || ${iso('occurred_at')}
  || '","actor":{"type":' || to_json(actor_type) || ',"id":' || to_json(actor_id)
  || coalesce(',"email":' || to_json(actor_email), '') || coalesce(',"name":' || to_json(actor_name), '')
  || '},"category":' || to_json(category) || ',"operation":' || to_json(operation)
  || ',"status":' || to_json(status) || ',"httpStatus":' || coalesce(http_status::text, 'null')
  || ',"api":' || coalesce('{"method":' || to_json(api_method) || ',"route":' || to_json(api_route)
    || ',"path":' || to_json(api_path) || '}', 'null')
  || ',"target":' || CASE WHEN target_type IS NULL OR target_id IS NULL THEN 'null'
    ELSE '{"type":' || to_json(target_type) || ',"id":' || to_json(target_id)
      || coalesce(',"name":' || to_json(target_name), '') || coalesce(',"path":' || to_json(target_path), '')
      || '}' END
  || ',"ip":' || ${nullable('ip')} || ',"requestId":' || ${nullable('request_id')}
  || ',"accountId":' || to_json(account_id)`;

/** The members after the payloads, through the closing brace. */
const LINE_TAIL = `',"userAgent":' || ${nullable('user_agent')}
  || ',"idempotencyKey":' || ${nullable('idempotency_key')}
  || ',"receivedAt":"' || ${iso('received_at')}
  || '","prevHash":' || to_json(prev_hash) || ',"hash":' || to_json(hash) || '}'`;

/** The columns of an export row, in {@link LineRow}'s order. */
export const LINE_COLUMNS = `seq, stream, ${LINE_HEAD}, payload::text, payload_deflated, ${LINE_TAIL}`;

/** A row of {@link LINE_COLUMNS}, as pg returns it with `rowMode: 'array'`. */
export type LineRow = [
  seq: string,
  stream: Stream,
  head: string,
  /** The json payloads of a row written before migration 6, as stored, else null. */
  payload: string | null,
  /** The deflated payloads of a row written since (payload.ts), else null. */
  payloadDeflated: Buffer | null,
  tail: string,
];

/** How every document encodePayloads writes begins: the four members, in toEvent's order. */
const SPLICEABLE_START = '{"request":';

/** The payloads' members as JSON without braces, in toEvent's order, absent ones as null. */
function payloadMembers(payloads: Payloads): string {
  const json = (value: unknown) => JSON.stringify(value ?? null);
  return `"request":${json(payloads.request)},"response":${json(payloads.response)},"before":${json(payloads.before)},"after":${json(payloads.after)}`;
}

/**
 * The members of the stored payloads, ready to splice: the deflated document's own text when it is
 * the four members in order (every event sealed by chain.ts has all four), else re-serialized.
 */
function membersOf(row: LineRow): string {
  if (row[4] !== null) {
    const text = decodePayloadText(row[4]);
    if (text.startsWith(SPLICEABLE_START)) return text.slice(1, -1);
    return payloadMembers(JSON.parse(text) as Payloads);
  }
  return payloadMembers(row[3] === null ? {} : (JSON.parse(row[3]) as Payloads));
}

/** The export line of a row: the same event toEvent would read, as one line of JSON. */
export function lineOf(row: LineRow): ExportLine {
  return { stream: row[1], json: `${row[2]},${membersOf(row)}${row[5]}` };
}
