/**
 * @module The rows list() reads, as arrays: {@link SUMMARY_COLUMNS} in order, as better-sqlite3
 * returns them in raw mode, and the summary of each. A row object costs better-sqlite3 a property
 * set through V8's API per column, and 51 rows of these 17 columns took 437 µs so, 291 µs as
 * arrays (1e6 bench data set, warm); the summary is then built from plain JavaScript literals.
 */
import type { EventSummary } from '../../events/schema.ts';
import { rowToSummary, type SUMMARY_COLUMNS } from './codec.ts';
import type { Vocabulary } from './vocabulary.ts';

/** A list row: the values of {@link SUMMARY_COLUMNS}, in that order. */
export type ListRow = readonly [
  id: Uint8Array | string,
  seq: number,
  stream: number,
  occurredAt: number,
  actorRef: number,
  categoryCode: number,
  operationCode: number,
  status: number,
  httpStatus: number | null,
  apiCode: number | null,
  apiPath: string | null,
  targetTypeCode: number | null,
  targetId: string | null,
  targetName: string | null,
  targetPath: string | null,
  ip: Uint8Array | string | null,
  requestId: string | null,
];

/** The seq of a list row. */
export const seqOf = (row: ListRow): number => row[1];

/** When the event of a list row occurred (ms since the epoch). */
export const occurredAtOf = (row: ListRow): number => row[3];

/** The summary of a list row: what rowToSummary gives for the same row read as an object. */
export function listRowToSummary(row: ListRow, vocabulary: Vocabulary): EventSummary {
  const [id, seq, stream, occurredAt, actorRef, categoryCode, operationCode, status, httpStatus, apiCode] =
    row;
  const text = vocabulary.textColumns(actorRef, categoryCode, operationCode, row[11], apiCode);
  return rowToSummary({
    id,
    seq,
    stream,
    occurred_at: occurredAt,
    actor_type: text.actor_type,
    actor_id: text.actor_id,
    actor_email: text.actor_email,
    actor_name: text.actor_name,
    category: text.category,
    operation: text.operation,
    status,
    http_status: httpStatus,
    api_method: text.api_method,
    api_route: text.api_route,
    api_path: row[10],
    target_type: text.target_type,
    target_id: row[12],
    target_name: row[13],
    target_path: row[14],
    ip: row[15],
    request_id: row[16],
  });
}
