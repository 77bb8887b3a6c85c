/**
 * @module The SQL of list() for PostgreSQL. Every query starts with account_id = $1 and stream = $2,
 * and every filter matches an index whose columns run account, stream, filter, then the page order
 * (occurred_at DESC, id DESC). Values are always parameters; only fixed SQL is spliced in.
 */
import type pg from 'pg';
import type { EventQuery, Keyset } from '../types.ts';
import { SUMMARY_COLUMNS } from './rows.ts';
import { SEARCH_KEYS } from './search-keys.ts';
import { SEARCH_TEXT } from './slim-events.ts';

/** One statement and its parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** A WHERE clause being built: its conditions and their numbered parameters. */
export interface Conditions {
  clauses: string[];
  params: unknown[];
  /** Adds a condition on one new parameter; `sql` receives its placeholder (`$3`). */
  add(sql: (placeholder: string) => string, value: unknown): void;
}

export const PAGE_ORDER = 'ORDER BY occurred_at DESC, id DESC';

/**
 * One name per distinct statement text (list queries and export pages), for the whole process: a
 * connection refuses a name it already holds for another text.
 */
const statementNames = new Map<string, string>();

/**
 * The query as a named statement. PostgreSQL prepares it once per connection and, after a few
 * runs, reuses a generic plan: planning a query over a year of monthly partitions costs more than
 * running it (~2 ms against ~1 ms for a rare search term).
 */
export function prepared({ sql, params }: SqlQuery): pg.QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `auditlog_${statementNames.size + 1}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params };
}

/** The exact free-text test: the searched fields contain q, compared lower-cased on both sides. */
export const TEXT_MATCH = (placeholder: string) => `strpos(${SEARCH_TEXT}, lower(${placeholder})) > 0`;

/**
 * The account, stream and every filter of the query except free text and the keyset (`after`),
 * which callers add as they need.
 */
export function filterConditions(accountId: string, query: EventQuery): Conditions {
  const where: Conditions = {
    clauses: ['account_id = $1', 'stream = $2'],
    params: [accountId, query.stream],
    add(sql, value) {
      where.params.push(value);
      where.clauses.push(sql(`$${where.params.length}`));
    },
  };
  // One value as `=` (an ordered index scan); several as `= ANY` (PostgreSQL 15 then sorts).
  const anyOf = (column: string, values: string[] | undefined) => {
    if (!values || values.length === 0) return;
    if (values.length === 1) where.add((p) => `${column} = ${p}`, values[0]);
    else where.add((p) => `${column} = ANY(${p}::text[])`, values);
  };
  anyOf('actor_id', query.actorIds);
  anyOf('operation', query.operations);
  anyOf('category', query.categories);
  // A literal, not a parameter: the planner must see 'failure' to use the failures-only index.
  if (query.status)
    where.clauses.push(query.status === 'failure' ? "status = 'failure'" : "status = 'success'");
  if (query.from !== undefined) where.add((p) => `occurred_at >= ${p}::timestamptz`, query.from);
  if (query.to !== undefined) where.add((p) => `occurred_at < ${p}::timestamptz`, query.to);
  if (query.targetPath !== undefined) where.add((p) => `target_path = ${p}`, query.targetPath);
  if (query.requestId !== undefined) where.add((p) => `request_id = ${p}`, query.requestId);
  return where;
}

/**
 * Rows strictly after `position` in page order (older, or as old with a smaller id). The plain
 * bound on occurred_at repeats the row comparison so the planner can skip newer partitions.
 */
export function addBefore(where: Conditions, position: Keyset): void {
  where.add((p) => `occurred_at <= ${p}::timestamptz`, position.occurredAt);
  where.params.push(position.occurredAt, position.id);
  const n = where.params.length;
  where.clauses.push(`(occurred_at, id) < ($${n - 1}::timestamptz, $${n})`);
}

/**
 * One page read along the filters' index, newest first: `wanted` rows (default limit + 1, to know
 * whether more follow), within `range` when given (see recent-first.ts). With q, each row is tested
 * for the text as it is read — the plan for a q with no trigram to look up (see search.ts).
 */
export function listSql(
  accountId: string,
  query: EventQuery,
  range: { from?: string; to?: string } = {},
  wanted = query.limit + 1,
): SqlQuery {
  const where = filterConditions(accountId, query);
  if (query.q !== undefined) where.add(TEXT_MATCH, query.q);
  if (query.after) addBefore(where, query.after);
  if (range.from !== undefined) where.add((p) => `occurred_at >= ${p}::timestamptz`, range.from);
  if (range.to !== undefined) where.add((p) => `occurred_at < ${p}::timestamptz`, range.to);
  where.params.push(wanted);
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events WHERE ${where.clauses.join(' AND ')}
    ${PAGE_ORDER} LIMIT $${where.params.length}`,
    params: where.params,
  };
}

/**
 * Every filter a query can carry besides its stream, page size and keyset. The type makes a filter
 * added to EventQuery fail to compile until it is listed here, so that no plan choice below takes
 * a query with it for one without.
 */
