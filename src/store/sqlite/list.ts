/**
 * @module list() for SQLite: runs the plan of list-sql.ts and turns rows into a page with its
 * keyset. Fetches limit + 1 rows to know whether another page follows.
 */
import type { EventPage, EventQuery } from '../types.ts';
import type { StatementCache } from './database.ts';
import { type ListRow, listRowToSummary, occurredAtOf, seqOf } from './list-row.ts';
import {
  codeQuery,
  type ListPlan,
  MAX_RECENT_CHUNKS,
  planList,
  RECENT_CHUNK,
  type SqlQuery,
} from './list-sql.ts';
import { lateSpans, spanOfRowKey, spanStart } from './span-bounds.ts';
import { createTrigramChooser } from './trigrams.ts';
import type { Vocabulary } from './vocabulary.ts';

type SearchPlan = Extract<ListPlan, { kind: 'search' }>;

/**
 * Candidates `newestFirst` looks up at a time: a page and a quarter. A candidate's lookup reads a
 * row from anywhere in the account's history, rarely cached (~16 µs on the 5e6 bench data set
 * when it is not, ~6 µs when it is), so a term whose candidates mostly match fills its page from
 * one chunk, and the span bounds spare the rest.
 */
const lookupChunk = (limit: number) => Math.ceil((limit + 1) * 1.25);
/**
 * Candidates the next chunk of `recent` examines: enough to fill the page at the share of matches
 * seen so far, and a quarter more; at least a first chunk's, at most {@link RECENT_CHUNK}. A term
 * that is nearly full after one chunk asks for a few more rows, not for 200: each is looked up.
 */
export function nextChunk(limit: number, matched: number, examined: number): number {
  const share = Math.max(matched, 1) / examined;
  const wanted = Math.ceil(((limit + 1 - matched) / share) * 1.25);
  return Math.min(RECENT_CHUNK, Math.max(lookupChunk(limit), wanted));
}
/** Late spans whose trigram candidates `recent` reads one span at a time; beyond, the time index. */
const MAX_LATE_SPANS = 8;

/** The next `count` values of `values` (fewer when it ends). */
function take<T>(values: Iterator<T>, count: number): T[] {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = values.next();
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}

const descending = (a: bigint, b: bigint) => (a < b ? 1 : a > b ? -1 : 0);

const EMPTY_PAGE: EventPage = { events: [], next: null };

/**
 * Builds list(). `accountKeyOf` maps an account id to its internal key (undefined when the
 * account has no events yet); `vocabulary` turns filters into codes and codes back into text.
 */
