/**
 * @module The SQL of list(). Every value is a bound parameter; only fixed column and index names
 * are spliced in. Each query is driven by one index chosen from the filters (the most selective
 * first) and pinned with INDEXED BY, so a page is read newest-first from the index and the plan
 * never depends on statistics that a young database does not have yet.
 */
import type { EventQuery } from '../types.ts';
import { encodeId, isoToMs, SUMMARY_COLUMNS, statusCode, streamCode } from './codec.ts';
import { inAccountRows } from './row-key.ts';
import { asciiLower, isIndexedTrigram, termsMatch } from './search-terms.ts';
import { allTrigrams, coverTrigrams } from './trigrams.ts';
import { type EventKind, TERM_KIND, type Vocabulary } from './vocabulary.ts';

/**
 * A list query with its filters as stored (migrations/006_coded_columns.sql): every reference of
 * the actor ids, and the codes of the operations and categories. `kinds` are the (category,
 * operation) pairs those two filters match (migrations/009_kind_index.sql), present when they
 * drive the query.
 */
export type CodedQuery = Omit<EventQuery, 'actorIds' | 'operations' | 'categories'> & {
  actorRefs?: number[];
  operationCodes?: number[];
  categoryCodes?: number[];
  kinds?: EventKind[];
};

/**
 * The query with its filters as codes, or null when a filter can match nothing (no event of the
 * account's stream carries any of its values, or no event carries both a category and an
 * operation asked for).
 */
export function codeQuery(vocabulary: Vocabulary, accountKey: number, q: EventQuery): CodedQuery | null {
  const { actorIds, operations, categories, ...rest } = q;
  const coded: CodedQuery = rest;
  const stream = streamCode(q.stream);
  if (actorIds) coded.actorRefs = vocabulary.actorRefsOf(accountKey, stream, actorIds);
  if (operations) coded.operationCodes = vocabulary.codesOf(TERM_KIND.operation, operations);
  if (categories) coded.categoryCodes = vocabulary.codesOf(TERM_KIND.category, categories);
  const filters = [coded.actorRefs, coded.operationCodes, coded.categoryCodes];
  if (filters.some((codes) => codes?.length === 0)) return null;
  if (drivenByKind(coded)) {
    coded.kinds = vocabulary.kindsOf(accountKey, stream, coded);
    if (coded.kinds.length === 0) return null;
  }
  return coded;
}

/** Whether the operation and category filters drive the query: no more selective filter does. */
function drivenByKind(q: CodedQuery): boolean {
  const moreSelective = q.requestId !== undefined || q.targetPath !== undefined || q.actorRefs !== undefined;
  return !moreSelective && (q.operationCodes !== undefined || q.categoryCodes !== undefined);
}

/** One statement and its parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * The statements of one list() call. Without free text only `direct` runs. With a q of three or
 * more characters, a term that matches no actor (`actorsMatch`) pages its newest trigram candidates
 * (`recent`, looked up with `searchAmong`) and completes the page with `newerBelow` or
 * `trigramBetween` (list.ts). Otherwise, or when its newest candidates hold too few matches,
 * `candidates` lists (up to `budget` from each) the account's rows the trigram index and the
 * matching actors propose: when they are fewer, `searchAmong` reads just those. A term with more
 * is looked for along the driving index, among its newest `budget` rows (`window`); only when that
 * finds too few and `windowSize` says the rows were not exhausted does `search` run anyway.
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
      /** Whether any actor form of the stream contains the text (then `recent` does not apply). */
      actorsMatch: SqlQuery;
      /**
       * The account's trigram candidates, newest first, at most {@link MAX_RECENT_CHUNKS} chunks of
       * {@link RECENT_CHUNK}: read a chunk at a time from one open statement (list.ts).
       */
      recent: SqlQuery;
      /** Every row key of the stream below `below` that occurred at or after `occurredAt` (ms). */
      newerBelow: (below: bigint, occurredAt: number) => SqlQuery;
      /** The trigram candidates from row key `from` up to (not including) `below`. */
      trigramBetween: (from: bigint, below: bigint) => SqlQuery;
    };

