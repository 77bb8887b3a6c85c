/**
 * @module list() for SQLite: runs the plan of list-sql.ts and turns rows into a page with its
 * keyset. Fetches limit + 1 rows to know whether another page follows.
 */
import type { EventPage, EventQuery } from '../types.ts';
import { rowToSummary, type SummaryRow } from './codec.ts';
import type { StatementCache } from './database.ts';
import { codeQuery, type ListPlan, planList, RECENT_CHUNK, type SqlQuery } from './list-sql.ts';
import type { Stored, Vocabulary } from './vocabulary.ts';

type Row = Stored<SummaryRow>;
type SearchPlan = Extract<ListPlan, { kind: 'search' }>;

/** Chunks of trigram candidates `recent` examines before it reads them all at once instead. */
const MAX_RECENT_CHUNKS = 8;
/** Fewer candidates than this are looked up at once; more, newest first (see `newestFirst`). */
const LOOKUP_ALL_BELOW = 2 * RECENT_CHUNK;
/**
 * Time-index entries a completion may scan per candidate it spares looking up (see `newestFirst`):
 * on the 5e6 bench data a covering scan took ~33 ns an entry, a candidate's lookup ~1.4 µs.
 */
const SCAN_PER_LOOKUP = 40;

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
  const rows = (q: SqlQuery) => statements.get(q.sql).all(q.params) as Row[];
  const count = (q: SqlQuery) => statements.get(q.sql).pluck().get(q.params) as number;
  const rowKeys = (q: SqlQuery) => statements.get(q.sql).pluck().safeIntegers(true).all(q.params) as bigint[];

  // Row keys exceed 2^53: they travel as BigInts, and into SQL as a JSON array.
  const among = (plan: SearchPlan, keys: readonly bigint[]) => rows(plan.searchAmong(`[${keys.join(',')}]`));

  /**
   * A page of a term too common to look up every candidate and too rare for the window: the
   * trigram candidates newest first (row keys grow with seq), a chunk at a time, until the matches
   * fill a page. Exact although the page is ordered by occurredAt, not seq: a match not examined
   * has a row key below the lowest examined; if it belongs on the page it occurred at or after
   * the page's last row, and the time index lists all such row keys without reading a row (events
   * that arrive out of order are few). Undefined when the term needs more chunks than allowed, or
   * matches actors (their events are not trigram candidates).
   */
  const recent = (plan: SearchPlan, limit: number, accountKey: number): Row[] | undefined => {
    if (count(plan.actorsMatch) === 1) return undefined;
    let kept: bigint[] = [];
    let below: bigint | null = null;
    for (let chunk = 0; chunk < MAX_RECENT_CHUNKS; chunk++) {
      const keys = rowKeys(plan.recent(below));
      const examined = [...kept, ...keys];
      const page = examined.length === 0 ? [] : among(plan, examined);
      if (keys.length < RECENT_CHUNK) return page;
      below = keys[keys.length - 1]!;
      kept = page.map((row) => (BigInt(accountKey) << 40n) | BigInt(row.seq));
      if (page.length > limit) {
        const newer = rowKeys(plan.newerBelow(below, page[page.length - 1]!.occurred_at));
        return newer.length === 0 ? page : among(plan, [...kept, ...newer]);
      }
    }
    return undefined;
  };

  /**
   * A page from a complete candidate list: looked up newest first (by row key), a chunk at a time,
   * until the matches fill a page, then completed as in `recent` from the time index, keeping only
   * row keys that are candidates. A file name with 1–2k events no longer reads every one of them.
   */
  const newestFirst = (
    plan: SearchPlan,
    candidates: readonly bigint[],
    limit: number,
    accountKey: number,
  ) => {
    const sorted = [...new Set(candidates)].sort(descending);
    let kept: bigint[] = [];
    for (let start = 0; start < sorted.length; start += RECENT_CHUNK) {
      const keys = sorted.slice(start, start + RECENT_CHUNK);
      const page = among(plan, [...kept, ...keys]);
      const unexamined = sorted.slice(start + RECENT_CHUNK);
      if (unexamined.length === 0) return page;
      kept = page.map((row) => (BigInt(accountKey) << 40n) | BigInt(row.seq));
      if (page.length > limit) {
        const below = keys[keys.length - 1]!;
        // The completion scans the time index over about as many rows as the account appended since
        // `below`: when that is many per candidate left, looking those candidates up costs less.
        if (Number(sorted[0]! - below) > SCAN_PER_LOOKUP * unexamined.length) {
          return among(plan, [...kept, ...unexamined]);
        }
        const left = new Set(unexamined);
        const newer = rowKeys(plan.newerBelow(below, page[page.length - 1]!.occurred_at)).filter((key) =>
          left.has(key),
        );
        return newer.length === 0 ? page : among(plan, [...kept, ...newer]);
      }
    }
    return [];
  };

  // Free text: the candidates when few; else the newest candidates; else (a term of actors, or
  // one that matches few of its candidates) the newest rows along the driving index, and only
  // when those hold too few matches, every candidate.
  const search = (plan: SearchPlan, limit: number, accountKey: number): Row[] => {
    const candidates = rowKeys(plan.candidates);
    if (candidates.length < LOOKUP_ALL_BELOW) return candidates.length === 0 ? [] : among(plan, candidates);
    if (candidates.length < plan.budget) return newestFirst(plan, candidates, limit, accountKey);
    const newest = recent(plan, limit, accountKey);
    if (newest) return newest;
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
    const plan = planList(accountKey, coded);
    const found = plan.kind === 'direct' ? rows(plan.direct) : search(plan, query.limit, accountKey);
    const events = found.slice(0, query.limit).map((row) => rowToSummary(vocabulary.expand(row)));
    const last = events[events.length - 1];
    const next = found.length > query.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null;
    return { events, next };
  };
}