export function createLister(
  statements: StatementCache,
  accountKeyOf: (accountId: string) => number | undefined,
  vocabulary: Vocabulary,
): (accountId: string, query: EventQuery) => EventPage {
  const rows = (q: SqlQuery) => statements.get(q.sql).raw(true).all(q.params) as ListRow[];
  const count = (q: SqlQuery) => statements.get(q.sql).pluck().get(q.params) as number;
  const rowKeys = (q: SqlQuery) => statements.get(q.sql).pluck().safeIntegers(true).all(q.params) as bigint[];
  const rarestTrigrams = createTrigramChooser(statements);

  // Row keys exceed 2^53: they travel as BigInts, and into SQL as a JSON array.
  const among = (plan: SearchPlan, keys: readonly bigint[]) => rows(plan.searchAmong(`[${keys.join(',')}]`));

  /**
   * The trigram candidates below row key `below` that may have occurred at or after `occurredAt`:
   * those of the spans whose bound reaches it, or, when many spans do (events imported out of
   * order), every row of the stream the time index lists from then on.
   */
  const lateCandidates = (plan: SearchPlan, accountKey: number, below: bigint, occurredAt: number) => {
    const late = lateSpans(statements, accountKey, below, occurredAt);
    if (late.length > MAX_LATE_SPANS) return rowKeys(plan.newerBelow(below, occurredAt));
    return late.flatMap((span) => {
      const next = spanStart(accountKey, span + 1);
      return rowKeys(plan.trigramBetween(spanStart(accountKey, span), next < below ? next : below));
    });
  };

  /**
   * A page from the trigram candidates newest first (row keys grow with seq), a chunk at a time
   * (the first a page and a quarter, the next ones sized by {@link nextChunk}), until the matches
   * fill a page.
   * Exact although the page is ordered by occurredAt, not seq: a match not examined has a row key
   * below the lowest examined; if it belongs on the page it occurred at or after the page's last
   * row, and `lateCandidates` lists all such row keys without reading a row. Undefined when the
   * term needs more than {@link MAX_RECENT_CHUNKS} chunks. Only for terms that match no actor:
   * their events are not trigram candidates.
   */
  const recent = (plan: SearchPlan, limit: number, accountKey: number): ListRow[] | undefined => {
    // Other statements may run while this one is open (they only read); it is closed on every path.
    const newest = statements
      .get(plan.recent.sql)
      .pluck()
      .safeIntegers(true)
      .iterate(plan.recent.params) as IterableIterator<bigint>;
    try {
      let kept: bigint[] = [];
      let size = lookupChunk(limit);
      for (let chunk = 0; chunk < MAX_RECENT_CHUNKS; chunk++) {
        const keys = take(newest, size);
        const examined = [...kept, ...keys];
        const page = examined.length === 0 ? [] : among(plan, examined);
        if (keys.length < size) return page;
        const below = keys[keys.length - 1]!;
        kept = page.map((row) => (BigInt(accountKey) << 40n) | BigInt(seqOf(row)));
        size = nextChunk(limit, page.length, examined.length);
        if (page.length > limit) {
          const newer = lateCandidates(plan, accountKey, below, occurredAtOf(page.at(-1)!));
          return newer.length === 0 ? page : among(plan, [...kept, ...newer]);
        }
      }
      return undefined;
    } finally {
      newest.return?.();
    }
  };

  /**
   * A page from a complete candidate list: looked up newest first (by row key), a chunk at a time,
   * until the matches fill a page. A candidate not looked up yet belongs on it only if it occurred
   * at or after the page's last row, so only those in spans whose bound reaches that time
   * (span-bounds.ts) are looked up too: usually none, as events arrive mostly in time order.
   */
  const newestFirst = (
    plan: SearchPlan,
    candidates: readonly bigint[],
    limit: number,
    accountKey: number,
  ): ListRow[] => {
    const sorted = [...new Set(candidates)].sort(descending);
    const chunk = lookupChunk(limit);
    let kept: bigint[] = [];
    for (let start = 0; start < sorted.length; start += chunk) {
      const keys = sorted.slice(start, start + chunk);
      const page = among(plan, [...kept, ...keys]);
      const unexamined = sorted.slice(start + chunk);
      if (unexamined.length === 0) return page;
      kept = page.map((row) => (BigInt(accountKey) << 40n) | BigInt(seqOf(row)));
      if (page.length > limit) {
        const late = new Set(lateSpans(statements, accountKey, keys.at(-1)!, occurredAtOf(page.at(-1)!)));
        const maybe = unexamined.filter((key) => late.has(spanOfRowKey(key)));
        return maybe.length === 0 ? page : among(plan, [...kept, ...maybe]);
      }
    }
    return [];
  };

  // Free text: the newest trigram candidates, a chunk at a time, when the term matches no actor (an
  // FTS5 query stops at its LIMIT, where one for every candidate reads each trigram's whole doclist
  // in the account); else every candidate newest first when fewer than the budget; else (a term of
  // actors, or one that matches few of its candidates) the newest rows along the driving index,
  // and only when those hold too few matches, every candidate.
  const search = (plan: SearchPlan, limit: number, accountKey: number): ListRow[] => {
    const newest = count(plan.actorsMatch) === 0 ? recent(plan, limit, accountKey) : undefined;
    if (newest) return newest;
    const candidates = rowKeys(plan.candidates);
    if (candidates.length < plan.budget) return newestFirst(plan, candidates, limit, accountKey);
    const found = rows(plan.window);
    if (found.length > limit || count(plan.windowSize) < plan.budget) return found;
    return rows(plan.search);
  };

  return (accountId, query) => {
    // "Any of no values" matches nothing; SQL would agree, but there is no need to ask it.
    if ([query.actorIds, query.operations, query.categories].some((v) => v?.length === 0)) return EMPTY_PAGE;
    const accountKey = accountKeyOf(accountId);
    if (accountKey === undefined) return EMPTY_PAGE;
    const coded = codeQuery(vocabulary, accountKey, query);
    if (coded === null) return EMPTY_PAGE;
    const plan = planList(accountKey, coded, (text) => rarestTrigrams(accountKey, text));
    const found = plan.kind === 'direct' ? rows(plan.direct) : search(plan, query.limit, accountKey);
    const events = found.slice(0, query.limit).map((row) => listRowToSummary(row, vocabulary));
    const last = events[events.length - 1];
    const next = found.length > query.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null;
    return { events, next };
  };
}