const FILTER_NAMES = {
  actorIds: true,
  operations: true,
  categories: true,
  status: true,
  from: true,
  to: true,
  targetPath: true,
  requestId: true,
  q: true,
} satisfies Record<Exclude<keyof EventQuery, 'stream' | 'limit' | 'after'>, true>;

export type FilterName = keyof typeof FILTER_NAMES;

/** The filters `query` sets. */
export function filtersSet(query: EventQuery): FilterName[] {
  return (Object.keys(FILTER_NAMES) as FilterName[]).filter((name) => query[name] !== undefined);
}

/**
 * Whether every filter of the query is a column of the asset-path index (account, stream, path,
 * then the page order): then {@link assetPathSql} finds a page's keys without reading a row.
 */
export function assetPathOnly(query: EventQuery): boolean {
  const fitting: FilterName[] = ['targetPath', 'from', 'to'];
  return query.targetPath !== undefined && filtersSet(query).every((name) => fitting.includes(name));
}

/**
 * A page of one asset's history, keys first: the newest limit + 1 keys come from the asset-path
 * index alone (an index-only scan of every month, then a sort of the asset's keys), and only those
 * rows are read, by primary key, in the one month each key names. Read in one step, a popular
 * path (hundreds of events a year) read every row before the sort kept 51: at 5e6 events, p50
 * ~4.5 ms and p99 up to 27 ms, against ~1.6 and ~4–7 this way. The limit is a literal: a named
 * statement's generic plan then still knows the page is small and looks each row up.
 */
export function assetPathSql(accountId: string, query: EventQuery): SqlQuery {
  const where = filterConditions(accountId, query);
  if (query.after) addBefore(where, query.after);
  const keys = `SELECT id, occurred_at FROM events WHERE ${where.clauses.join(' AND ')}
    ${PAGE_ORDER} LIMIT ${Math.trunc(query.limit + 1)}`;
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events WHERE account_id = $1 AND (id, occurred_at) IN (${keys})
    ${PAGE_ORDER}`,
    params: where.params,
  };
}

/**
 * The newest `size` rows of the filters after `before`, each tested for the text as it is read:
 * returns the first `wanted` that match, and the window's last row (`row_no` = `size`) when it is
 * reached first, so the caller knows where the window ended. It stops at whichever comes first.
 * Sizes are literals (small integers), not parameters: a cached generic plan then still knows
 * the scan ends early and keeps to the ordered index.
 */
export function windowSql(
  accountId: string,
  query: EventQuery & { q: string },
  before: Keyset | undefined,
  size: number,
  wanted: number,
): SqlQuery {
  const where = filterConditions(accountId, query);
  if (before) addBefore(where, before);
  where.params.push(query.q);
  const q = `$${where.params.length}`;
  const sql = `SELECT * FROM (
    SELECT w.*, row_number() OVER (ORDER BY w.occurred_at DESC, w.id DESC) AS row_no
      FROM (SELECT ${SUMMARY_COLUMNS}, ${TEXT_MATCH(q)} AS hit FROM events
             WHERE ${where.clauses.join(' AND ')} ${PAGE_ORDER} LIMIT ${Math.trunc(size)}) w
  ) x WHERE hit OR row_no = ${Math.trunc(size)} LIMIT ${Math.trunc(wanted)}`;
  return { sql, params: where.params };
}

/**
 * The account and stream tests written so that no index can serve them: every index but the keys'
 * starts with the account, so a statement with these can only be planned on the keys index.
 */
const UNINDEXED_SCOPE = ["(account_id || '') = $1", "(stream || '') = $2"];

/**
 * Rows of the filters within `range` (after `before`, from `from`, before `to`) matching the
 * text, found through the trigram index with `keys` (searchKeys) and re-checked exactly: the
 * newest `wanted`, a literal for the same reason as in windowSql. With `keysIndexOnly`, no other
 * index fits the statement (UNINDEXED_SCOPE): its generic plan then is the keys index too.
 */
export function trigramSql(
  accountId: string,
  query: EventQuery & { q: string },
  keys: string[],
  range: { before?: Keyset; from?: string; to?: string },
  wanted: number,
  { keysIndexOnly = false } = {},
): SqlQuery {
  const where = filterConditions(accountId, query);
  if (keysIndexOnly) where.clauses.splice(0, UNINDEXED_SCOPE.length, ...UNINDEXED_SCOPE);
  if (range.before) addBefore(where, range.before);
  if (range.from !== undefined) where.add((p) => `occurred_at >= ${p}::timestamptz`, range.from);
  if (range.to !== undefined) where.add((p) => `occurred_at < ${p}::timestamptz`, range.to);
  where.add((p) => `${SEARCH_KEYS} @> ${p}::text[]`, keys);
  where.add(TEXT_MATCH, query.q);
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events WHERE ${where.clauses.join(' AND ')}
    ${PAGE_ORDER} LIMIT ${Math.trunc(wanted)}`,
    params: where.params,
  };
}
