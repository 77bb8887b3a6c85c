/**
 * @module exportPage() for PostgreSQL: an account's whole events in seq order, read along the
 * (account_id, seq) index of every monthly partition (a Merge Append, so no sort), with the
 * migration that creates that index.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';
import { AuditlogError } from '../../errors.ts';
import { EXPORT_MAX_LIMIT, type ExportPage, type ExportQuery } from '../types.ts';
import { LINE_COLUMNS, LINE_FROM, type LineRow, lineOf } from './export-line.ts';
import { prepared } from './list-sql.ts';

/**
 * The list indexes all run in time order, so without this one a page in seq order would sort the
 * account's whole history. Created on the partitioned table, so every partition (and every month
 * created later) gets its own.
 */
export const EXPORT_MIGRATION = `
CREATE INDEX events_seq ON events (account_id, seq);
`;

/**
 * Seqs one call examines, in pages: enough that a page is almost always full, few enough that a
 * filter matching nothing never turns one call into a scan of the whole account.
 */
const SCAN_PAGES = 16;

/** The last seq one call examines. */
function scanThroughOf(query: ExportQuery): number {
  return Math.min(query.throughSeq, query.afterSeq + query.limit * SCAN_PAGES);
}

/** The SQL and parameters of one page: seqs afterSeq+1..scanThrough, filtered, at most limit. */
export function exportSql(
  accountId: string,
  query: ExportQuery,
  scanThrough: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId, query.afterSeq, scanThrough];
  const where = ['e.account_id = $1', 'e.seq > $2', 'e.seq <= $3'];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (query.streams) add((p) => `e.stream = ANY(${p}::text[])`, query.streams);
  if (query.from !== undefined) add((p) => `e.occurred_at >= ${p}::timestamptz`, query.from);
  if (query.to !== undefined) add((p) => `e.occurred_at < ${p}::timestamptz`, query.to);
  params.push(query.limit);
  const sql = `SELECT ${LINE_COLUMNS} FROM ${LINE_FROM} WHERE ${where.join(' AND ')}
    ORDER BY e.seq LIMIT $${params.length}`;
  return { sql, params };
}

/** A page's query, run (or running) before anyone asked for it. */
interface ReadAhead {
  key: string;
  rows: Promise<LineRow[]>;
  /** When it was sent (ms since the epoch). */
  sentAt: number;
}

/**
 * How long a page read ahead may wait to be taken. An export asks for it within milliseconds; one
 * left by a client that hung up is dropped, not handed to a retry of the same range much later
 * (after a retention purge, say).
 */
export const READ_AHEAD_MS = 30_000;

/**
 * Pages read ahead at once, across exports: a reader that stops (a client that hangs up) leaves its
 * last one here until newer ones push it out. Each holds at most EXPORT_MAX_LIMIT rows.
 */
const MAX_READ_AHEAD = 8;

/** What identifies a page: the account and every member of the query. */
function pageKey(accountId: string, query: ExportQuery): string {
  const { afterSeq, throughSeq, limit, streams, from, to } = query;
  return JSON.stringify([accountId, afterSeq, throughSeq, limit, streams ?? null, from ?? null, to ?? null]);
}

/**
 * Builds exportPage() over a pool. Once a page's rows arrive, the next page's query goes to the
 * server before this page's lines are built: the server reads and formats the next rows on its
 * core while Node decompresses payloads on its own, instead of each waiting for the other (an export
 * asks for the next page as soon as it has written this one).
 */
export function createExport(pool: pg.Pool, readAheadMs = READ_AHEAD_MS) {
  const ahead: ReadAhead[] = [];

  const readRows = (accountId: string, query: ExportQuery): Promise<LineRow[]> => {
    // Named (one statement per filter shape), so each connection plans it once, not once per
    // page: a page of 100 across a year's partitions took ~12.7 ms to query unnamed, ~7.1 named.
    const config = {
      ...prepared(exportSql(accountId, query, scanThroughOf(query))),
      rowMode: 'array' as const,
    };
    return pool.query<LineRow>(config).then((result) => result.rows);
  };

  /** The rows of a page: read ahead if they were (a failed read-ahead is read again), else now. */
  const takeRows = (accountId: string, query: ExportQuery): Promise<LineRow[]> => {
    const key = pageKey(accountId, query);
    const at = ahead.findIndex((page) => page.key === key);
    if (at === -1) return readRows(accountId, query);
    const [page] = ahead.splice(at, 1);
    if (Date.now() - page!.sentAt >= readAheadMs) return readRows(accountId, query);
    return page!.rows.catch(() => readRows(accountId, query));
  };

  const readAhead = (accountId: string, query: ExportQuery) => {
    const rows = readRows(accountId, query);
    // Observed at once: an export abandoned before taking it must not leave an unhandled rejection.
    rows.catch(() => {});
    ahead.push({ key: pageKey(accountId, query), rows, sentAt: Date.now() });
    if (ahead.length > MAX_READ_AHEAD) ahead.shift();
  };

  return async function exportPage(accountId: string, query: ExportQuery): Promise<ExportPage> {
    if (!(query.limit >= 1 && query.limit <= EXPORT_MAX_LIMIT))
      throw new AuditlogError('INTERNAL', `exportPage: limit must be 1..${EXPORT_MAX_LIMIT}`);
    if (query.afterSeq >= query.throughSeq || query.streams?.length === 0) return { lines: [], next: null };
    const rows = await takeRows(accountId, query);
    const reached = rows.length === query.limit ? Number(rows[rows.length - 1]![0]) : scanThroughOf(query);
    const next = reached >= query.throughSeq ? null : reached;
    if (next !== null) {
      readAhead(accountId, { ...query, afterSeq: next });
      // pg sends a query only from a later tick: let it go out before the lines keep this one busy.
      await nextTurn();
    }
    return { lines: rows.map(lineOf), next };
  };
}
