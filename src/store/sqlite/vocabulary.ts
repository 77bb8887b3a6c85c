/**
 * @module The coded columns of events (migrations/006_coded_columns.sql): category, operation,
 * target type and API route are codes into event_terms, the actor a reference into
 * event_actor_refs. Readers turn codes back into text here, with caches that are only ever filled
 * from committed rows; the appender's side is in vocabulary-writer.ts.
 */
import { AuditlogError } from '../../errors.ts';
import type { SummaryRow } from './codec.ts';
import type { StatementCache } from './database.ts';

/** The kinds of event_terms. An API term is its method, a space, then its route template. */
export const TERM_KIND = { category: 1, operation: 2, targetType: 3, api: 4 } as const;
/** One kind of event_terms. */
export type TermKind = (typeof TERM_KIND)[keyof typeof TERM_KIND];

/** The actor columns an event reference stands for; absent email and name are null. */
export interface ActorColumns {
  actor_type: string;
  actor_id: string;
  actor_email: string | null;
  actor_name: string | null;
}

/** The coded columns of a stored row, as {@link SUMMARY_COLUMNS} selects them. */
export interface CodedColumns {
  actor_ref: number;
  category_code: number;
  operation_code: number;
  target_type_code: number | null;
  api_code: number | null;
}

/** The text columns the codes of {@link CodedColumns} stand for. */
type TextColumns = ActorColumns &
  Pick<SummaryRow, 'category' | 'operation' | 'target_type' | 'api_method' | 'api_route'>;

/** A row as stored: R with codes in place of its text columns. */
export type Stored<R extends SummaryRow> = Omit<R, keyof TextColumns> & CodedColumns;

/** A stored row with its codes replaced by their text. */
export type Expanded<R extends CodedColumns> = Omit<R, keyof CodedColumns> & TextColumns;

/** A bound on the actor cache: an account's forms are few, but accounts are many. */
const MAX_CACHED_ACTORS = 100_000;

const SQL = {
  term: 'SELECT kind, value FROM event_terms WHERE code = ?',
  code: 'SELECT code FROM event_terms WHERE kind = ? AND value = ?',
  actor: `SELECT actor_type, actor_id, actor_email, actor_name FROM event_actor_refs WHERE actor_ref = ?`,
};

/** The kind index's range of one account's stream; parameters @account and @stream. */
const KINDS = 'FROM events INDEXED BY events_by_kind WHERE account_key = @account AND stream = @stream';

/**
 * The pairs of events_by_kind (migrations/009_kind_index.sql), found by seeking from one to the
 * next (a loose index scan): one seek per pair, however many events carry it. One statement each,
 * a recursive walk, rather than a statement per seek from JavaScript: an operation found in 8
 * categories costs ~30 µs so, ~250 µs the other way (bench data set, 1e5 events).
 */
export const KIND_SQL = {
  /** The pairs of the categories in the JSON array @codes. */
  ofCategories: `WITH RECURSIVE kinds(category, operation) AS (
      SELECT value, (SELECT operation_code ${KINDS} AND category_code = value
        ORDER BY operation_code LIMIT 1) FROM json_each(@codes)
      UNION ALL
      SELECT category, (SELECT operation_code ${KINDS} AND category_code = category
        AND operation_code > operation ORDER BY operation_code LIMIT 1) FROM kinds WHERE operation IS NOT NULL)
    SELECT category, operation FROM kinds WHERE operation IS NOT NULL`,
  /** The pairs of the operations in the JSON array @codes: each category, then a seek per pair. */
  ofOperations: `WITH RECURSIVE categories(category) AS (
      SELECT (SELECT category_code ${KINDS} ORDER BY category_code LIMIT 1)
      UNION ALL
      SELECT (SELECT category_code ${KINDS} AND category_code > category ORDER BY category_code LIMIT 1)
        FROM categories WHERE category IS NOT NULL)
    SELECT category, operations.value FROM categories, json_each(@codes) AS operations
    WHERE category IS NOT NULL
      AND EXISTS (SELECT 1 ${KINDS} AND category_code = category AND operation_code = operations.value)`,
};

/** A (category code, operation code) pair that events carry: one range of events_by_kind. */
export type EventKind = readonly [category: number, operation: number];

/** The codes a kind filter keeps; undefined keeps every code of that side. */
export interface KindFilter {
  categoryCodes?: readonly number[];
  operationCodes?: readonly number[];
}

function actorRefsSql(count: number): string {
  const ids = count === 1 ? '= ?' : `IN (${Array.from({ length: count }, () => '?').join(', ')})`;
  return `SELECT actor_ref FROM event_actor_refs WHERE account_key = ? AND stream = ? AND actor_id ${ids}
    ORDER BY actor_ref`;
}

