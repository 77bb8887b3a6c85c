/**
 * @module The SQL of list(). Every value is a bound parameter; only fixed column and index names
 * are spliced in. Each query is driven by one index chosen from the filters (the most selective
 * first) and pinned with INDEXED BY, so a page is read newest-first from the index and the plan
 * never depends on statistics that a young database does not have yet.
 */
import type { EventQuery } from '../types.ts';
import { encodeId, isoToMs, SUMMARY_COLUMNS, statusCode, streamCode } from './codec.ts';

/** One statement and its parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * The statements of one list() call. Without free text only `direct` runs. With a q of three or
 * more characters, `candidates` lists (up to `budget` from each) the account's rows the trigram
 * index and the matching actors propose: when they are fewer, `searchAmong` reads just those. A common term instead is looked for
 * along the driving index, among its newest `budget` rows (`window`); only when that finds too
 * few and `windowSize` says the rows were not exhausted does `search` run anyway.
 */
export type ListPlan =
  | { kind: 'direct'; direct: SqlQuery }
  | {
      kind: 'search';
      /** The candidate row keys, at most `budget` from each source (read them as BigInts). */
      candidates: SqlQuery;
      /** `search` among row keys already found: a JSON array of them, so the index is asked once. */
      searchAmong: (rowKeys: string) => SqlQuery;
      window: SqlQuery;
      windowSize: SqlQuery;
      search: SqlQuery;
      budget: number;
    };

/** Rows a free-text query may look up one by one before another strategy is cheaper. */
export const SEARCH_BUDGET = 2000;
const MAX_SEQ_BITS = 2 ** 40 - 1;
/** Multi-valued filters up to this many values are read as a merge of one ordered range each. */
const MAX_FAN_OUT = 16;
const ORDER = 'ORDER BY occurred_at DESC, id DESC';

interface Driver {
  index: string;
  column?: string;
  values?: unknown[];
}

/** The index that drives the query: request id, then asset path, actor, operation, category, time. */
function chooseDriver(q: EventQuery): Driver {
  if (q.requestId !== undefined)
    return { index: 'events_by_request', column: 'request_id', values: [q.requestId] };
  if (q.targetPath !== undefined)
    return { index: 'events_by_target_path', column: 'target_path', values: [q.targetPath] };
  if (q.actorIds) return { index: 'events_by_actor', column: 'actor_id', values: q.actorIds };
  if (q.operations) return { index: 'events_by_operation', column: 'operation', values: q.operations };
  if (q.categories) return { index: 'events_by_category', column: 'category', values: q.categories };
  return { index: 'events_by_time' };
}