/** Rows a free-text query may look up one by one before another strategy is cheaper. */
export const SEARCH_BUDGET = 2000;
/** Trigram candidates a free-text page examines at a time, newest first (see list.ts `recent`). */
export const RECENT_CHUNK = 200;
/** Chunks of trigram candidates `recent` examines before a page reads them all at once instead. */
export const MAX_RECENT_CHUNKS = 8;
/** Multi-valued filters up to this many values are read as a merge of one ordered range each. */
const MAX_FAN_OUT = 16;
/**
 * Kinds up to this many are read as a merge of one range each: an account holds a few dozen
 * (11 categories, 17 operations). Beyond, the filter spans most of the account's kinds, and its
 * events are found newest first along the time index.
 */
const MAX_KIND_FAN_OUT = 64;
const ORDER = 'ORDER BY occurred_at DESC, id DESC';

/**
 * The index that drives the query, the columns of its range after account and stream, and the
 * values of those columns, one tuple per range to merge.
 */
interface Driver {
  index: string;
  columns: string[];
  values: ReadonlyArray<readonly unknown[]>;
}

/**
 * The index that drives the query: request id, then asset path, actor, (category, operation),
 * time. A multi-valued filter of up to {@link MAX_FAN_OUT} values has one range per value.
 */
function chooseDriver(q: CodedQuery): Driver {
  const single = (index: string, column: string, value: unknown) => ({
    index,
    columns: [column],
    values: [[value]],
  });
  if (q.requestId !== undefined) return single('events_by_request', 'request_id', q.requestId);
  if (q.targetPath !== undefined) return single('events_by_target_path', 'target_path', q.targetPath);
  if (q.actorRefs) {
    const refs = q.actorRefs;
    const values = refs.length <= MAX_FAN_OUT ? refs.map((ref) => [ref]) : [refs];
    return { index: 'events_by_actor', columns: ['actor_ref'], values };
  }
  if (q.kinds && q.kinds.length <= MAX_KIND_FAN_OUT)
    return { index: 'events_by_kind', columns: ['category_code', 'operation_code'], values: q.kinds };
  return { index: 'events_by_time', columns: [], values: [[]] };
}