/** What readers of events need to see codes as text, and filters as codes. */
export interface Vocabulary {
  /** The row with the text of its codes added (in place: the row object is returned). */
  expand<R extends CodedColumns>(row: R): Expanded<R>;
  /**
   * The text columns of a row's codes. Positional, not a {@link CodedColumns} object: list() reads
   * its rows as arrays and calls this for each row of a page.
   */
  textColumns(
    actorRef: number,
    categoryCode: number,
    operationCode: number,
    targetTypeCode: number | null,
    apiCode: number | null,
  ): TextColumns;
  /** The text of a term code. */
  term(code: number): string;
  /** The actor columns an actor reference stands for. */
  actor(ref: number): ActorColumns;
  /** The codes of the values that have one; a value no event ever carried has none. */
  codesOf(kind: TermKind, values: readonly string[]): number[];
  /**
   * Every reference of the actor ids in an account's stream: one per form (email, name) the
   * actor's events carried. Never cached: a new form may be written at any time.
   */
  actorRefsOf(accountKey: number, stream: number, actorIds: readonly string[]): number[];
  /**
   * The (category, operation) pairs an account's stream holds events of, among those the filter
   * keeps: a category filter becomes the pairs of its categories, an operation filter the pairs
   * with its operations, both their intersection. Exact, and never cached: read from the index
   * itself, one seek per pair (an event of a new pair may be appended at any time).
   */
  kindsOf(accountKey: number, stream: number, filter: KindFilter): EventKind[];
  /**
   * Drops the cached actor forms. Retention calls it after deleting the forms no remaining event
   * carries: such a form is never read again (references are never reused), but it is personal
   * data past its retention and must not stay in memory either.
   */
  forgetActors(): void;
}

/**
 * Builds the read side over a connection. Codes are never reused, so code -> text is cached for
 * good; a code this connection has not seen yet (another connection wrote it) is looked up on a
 * miss. value -> code is cached only once found: a value missing now may be written later.
 */
export function createVocabulary(statements: StatementCache): Vocabulary {
  const terms = new Map<number, string>();
  const codes = new Map<string, number>();
  const actors = new Map<number, ActorColumns>();

  const term = (code: number): string => {
    let value = terms.get(code);
    if (value === undefined) {
      const row = statements.get(SQL.term).get(code) as { value: string } | undefined;
      if (!row) throw new AuditlogError('INTERNAL', `event term ${code} is missing`);
      value = row.value;
      terms.set(code, value);
    }
    return value;
  };
  const actor = (ref: number): ActorColumns => {
    let columns = actors.get(ref);
    if (columns === undefined) {
      columns = statements.get(SQL.actor).get(ref) as ActorColumns | undefined;
      if (!columns) throw new AuditlogError('INTERNAL', `event actor ${ref} is missing`);
      if (actors.size >= MAX_CACHED_ACTORS) actors.clear();
      actors.set(ref, columns);
    }
    return columns;
  };

  const textColumns: Vocabulary['textColumns'] = (
    actorRef,
    categoryCode,
    operationCode,
    targetTypeCode,
    apiCode,
  ) => {
    const { actor_type, actor_id, actor_email, actor_name } = actor(actorRef);
    const api = apiCode === null ? null : splitApi(term(apiCode));
    return {
      actor_type,
      actor_id,
      actor_email,
      actor_name,
      category: term(categoryCode),
      operation: term(operationCode),
      target_type: targetTypeCode === null ? null : term(targetTypeCode),
      api_method: api?.method ?? null,
      api_route: api?.route ?? null,
    };
  };

  return {
    term,
    actor,
    textColumns,
    expand(row) {
      // In place: the row is the caller's own, fresh from SQLite (get() reads one at a time).
      const text = textColumns(
        row.actor_ref,
        row.category_code,
        row.operation_code,
        row.target_type_code,
        row.api_code,
      );
      return Object.assign(row, text) as unknown as Expanded<typeof row>;
    },
    codesOf(kind, values) {
      const found: number[] = [];
      for (const value of values) {
        const key = termKey(kind, value);
        let code = codes.get(key);
        if (code === undefined) {
          code = statements.get(SQL.code).pluck().get(kind, value) as number | undefined;
          if (code !== undefined) codes.set(key, code);
        }
        if (code !== undefined) found.push(code);
      }
      return found;
    },
    actorRefsOf(accountKey, stream, actorIds) {
      if (actorIds.length === 0) return [];
      const sql = actorRefsSql(actorIds.length);
      return statements
        .get(sql)
        .pluck()
        .all(accountKey, stream, ...actorIds) as number[];
    },
    kindsOf(accountKey, stream, filter) {
      return kindsOf(statements, accountKey, stream, filter);
    },
    forgetActors() {
      actors.clear();
    },
  };
}

/** See {@link Vocabulary.kindsOf}. */
function kindsOf(
  statements: StatementCache,
  account: number,
  stream: number,
  filter: KindFilter,
): EventKind[] {
  const { categoryCodes, operationCodes } = filter;
  const pairs = (sql: string, codes: readonly number[]) =>
    statements
      .get(sql)
      .raw()
      .all({ account, stream, codes: JSON.stringify([...new Set(codes)]) }) as Array<[number, number]>;
  if (!categoryCodes) return operationCodes ? pairs(KIND_SQL.ofOperations, operationCodes) : [];
  const kinds = pairs(KIND_SQL.ofCategories, categoryCodes);
  return operationCodes ? kinds.filter(([, operation]) => operationCodes.includes(operation)) : kinds;
}

/** The cache key of a term. */
export function termKey(kind: TermKind, value: string): string {
  return `${kind}\n${value}`;
}

/** The term of an API: its method (a token without spaces), a space, its route template. */
export function apiTerm(method: string, route: string): string {
  return `${method} ${route}`;
}

function splitApi(value: string): { method: string; route: string } {
  const space = value.indexOf(' ');
  return { method: value.slice(0, space), route: value.slice(space + 1) };
}
