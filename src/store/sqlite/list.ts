/**
 * @module list() for SQLite: runs the plan of list-sql.ts and turns rows into a page with its
 * keyset. Fetches limit + 1 rows to know whether another page follows.
 */
import type { EventPage, EventQuery } from '../types.ts';
import { rowToSummary, type SummaryRow } from './codec.ts';
import type { StatementCache } from './database.ts';
import { codeQuery, type ListPlan, planList, type SqlQuery } from './list-sql.ts';
import type { Stored, Vocabulary } from './vocabulary.ts';

type Row = Stored<SummaryRow>;

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

  // Free text: the candidates when few, else the newest rows along the driving index.
  const search = (plan: Extract<ListPlan, { kind: 'search' }>, limit: number): Row[] => {
    const candidates = rowKeys(plan.candidates);
    if (candidates.length < plan.budget) {
      // Row keys exceed 2^53: they travel as BigInts, and into SQL as a JSON array.
      return candidates.length === 0 ? [] : rows(plan.searchAmong(`[${candidates.join(',')}]`));
    }
    const found = rows(plan.window);
    if (found.length <= limit && count(plan.windowSize) >= plan.budget) return rows(plan.search);
    return found;
  };

  return (accountId, query) => {
    // "Any of no values" matches nothing; SQL would agree, but there is no need to ask it.
    if ([query.actorIds, query.operations, query.categories].some((v) => v?.length === 0)) return EMPTY_PAGE;
    const accountKey = accountKeyOf(accountId);
    if (accountKey === undefined) return EMPTY_PAGE;
    const coded = codeQuery(vocabulary, accountKey, query);
    if (coded === null) return EMPTY_PAGE;
    const plan = planList(accountKey, coded);
    const found = plan.kind === 'direct' ? rows(plan.direct) : search(plan, query.limit);
    const events = found.slice(0, query.limit).map((row) => rowToSummary(vocabulary.expand(row)));
    const last = events[events.length - 1];
    const next = found.length > query.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null;
    return { events, next };
  };
}