function inList(column: string, values: readonly unknown[], params: unknown[]): string {
  params.push(...values);
  return values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** The conditions of an occurredAt range (from inclusive, to exclusive), shared with the export. */
export function timeRangeConditions(range: { from?: string; to?: string }, params: unknown[]): string[] {
  const where: string[] = [];
  if (range.from !== undefined) {
    where.push('occurred_at >= ?');
    params.push(isoToMs(range.from));
  }
  if (range.to !== undefined) {
    where.push('occurred_at < ?');
    params.push(isoToMs(range.to));
  }
  return where;
}

/** Conditions every candidate must meet, except the driver's own columns and free text. */
function filterConditions(q: CodedQuery, driver: Driver, params: unknown[]): string[] {
  const where: string[] = [];
  const multi: Array<[string, unknown[] | undefined]> = [
    ['actor_ref', q.actorRefs],
    ['operation_code', q.operationCodes],
    ['category_code', q.categoryCodes],
    ['target_path', q.targetPath === undefined ? undefined : [q.targetPath]],
    ['request_id', q.requestId === undefined ? undefined : [q.requestId]],
  ];
  for (const [column, values] of multi) {
    if (values && !driver.columns.includes(column)) where.push(inList(column, values, params));
  }
  if (q.status !== undefined) {
    where.push('status = ?');
    params.push(statusCode(q.status));
  }
  where.push(...timeRangeConditions(q, params));
  if (q.after) {
    where.push('(occurred_at, id) < (?, ?)');
    params.push(isoToMs(q.after.occurredAt), encodeId(q.after.id));
  }
  return where;
}

const SEARCHED_COLUMNS = ['api_path', 'target_id', 'target_name', 'target_path'];

/**
 * The actor forms of an account's stream whose id, email or name contains the text: a few hundred
 * rows, not one per event. Parameters: {@link actorParams}.
 */
const MATCHING_ACTORS = `SELECT actor_ref FROM event_actor_refs WHERE account_key = ? AND stream = ?
  AND (instr(lower(actor_id), ?) > 0 OR instr(lower(actor_email), ?) > 0 OR instr(lower(actor_name), ?) > 0)`;

/**
 * Case-insensitive (ASCII) literal substring test over the searched columns and the actor (whose
 * matching forms are listed once per statement): no LIKE escapes.
 */
function textCondition(accountKey: number, q: CodedQuery, text: string, params: unknown[]): string {
  const needle = asciiLower(text);
  params.push(...SEARCHED_COLUMNS.map(() => needle), ...actorParams(accountKey, q, text));
  const columns = SEARCHED_COLUMNS.map((c) => `instr(lower(${c}), ?) > 0`);
  return `(${columns.join(' OR ')} OR actor_ref IN (${MATCHING_ACTORS}))`;
}

/** A condition written after the others, with its parameters pushed in order. */
type Condition = (params: unknown[]) => string;

/**
 * The SELECT of one arm: the driver's range (one value per column, or the IN list of a single
 * column too long to fan out) plus every other condition, in index order.
 */
function arm(
  q: CodedQuery,
  accountKey: number,
  driver: Driver,
  value: readonly unknown[],
  text?: Condition,
): SqlQuery {
  const params: unknown[] = [accountKey, streamCode(q.stream)];
  const where = ['account_key = ?', 'stream = ?'];
  const [column] = driver.columns;
  if (driver.columns.length === 1 && column && value.length > 1) where.push(inList(column, value, params));
  else
    driver.columns.forEach((c, i) => {
      where.push(inList(c, [value[i]], params));
    });
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
function ordered(accountKey: number, q: CodedQuery, limit: number, text?: Condition): SqlQuery {
  const driver = chooseDriver(q);
  const arms = driver.values.map((value) => arm(q, accountKey, driver, value, text));
  return {
    sql: `${arms.map((a) => a.sql).join(' UNION ALL ')} ${ORDER} LIMIT ?`,
    params: [...arms.flatMap((a) => a.params), limit],
  };
}

/**
 * The trigrams a search asks the index about: the chosen ones it holds, else any of the text's it
 * holds; none for a text under three characters.
 */
function indexedTrigrams(text: string, chooseTrigrams: (text: string) => readonly string[]): string[] {
  if ([...text].length < 3) return [];
  const chosen = chooseTrigrams(text).filter(isIndexedTrigram);
  return chosen.length > 0 ? chosen : allTrigrams(text).filter(isIndexedTrigram);
}

/**
 * Plans the statements of one list() call for the account with the given internal key. Free text
 * asks the trigram index about the trigrams `chooseTrigrams` names (any non-empty subset of the
 * text's is correct: see trigrams.ts); by default, a cover of the text. Of those, only the ones
 * the index holds (isIndexedTrigram): if none is, any other of the text's that it holds.
 */
export function planList(
  accountKey: number,
  q: CodedQuery,
  chooseTrigrams: (text: string) => readonly string[] = coverTrigrams,
): ListPlan {
  const limit = q.limit + 1;
  const text = q.q === undefined || q.q === '' ? undefined : q.q;
  const trigrams = text === undefined ? [] : indexedTrigrams(text, chooseTrigrams);
  if (text === undefined || trigrams.length === 0) {
    // No trigram the index holds (fewer than three characters, or a newline in each): re-check
    // rows along the driving index.
    const direct = ordered(
      accountKey,
      q,
      limit,
      text === undefined ? undefined : (p) => textCondition(accountKey, q, text, p),
    );
    return { kind: 'direct', direct };
  }
  const budget = SEARCH_BUDGET;
  const match = termsMatch(accountKey, trigrams);
  const candidates = ordered(accountKey, q, budget);
  const windowParams: unknown[] = [...candidates.params];
  const windowText = textCondition(accountKey, q, text, windowParams);
  const window = {
    sql: `SELECT * FROM (${candidates.sql}) WHERE ${windowText} ${ORDER} LIMIT ?`,
    params: [...windowParams, limit],
  };
  const windowSize = { sql: `SELECT count(*) FROM (${candidates.sql})`, params: candidates.params };
  const candidateRows = {
    sql: `SELECT * FROM (SELECT rowid FROM events_fts WHERE ${TRIGRAM_MATCH} LIMIT ?)
      UNION ALL SELECT * FROM (${ACTOR_CANDIDATES} LIMIT ?)`,
    params: [match, accountKey, accountKey, budget, ...actorCandidateParams(accountKey, q, text), budget],
  };
  const search = searchQuery(accountKey, q, text, limit, candidateSource(accountKey, q, text, match));
  const searchAmong = (rowKeys: string) =>
    searchQuery(accountKey, q, text, limit, { sql: 'SELECT value FROM json_each(?)', params: [rowKeys] });
  const actorsMatch = {
    sql: `SELECT EXISTS (${MATCHING_ACTORS})`,
    params: actorParams(accountKey, q, text),
  };
  // One statement serves all of a page's chunks: FTS5 finds the newest match of the trigrams once
  // (a new statement per chunk starts again from the account's newest postings).
  const recent = {
    sql: `SELECT rowid FROM events_fts WHERE events_fts MATCH ? AND rowid >= (? << 40) AND rowid < ?
      ORDER BY rowid DESC LIMIT ?`,
    params: [match, accountKey, BigInt(accountKey + 1) << 40n, RECENT_CHUNK * MAX_RECENT_CHUNKS],
  };
  // Covering: occurred_at and the row key are both in the time index, so no row is read.
  const newerBelow = (below: bigint, occurredAt: number) => ({
    sql: `SELECT row_key FROM events INDEXED BY events_by_time
      WHERE account_key = ? AND stream = ? AND occurred_at >= ? AND row_key < ?`,
    params: [accountKey, streamCode(q.stream), occurredAt, below],
  });
  const trigramBetween = (from: bigint, below: bigint) => ({
    sql: 'SELECT rowid FROM events_fts WHERE events_fts MATCH ? AND rowid >= ? AND rowid < ?',
    params: [match, from, below],
  });
  return {
    kind: 'search',
    trigramBetween,
    candidates: candidateRows,
    searchAmong,
    window,
    windowSize,
    search,
    budget,
    actorsMatch,
    recent,
    newerBelow,
  };
}

/**
 * The account's terms (search-terms.ts) hold only its rows; the rowid range (row_key = account_key
 * << 40 | seq) says so again, so no change to the terms can reach another account's events.
 * Parameters: the terms query, then the account key twice.
 */
const TRIGRAM_MATCH = `events_fts MATCH ? AND ${inAccountRows('rowid')}`;

/**
 * The account's events by actors whose id, email or name contains the text. Actors are not in the
 * trigram index: they are looked up among the distinct forms the account's events carried
 * (event_actor_refs), then their events along the actor index. Parameters: the account key and
 * stream, then {@link actorParams}.
 */
const ACTOR_CANDIDATES = `SELECT row_key FROM events INDEXED BY events_by_actor
  WHERE account_key = ? AND stream = ? AND actor_ref IN (${MATCHING_ACTORS})`;

/** The parameters of {@link MATCHING_ACTORS}. */
function actorParams(accountKey: number, q: CodedQuery, text: string): unknown[] {
  const needle = asciiLower(text);
  return [accountKey, streamCode(q.stream), needle, needle, needle];
}

function actorCandidateParams(accountKey: number, q: CodedQuery, text: string): unknown[] {
  return [accountKey, streamCode(q.stream), ...actorParams(accountKey, q, text)];
}

/** Every candidate row key: from the trigram index and from matching actors. */
function candidateSource(accountKey: number, q: CodedQuery, text: string, match: string): SqlQuery {
  return {
    sql: `SELECT rowid FROM events_fts WHERE ${TRIGRAM_MATCH} UNION ${ACTOR_CANDIDATES}`,
    params: [match, accountKey, accountKey, ...actorCandidateParams(accountKey, q, text)],
  };
}

/**
 * The candidates of `source` (a SELECT of row keys), looked up by rowid and re-checked; sorts only
 * the matches.
 */
function searchQuery(
  accountKey: number,
  q: CodedQuery,
  text: string,
  limit: number,
  source: SqlQuery,
): SqlQuery {
  const params: unknown[] = [...source.params, accountKey, streamCode(q.stream)];
  const where = [`row_key IN (${source.sql})`, 'account_key = ?', 'stream = ?'];
  // No driver column: every filter, the multi-valued ones included, is checked on the candidates.
  where.push(...filterConditions(q, { index: 'events_fts', columns: [], values: [] }, params));
  where.push(textCondition(accountKey, q, text, params));
  params.push(limit);
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM events NOT INDEXED WHERE ${where.join(' AND ')} ${ORDER} LIMIT ?`,
    params,
  };
}
