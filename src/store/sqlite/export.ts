/**
 * @module exportPage() for SQLite: an account's whole events in seq order. row_key = account_key <<
 * 40 | seq, so a seq range of one account is a rowid range: the page is read straight from the
 * table b-tree in chain order, with no index and no sort. prevHash is not stored (see
 * migrations/001_init.sql): within a page it is the previous row's hash, and only the first row and
 * rows after a gap (another stream filtered out, an event purged) look it up.
 */
import { AuditlogError } from '../../errors.ts';
import { EXPORT_MAX_LIMIT, type ExportPage, type ExportQuery } from '../types.ts';
import { type EventRow, exportLine, SUMMARY_COLUMNS, streamCode, streamName } from './codec.ts';
import type { StatementCache } from './database.ts';
import type { DetailReader } from './detail-blocks.ts';
import { timeRangeConditions } from './list-sql.ts';
import type { Stored, Vocabulary } from './vocabulary.ts';

/**
 * Seqs one call examines, in pages: enough that a page is almost always full, few enough that a
 * filter matching nothing never holds the event loop for a scan of the whole account.
 */
const SCAN_PAGES = 16;
const MAX_SEQ = 2 ** 40 - 1;

/** The row as read: every stored column; prev_hash is filled in from the previous row. */
type StoredRow = Stored<Omit<EventRow, 'prev_hash'>> & { prev_hash?: Uint8Array | null };

/**
 * The hash of the event before seq (the row at row_key - 1), or the link retention left behind when
 * it deleted that event. NULL when neither exists: the chain is broken.
 */
const PREVIOUS_HASH_SQL = `SELECT coalesce(
    (SELECT hash FROM events WHERE row_key = ((? << 40) | ?)),
    (SELECT prev_hash FROM chain_links WHERE row_key = ((? << 40) | ?)))`;

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
  const sql = `SELECT ${SUMMARY_COLUMNS}, received_at, idempotency_key, hash, detail
    FROM events NOT INDEXED WHERE ${where.join(' AND ')} ORDER BY row_key LIMIT ?`;
  return { sql, filterParams };
}

/**
 * Builds exportPage(). `accountKeyOf` maps an account id to its internal key (undefined before its
 * first event); `details` decodes the payloads (a block is inflated once for all its events);
 * `vocabulary` turns the stored codes back into text.
 */
export function createExporter(
  statements: StatementCache,
  accountKeyOf: (accountId: string) => number | undefined,
  details: DetailReader,
  vocabulary: Vocabulary,
): (accountId: string, query: ExportQuery) => ExportPage {
  const previousHash = (accountKey: number, seq: number): Uint8Array | null => {
    if (seq === 1) return null;
    const hash = statements
      .get(PREVIOUS_HASH_SQL)
      .pluck()
      .get(accountKey, seq - 1, accountKey, seq) as Uint8Array | null;
    if (hash === null) throw new AuditlogError('INTERNAL', `seq ${seq}: its previous event is missing`);
    return hash;
  };

  return (accountId, query) => {
    if (!(query.limit >= 1 && query.limit <= EXPORT_MAX_LIMIT))
      throw new AuditlogError('INTERNAL', `exportPage: limit must be 1..${EXPORT_MAX_LIMIT}`);
    const last = Math.min(query.throughSeq, MAX_SEQ);
    const accountKey = accountKeyOf(accountId);
    if (accountKey === undefined || query.afterSeq >= last || query.streams?.length === 0) {
      return { lines: [], next: null };
    }
    const scanThrough = Math.min(last, query.afterSeq + query.limit * SCAN_PAGES);
    const { sql, filterParams } = pageSql(query);
    const range = [accountKey, query.afterSeq + 1, accountKey, scanThrough, accountKey];
    const rows = statements.get(sql).all(...range, ...filterParams, query.limit) as StoredRow[];

    let before: StoredRow | undefined;
    const lines = rows.map((row) => {
      row.prev_hash = before?.seq === row.seq - 1 ? before.hash : previousHash(accountKey, row.seq);
      before = row;
      const members = details.members(accountKey, row.seq, row.detail);
      const expanded = vocabulary.expand(row) as EventRow;
      return { stream: streamName(expanded.stream), json: exportLine(expanded, accountId, members) };
    });
    const full = rows.length === query.limit;
    const reached = full ? rows[rows.length - 1]!.seq : scanThrough;
    return { lines, next: reached >= last ? null : reached };
  };
}
