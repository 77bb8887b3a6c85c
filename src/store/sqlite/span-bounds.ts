/**
 * @module Span bounds (migrations/010_span_bounds.sql): the latest occurredAt among each span of
 * {@link SPAN_SIZE} consecutive seqs of an account, recorded with every insert into events. A
 * free-text page built from its newest candidates (by row key) asks them which older candidates
 * could have occurred late enough to belong on it (list.ts).
 */
import type { AuditEvent } from '../../events/schema.ts';
import { isoToMs } from './codec.ts';
import type { StatementCache } from './database.ts';

/** Seqs per span: 2^10, as the migration's `seq >> 10`. */
export const SPAN_SIZE = 1024;
const SEQ_MASK = (1n << 40n) - 1n;

const SQL = {
  // Written only when the bound grows: events arrive mostly in time order, but a page that is not
  // rewritten is one less page for the group's commit to sync.
  record: `INSERT INTO event_span_bounds (account_key, span, latest_occurred_at) VALUES (?, ?, ?)
    ON CONFLICT (account_key, span) DO UPDATE SET latest_occurred_at = excluded.latest_occurred_at
    WHERE excluded.latest_occurred_at > event_span_bounds.latest_occurred_at`,
  late: `SELECT span FROM event_span_bounds
    WHERE account_key = ? AND span <= ? AND latest_occurred_at >= ? ORDER BY span DESC`,
};

/** The span of a seq. (Seqs reach 2^40: `>>` would cut them to 32 bits.) */
export function spanOfSeq(seq: number): number {
  return Math.floor(seq / SPAN_SIZE);
}

/** The span of a row key (account_key << 40 | seq). */
export function spanOfRowKey(rowKey: bigint): number {
  return spanOfSeq(Number(rowKey & SEQ_MASK));
}

/** The first row key of an account's span. */
export function spanStart(accountKey: number, span: number): bigint {
  return (BigInt(accountKey) << 40n) | BigInt(span * SPAN_SIZE);
}

/** Raises the bounds of the spans `events` (one account's) fall in, inside the caller's transaction. */
export function recordSpanBounds(
  statements: StatementCache,
  accountKey: number,
  events: Iterable<AuditEvent>,
): void {
  const latest = new Map<number, number>();
  for (const event of events) {
    const span = spanOfSeq(event.seq);
    const occurredAt = isoToMs(event.occurredAt);
    if (!((latest.get(span) ?? Number.NEGATIVE_INFINITY) >= occurredAt)) latest.set(span, occurredAt);
  }
  const record = statements.get(SQL.record);
  for (const [span, occurredAt] of latest) record.run(accountKey, span, occurredAt);
}

/**
 * The account's spans, newest first, from the span of row key `through` down, that may hold an
 * event which occurred at or after `occurredAt` (ms).
 */
export function lateSpans(
  statements: StatementCache,
  accountKey: number,
  through: bigint,
  occurredAt: number,
): number[] {
  return statements.get(SQL.late).pluck().all(accountKey, spanOfRowKey(through), occurredAt) as number[];
}
