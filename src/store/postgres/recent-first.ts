/**
 * @module List pages without free text, read in two steps split at a month boundary: the recent
 * months first, then, only when they hold less than a page, everything older. Planning a query
 * costs about 0.1 ms per monthly partition it may touch (ten indexes each), so a year of months
 * cost ~1.4 ms to plan against ~0.1 ms to run; a page that the recent months fill — the first
 * page and most filters — is planned over a few partitions only. A request id (one event, or a
 * few) is a named statement instead: its plan does not depend on the values, so it is planned
 * once per connection.
 */
import type pg from 'pg';
import type { EventQuery } from '../types.ts';
import { assetPathOnly, assetPathSql, listSql, prepared } from './list-sql.ts';
import { monthOf, monthStart } from './partitions.ts';
import type { SummaryRow } from './rows.ts';

/**
 * Where a page's rows are split: the first instant of the month holding the page's newest
 * possible row (the keyset's, or the one before `to`), else of the month before `now` — so at the
 * start of a month the first step still reaches a full month of events. Any instant gives the same
 * rows (the steps split the page order on occurred_at); this one makes the first step cheap.
 *
 * @example
 * splitPoint({ stream: 'central', limit: 50 }, new Date('2026-12-10T08:00:00Z')); // '2026-11-01T00:00:00.000Z'
 */
export function splitPoint(query: EventQuery, now: Date): string {
  const newest = query.after
    ? Date.parse(query.after.occurredAt)
    : query.to !== undefined
      ? Date.parse(query.to) - 1
      : Number.NaN;
  const month = Number.isNaN(newest) ? monthOf(now) - 1 : monthOf(new Date(newest));
  return monthStart(month).toISOString();
}

/**
 * Up to `query.limit + 1` rows of a list page without q, newest first.
 *
 * @example
 * const rows = await recentFirstRows(pool, 'acc_1', { stream: 'central', limit: 50 }, new Date());
 */
export async function recentFirstRows(
  pool: pg.Pool,
  accountId: string,
  query: EventQuery,
  now: Date,
): Promise<SummaryRow[]> {
  if (query.requestId !== undefined) {
    // The request index and a sort of its few rows, whatever the values: a generic plan is safe.
    return (await pool.query<SummaryRow>(prepared(listSql(accountId, query)))).rows;
  }
  if (query.targetPath !== undefined) {
    // One asset's history: a few events a month, so the recent months rarely fill a page and a
    // first step would only add a query.
    if (assetPathOnly(query))
      return (await pool.query<SummaryRow>(prepared(assetPathSql(accountId, query)))).rows;
    // With filters the index does not hold: planned for its values, as a popular path has thousands.
    const { sql, params } = listSql(accountId, query);
    return (await pool.query<SummaryRow>(sql, params)).rows;
  }
  const wanted = query.limit + 1;
  const split = splitPoint(query, now);
  const recent = listSql(accountId, query, { from: split });
  const rows = (await pool.query<SummaryRow>(recent.sql, recent.params)).rows;
  if (rows.length >= wanted || (query.from !== undefined && Date.parse(query.from) >= Date.parse(split))) {
    return rows;
  }
  const older = listSql(accountId, query, { to: split }, wanted - rows.length);
  rows.push(...(await pool.query<SummaryRow>(older.sql, older.params)).rows);
  return rows;
}