function inList(column: string, values: unknown[], params: unknown[]): string {
  params.push(...values);
  return values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** Conditions every candidate must meet, except the driver's own column and free text. */
function filterConditions(q: EventQuery, driver: Driver, params: unknown[]): string[] {
  const where: string[] = [];
  const multi: Array<[string, unknown[] | undefined]> = [
    ['actor_id', q.actorIds],
    ['operation', q.operations],
    ['category', q.categories],
    ['target_path', q.targetPath === undefined ? undefined : [q.targetPath]],
    ['request_id', q.requestId === undefined ? undefined : [q.requestId]],
  ];
  for (const [column, values] of multi) {
    if (values && column !== driver.column) where.push(inList(column, values, params));
  }
  if (q.status !== undefined) {
    where.push('status = ?');
    params.push(statusCode(q.status));
  }
  if (q.from !== undefined) {
    where.push('occurred_at >= ?');
    params.push(isoToMs(q.from));
  }
  if (q.to !== undefined) {
    where.push('occurred_at < ?');
    params.push(isoToMs(q.to));
  }
  if (q.after) {
    where.push('(occurred_at, id) < (?, ?)');
    params.push(isoToMs(q.after.occurredAt), encodeId(q.after.id));
  }
  return where;
}

const SEARCHED_COLUMNS = [
  'api_path',
  'target_id',
  'target_name',
  'target_path',
  'actor_id',
  'actor_email',
  'actor_name',
];

/** SQLite's lower() folds ASCII only; folding the needle the same way keeps both sides equal. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Case-insensitive (ASCII) literal substring test over the searched columns: no LIKE escapes. */
function textCondition(text: string, params: unknown[]): string {
  const needle = asciiLower(text);
  params.push(...SEARCHED_COLUMNS.map(() => needle));
  return `(${SEARCHED_COLUMNS.map((c) => `instr(lower(${c}), ?) > 0`).join(' OR ')})`;
}

/**
 * The trigram query for `text`: its trigrams ANDed, each quoted. Non-overlapping trigrams (plus
 * the last) cover every character; the re-check on the real columns removes false positives.
 */
export function trigramQuery(text: string): string {
  const chars = [...text];
  const starts = new Set<number>();
  for (let i = 0; i + 3 <= chars.length; i += 3) starts.add(i);
  starts.add(chars.length - 3);
  const quote = (trigram: string) => `"${trigram.replaceAll('"', '""')}"`;
  return [...starts].map((i) => quote(chars.slice(i, i + 3).join(''))).join(' AND ');
}

/** A condition written after the others, with its parameters pushed in order. */
type Condition = (params: unknown[]) => string;

/** The SELECT of one arm: the driver's range plus every other condition, in index order. */
function arm(
  q: EventQuery,
  accountKey: number,
  driver: Driver,
  value: unknown[] | null,
  text?: Condition,
): SqlQuery {
  const params: unknown[] = [accountKey, streamCode(q.stream)];
  const where = ['account_key = ?', 'stream = ?'];
  if (driver.column && value) where.push(inList(driver.column, value, params));
  where.push(...filterConditions(q, driver, params));
  if (text) where.push(text(params));
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events INDEXED BY ${driver.index} WHERE ${where.join(' AND ')}`,
    params,
  };
}

/**
 * Every matching row in newest-first order, at most `limit`: one ordered index range, or for a
 * multi-valued driver a merge (UNION ALL, which SQLite merges without sorting) of one range per
 * value, so a page never sorts all of an actor's or a category's history.
 */
function ordered(accountKey: number, q: EventQuery, limit: number, text?: Condition): SqlQuery {
  const driver = chooseDriver(q);
  const values = driver.values ?? [];
  const fanOut = values.length > 1 && values.length <= MAX_FAN_OUT;
  const groups = fanOut ? values.map((v) => [v]) : [driver.column ? values : null];
  const arms = groups.map((group) => arm(q, accountKey, driver, group, text));
  return {
    sql: `${arms.map((a) => a.sql).join(' UNION ALL ')} ${ORDER} LIMIT ?`,
    params: [...arms.flatMap((a) => a.params), limit],
  };
}

/** Plans the statements of one list() call for the account with the given internal key. */
export function planList(accountKey: number, q: EventQuery): ListPlan {
  const limit = q.limit + 1;
  const text = q.q === undefined || q.q === '' ? undefined : q.q;
  if (text === undefined || [...text].length < 3) {
    // Fewer than three characters have no trigram: re-check rows along the driving index.
    const direct = ordered(
      accountKey,
      q,
      limit,
      text === undefined ? undefined : (p) => textCondition(text, p),
    );
    return { kind: 'direct', direct };
  }
  const budget = SEARCH_BUDGET;
  const candidates = ordered(accountKey, q, budget);
  const windowParams: unknown[] = [...candidates.params];
  const windowText = textCondition(text, windowParams);
  const window = {
    sql: `SELECT * FROM (${candidates.sql}) WHERE ${windowText} ${ORDER} LIMIT ?`,
    params: [...windowParams, limit],
  };
  const windowSize = { sql: `SELECT count(*) FROM (${candidates.sql})`, params: candidates.params };
  const candidateRows = {
    sql: `SELECT * FROM (SELECT rowid FROM events_fts WHERE ${TRIGRAM_MATCH} LIMIT ?)
      UNION ALL SELECT * FROM (${ACTOR_CANDIDATES} LIMIT ?)`,
    params: [trigramQuery(text), accountKey, accountKey, budget, ...actorParams(accountKey, q, text), budget],
  };
  const search = searchQuery(accountKey, q, text, limit, candidateSource(accountKey, q, text));
  const searchAmong = (rowKeys: string) =>
    searchQuery(accountKey, q, text, limit, { sql: 'SELECT value FROM json_each(?)', params: [rowKeys] });
  return { kind: 'search', candidates: candidateRows, searchAmong, window, windowSize, search, budget };
}

/**
 * The account's rows are one rowid range (row_key = account_key << 40 | seq): the trigram index is
 * asked only about them. Parameters: the trigram query, then the account key twice.
 */
const TRIGRAM_MATCH = `events_fts MATCH ? AND rowid BETWEEN (? << 40) AND ((? << 40) | ${MAX_SEQ_BITS})`;

/**
 * The account's events by actors whose id, email or name contains the text. Actors are not in the
 * trigram index: they are looked up among the distinct names the account's events carried
 * (event_actor_names: a few hundred rows, not one per event), then their events along the actor
 * index. Parameters: {@link actorParams}.
 */
const ACTOR_CANDIDATES = `SELECT row_key FROM events INDEXED BY events_by_actor
  WHERE account_key = ? AND stream = ? AND actor_id IN (
    SELECT actor_id FROM event_actor_names WHERE account_key = ? AND stream = ?
      AND (instr(lower(actor_id), ?) > 0 OR instr(lower(actor_email), ?) > 0 OR instr(lower(actor_name), ?) > 0))`;

function actorParams(accountKey: number, q: EventQuery, text: string): unknown[] {
  const stream = streamCode(q.stream);
  const needle = asciiLower(text);
  return [accountKey, stream, accountKey, stream, needle, needle, needle];
}

/** Every candidate row key: from the trigram index and from matching actors. */
function candidateSource(accountKey: number, q: EventQuery, text: string): SqlQuery {
  return {
    sql: `SELECT rowid FROM events_fts WHERE ${TRIGRAM_MATCH} UNION ${ACTOR_CANDIDATES}`,
    params: [trigramQuery(text), accountKey, accountKey, ...actorParams(accountKey, q, text)],
  };
}

/**
 * The candidates of `source` (a SELECT of row keys), looked up by rowid and re-checked; sorts only
 * the matches.
 */
function searchQuery(
  accountKey: number,
  q: EventQuery,
  text: string,
  limit: number,
  source: SqlQuery,
): SqlQuery {
  const params: unknown[] = [...source.params, accountKey, streamCode(q.stream)];
  const where = [`row_key IN (${source.sql})`, 'account_key = ?', 'stream = ?'];
  // No driver column: every filter, the multi-valued ones included, is checked on the candidates.
  where.push(...filterConditions(q, { index: 'events_fts' }, params));
  where.push(textCondition(text, params));
  params.push(limit);
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events NOT INDEXED WHERE ${where.join(' AND ')} ${ORDER} LIMIT ?`,
    params,
  };
}
