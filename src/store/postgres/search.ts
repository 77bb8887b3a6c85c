/**
 * @module Free-text pages (q) for PostgreSQL. The trigram index answers per monthly partition: each
 * probe costs about the same whatever it finds, and a bitmap scan then reads and sorts every match
 * of the month. For a rare term (a file name) that is a handful of rows; for a common one
 * thousands, most of them never shown. So a page is found in steps, each stopping once it is full:
 *
 * 1. a window: the newest rows of the filters in page order, each tested for the text. A common
 *    term fills the page here; a few hits say the term is common enough for a longer window;
 * 2. the trigram index over the month of the last row read, then over every older month at once.
 *    Reaching it means the term is rare, so few rows are read and sorted.
 *
 * Each step continues just after the rows the previous one read, so the page is the one a single
 * query over everything would return. All steps run on one connection (plan-session.ts).
 */
import type pg from 'pg';
import type { EventQuery, Keyset } from '../types.ts';
import { type CommonKeys, hasRareKey } from './common-keys.ts';
import { filtersSet, listSql, type SqlQuery, trigramSql, windowSql } from './list-sql.ts';
import { monthOf, monthStart } from './partitions.ts';
import { type Plan, type PlanSession, withPlanSession } from './plan-session.ts';
import type { SummaryRow } from './rows.ts';
import { searchKeys } from './search-keys.ts';

/** Rows the first window reads: enough for COMMON_HITS to tell a common term from a rare one. */
export const FIRST_WINDOW = 200;
/** Hits in the first window (1 row in 40) that make a longer window cheaper than the index. */
export const COMMON_HITS = 5;
/** Rows the longer window reads at most: a page of a term in 1 row in 40. */
export const SECOND_WINDOW = 2000;

type Query = EventQuery & { q: string };

/** What a search runs on. */
export interface SearchContext {
  pool: pg.Pool;
  /** Which index keys are common, from the statistics (common-keys.ts). */
  commonKeys: CommonKeys;
}

interface WindowRow extends SummaryRow {
  hit: boolean;
  row_no: string;
}

/** What a window found: its first hits, and its last row when it read all `size` rows. */
interface Window {
  hits: SummaryRow[];
  end: Keyset | null;
}

/**
 * True when the first window has one right plan whatever the account: no filter but the stream (a
 * keyset only moves where the newest-first scan starts). PostgreSQL would plan it anew every time
 * all the same — the generic plan's estimate, made for an average account, never beats a large
 * account's own — though the plan comes out the same. At 5M events: 2.7 ms planned, 1.0 generic.
 * (Without keepFreedMemory this lost: the window's planning was what kept the next statement's
 * memory from being handed back to the kernel.)
 */
function oneShape(query: Query): boolean {
  return filtersSet(query).every((name) => name === 'q');
}

/**
 * Runs a window statement (windowSql) of `size` rows. A first window is named (the same statement
 * for every search of that page size), generic when oneShape. A longer window asks for however
 * many hits are still missing, a different statement nearly every time: planned for its values.
 */
async function readWindow(
  session: PlanSession,
  statement: SqlQuery,
  size: number,
  plan: Plan,
): Promise<Window> {
  const rows = await session.query<WindowRow>(statement, plan);
  const last = rows.find((row) => Number(row.row_no) === size);
  return {
    hits: rows.filter((row) => row.hit),
    end: last ? { occurredAt: last.occurred_at.toISOString(), id: last.id } : null,
  };
}

/**
 * Up to `query.limit + 1` rows matching the query, q included, newest first.
 *
 * @example
 * const rows = await searchRows(context, 'acc_1', { stream: 'media', q: 'bag-35001', limit: 50 });
 */
export async function searchRows(
  context: SearchContext,
  accountId: string,
  query: Query,
): Promise<SummaryRow[]> {
  const keys = searchKeys(accountId, query.q);
  if (keys === null) {
    const { sql, params } = listSql(accountId, query);
    return (await context.pool.query<SummaryRow>(sql, params)).rows;
  }
  const rare = hasRareKey(keys, await context.commonKeys.current());
  return withPlanSession(context.pool, (session) => searchSteps(session, accountId, query, keys, rare));
}

async function searchSteps(
  session: PlanSession,
  accountId: string,
  query: Query,
  keys: string[],
  rare: boolean,
): Promise<SummaryRow[]> {
  const wanted = query.limit + 1;
  const first = windowSql(accountId, query, query.after, FIRST_WINDOW, wanted);
  let window = await readWindow(session, first, FIRST_WINDOW, oneShape(query) ? 'generic' : 'named');
  const rows = window.hits;
  if (window.end && rows.length < wanted && rows.length >= COMMON_HITS) {
    const longer = windowSql(accountId, query, window.end, SECOND_WINDOW, wanted - rows.length);
    window = await readWindow(session, longer, SECOND_WINDOW, 'values');
    rows.push(...window.hits);
  }
  // A window that stopped before its last row found a full page, or read every row there was.
  if (!window.end || rows.length >= wanted) return rows.slice(0, wanted);
  // The rest through the index: the month the window ended in, then all older months at once.
  // When one of the keys is rare in every month (common-keys.ts), the keys index is the right plan
  // whatever the values, and both run on their generic plans: planning a dozen partitions cost
  // ~2 ms of the older months' ~4.5 at 5M events. Otherwise each is planned for its values, never
  // left to PostgreSQL's choice: a generic plan, unable to tell a rare term's keys from a common
  // one's, read each month's account rows from another index to AND with the keys (~170 ms
  // instead of ~5 at 5M events).
  const plan: Plan = rare ? 'generic' : 'values';
  const options = { keysIndexOnly: rare };
  const before = window.end;
  const month = monthStart(monthOf(new Date(before.occurredAt))).toISOString();
  const inMonth = trigramSql(accountId, query, keys, { before, from: month }, wanted, options);
  rows.push(...(await session.query<SummaryRow>(inMonth, plan)));
  if (rows.length >= wanted) return rows.slice(0, wanted);
  const older = trigramSql(accountId, query, keys, { to: month }, wanted, options);
  rows.push(...(await session.query<SummaryRow>(older, plan)));
  return rows.slice(0, wanted);
}
