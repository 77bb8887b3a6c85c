/**
 * @module exportPage() for SQLite: an account's whole events in seq order. row_key = account_key <<
 * 40 | seq, so a seq range of one account is a rowid range: the page is read straight from the
 * table b-tree in chain order, with no index and no sort. prevHash is not stored (see
 * migrations/001_init.sql): within a page it is the previous row's hash, and only the first row and
 * rows after a gap (another stream filtered out, an event purged) look it up.
 */
import { AuditlogError } from '../../errors.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import { EXPORT_MAX_LIMIT, type ExportPage, type ExportQuery } from '../types.ts';
import { streamCode, streamName } from './codec.ts';
import type { StatementCache } from './database.ts';
import { createLineBuilder, LINE_COLUMNS, type LineRow } from './export-line.ts';
import { timeRangeConditions } from './list-sql.ts';
import { MAX_SEQ } from './row-key.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Seqs one call examines, in pages: enough that a page is almost always full, few enough that a
 * filter matching nothing never holds the event loop for a scan of the whole account.
 */
const SCAN_PAGES = 16;

/**
 * The hash of the event before seq (the row at row_key - 1), or the link retention left behind when
 * it deleted that event. NULL when neither exists: the chain is broken.
 */
const PREVIOUS_HASH_SQL = `SELECT lower(hex(coalesce(
    (SELECT hash FROM events WHERE row_key = ((? << 40) | ?)),
    (SELECT prev_hash FROM chain_links WHERE row_key = ((? << 40) | ?)))))`;

/** The page's SELECT: a rowid range, checked again on account_key, then the optional filters. */
function pageSql(query: ExportQuery): { sql: string; filterParams: unknown[] } {
  const where = ['row_key BETWEEN ((? << 40) | ?) AND ((? << 40) | ?)', 'account_key = ?'];
  const filterParams: unknown[] = [];
  if (query.streams) {
    where.push(`stream IN (${query.streams.map(() => '?').join(', ')})`);
    filterParams.push(...query.streams.map(streamCode));
  }
  where.push(...timeRangeConditions(query, filterParams));
  // NOT INDEXED: the filter indexes all start with account_key, and the planner must never trade
  // the ordered rowid range for one of them (it would then sort the whole account).
  const sql = `SELECT ${LINE_COLUMNS}
    FROM events NOT INDEXED WHERE ${where.join(' AND ')} ORDER BY row_key LIMIT ?`;
  return { sql, filterParams };
}

/**
 * Builds exportPage(). `accountKeyOf` maps an account id to its internal key (undefined before its
 * first event); `dictionaryOf` supplies the preset dictionaries payloads were deflated with;
 * `vocabulary` turns the stored codes back into text.
 */
export function createExporter(
  statements: StatementCache,
  accountKeyOf: (accountId: string) => number | undefined,
  dictionaryOf: (id: number) => Buffer,
  vocabulary: Vocabulary,
): (accountId: string, query: ExportQuery) => ExportPage {
  const builder = createLineBuilder(statements, dictionaryOf, vocabulary);
  const previousHash = (accountKey: number, seq: number): string => {
    if (seq === 1) return GENESIS_HASH;
    const hash = statements
      .get(PREVIOUS_HASH_SQL)
      .pluck()
      .get(accountKey, seq - 1, accountKey, seq) as string | null;
    if (hash === null) throw new AuditlogError('INTERNAL', `seq ${seq}: its previous event is missing`);
    return hash;
  };

  const readPage = (accountKey: number, accountId: string, query: ExportQuery, last: number): ExportPage => {
    const scanThrough = Math.min(last, query.afterSeq + query.limit * SCAN_PAGES);
    const { sql, filterParams } = pageSql(query);
    const range = [accountKey, query.afterSeq + 1, accountKey, scanThrough, accountKey];
    const statement = statements.get(sql).raw(true);
    const rows = statement.all(...range, ...filterParams, query.limit) as LineRow[];

    const accountJson = JSON.stringify(accountId);
    let beforeSeq = -1;
    let beforeHash = '';
    const lines = rows.map((row) => {
      const seq = row[1];
      const prevHash = beforeSeq === seq - 1 ? beforeHash : previousHash(accountKey, seq);
      beforeSeq = seq;
      beforeHash = row[15];
      return { stream: streamName(row[2]), json: builder.line(accountKey, accountJson, row, prevHash) };
    });
    const full = rows.length === query.limit;
    const reached = full ? rows[rows.length - 1]![1] : scanThrough;
    return { lines, next: reached >= last ? null : reached };
  };

  return (accountId, query) => {
    if (!(query.limit >= 1 && query.limit <= EXPORT_MAX_LIMIT))
      throw new AuditlogError('INTERNAL', `exportPage: limit must be 1..${EXPORT_MAX_LIMIT}`);
    const last = Math.min(query.throughSeq, MAX_SEQ);
    const accountKey = accountKeyOf(accountId);
    if (accountKey === undefined || query.afterSeq >= last || query.streams?.length === 0) {
      return { lines: [], next: null };
    }
    return inSnapshot(statements, () => readPage(accountKey, accountId, query, last));
  };
}

/**
 * Runs `read` in one read transaction. In WAL mode a statement outside a transaction opens and
 * closes its own, and that locking costs ~5 µs: more than a detail block's lookup itself, which a
 * page does once per ~8 events. One snapshot also has the page and its blocks agree.
 */
function inSnapshot<T>(statements: StatementCache, read: () => T): T {
  const begin = statements.get('BEGIN');
  if (begin.database.inTransaction) return read();
  begin.run();
  try {
    return read();
  } finally {
    statements.get('COMMIT').run();
  }
}
