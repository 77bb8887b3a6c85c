/**
 * @module The raw baseline writer of the SQLite engine: copies rows (and the detail blocks they
 * point into) from the store's database into a copy of the schema with hand-written INSERTs,
 * translating term codes and actor references as a hand-written appender with a cache would.
 */
import type Database from 'better-sqlite3';
import { INDEX_SEARCH_TEXT_SQL } from '../../src/store/sqlite/append.ts';
import type { RawWriter, RowRange } from './types.ts';

/** The coded columns of events and how the raw writer translates each from source to target. */
const TERM_COLUMNS = ['category_code', 'operation_code', 'target_type_code', 'api_code'];

/** The stored (not generated or hidden) columns of the events table. */
function eventColumns(db: Database.Database): string[] {
  const columns = db.pragma('table_xinfo(events)') as { name: string; hidden: number }[];
  return columns.filter((c) => c.hidden === 0).map((c) => c.name);
}

/** Reads a range of an account's rows: by the rowid range when row_key encodes (account, seq). */
function rangeReader(source: Database.Database, columns: string[]) {
  const keyOf = source.prepare('SELECT account_key FROM event_accounts WHERE account_id = ?').pluck();
  const byRowKey = columns.includes('row_key');
  const select = source
    .prepare(
      byRowKey
        ? `SELECT ${columns.join(', ')} FROM events WHERE row_key BETWEEN (? << 40) | ? AND (? << 40) | ?`
        : `SELECT ${columns.join(', ')} FROM events WHERE account_key = ? AND seq BETWEEN ? AND ?`,
    )
    .raw(true);
  // row_key exceeds 2^53: read it (and write it back) as BigInt.
  select.safeIntegers(true);
  const keys = new Map<string, unknown>();
  return (range: RowRange): unknown[][] => {
    let key = keys.get(range.accountId);
    if (key === undefined) {
      key = keyOf.get(range.accountId);
      if (key === undefined)
        throw new Error(`account ${range.accountId} has no events in the source database`);
      keys.set(range.accountId, key);
    }
    const args = byRowKey ? [key, range.fromSeq, key, range.toSeq] : [key, range.fromSeq, range.toSeq];
    return select.all(...args) as unknown[][];
  };
}

/**
 * Maps the source database's term codes and actor references to the target's, creating them in
 * the target on first sight, as a hand-written appender with a cache would.
 */
function codeTranslator(source: Database.Database, target: Database.Database, columns: string[]) {
  // Looked up when first met: the source is still being written while the baseline copies it.
  const sourceTerm = source.prepare('SELECT kind, value FROM event_terms WHERE code = ?').raw(true);
  const sourceActor = source
    .prepare(
      'SELECT account_key, stream, actor_id, actor_type, actor_email, actor_name FROM event_actor_refs WHERE actor_ref = ?',
    )
    .raw(true);
  const findTerm = target.prepare('SELECT code FROM event_terms WHERE kind = ? AND value = ?').pluck();
  const addTerm = target
    .prepare('INSERT INTO event_terms (kind, value) VALUES (?, ?) RETURNING code')
    .pluck();
  const findActor = target
    .prepare(
      `SELECT actor_ref FROM event_actor_refs WHERE account_key = ? AND stream = ? AND actor_id = ?
         AND actor_type = ? AND actor_email IS ? AND actor_name IS ?`,
    )
    .pluck();
  const addActor = target
    .prepare(
      `INSERT INTO event_actor_refs (account_key, stream, actor_id, actor_type, actor_email, actor_name)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING actor_ref`,
    )
    .pluck();
  const terms = new Map<number, number>();
  const actors = new Map<number, number>();
  const term = (code: number): number => {
    let mapped = terms.get(code);
    if (mapped === undefined) {
      const found = sourceTerm.get(code) as [number, string];
      mapped = (findTerm.get(found) ?? addTerm.get(found)) as number;
      terms.set(code, mapped);
    }
    return mapped;
  };
  const actor = (ref: number): number => {
    let mapped = actors.get(ref);
    if (mapped === undefined) {
      const form = sourceActor.get(ref) as unknown[];
      mapped = (findActor.get(form) ?? addActor.get(form)) as number;
      actors.set(ref, mapped);
    }
    return mapped;
  };
  const termAt = TERM_COLUMNS.map((c) => columns.indexOf(c));
  const actorAt = columns.indexOf('actor_ref');
  return (row: unknown[]): unknown[] => {
    for (const i of termAt) if (row[i] !== null) row[i] = term(Number(row[i]));
    row[actorAt] = actor(Number(row[actorAt]));
    return row;
  };
}

/** Reads the detail blocks (005_detail_blocks.sql) whose key falls in a range of an account's rows. */
function blockReader(source: Database.Database) {
  const select = source
    .prepare(
      `SELECT block_key, body FROM detail_blocks
       WHERE block_key BETWEEN (SELECT account_key FROM event_accounts WHERE account_id = ?) << 40 | ?
         AND (SELECT account_key FROM event_accounts WHERE account_id = ?) << 40 | ?`,
    )
    .raw(true);
  select.safeIntegers(true);
  return (range: RowRange): unknown[][] =>
    select.all(range.accountId, range.fromSeq, range.accountId, range.toSeq) as unknown[][];
}

/** Rows and the detail blocks they point into, as read from the store's database. */
interface CopiedRows {
  rows: unknown[][];
  blocks: unknown[][];
}

export function createRawWriter(source: Database.Database, target: Database.Database): RawWriter {
  const columns = eventColumns(source);
  const read = rangeReader(source, columns);
  const readBlocks = blockReader(source);
  const translate = codeTranslator(source, target, columns);
  // The hand-written INSERT: every stored column, one prepared statement, no logic around it; and,
  // as the store does, the row's free-text index entry (the schema has no insert trigger for it)
  // and the detail blocks the rows point into.
  const insertRow = target.prepare(
    `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  const insertBlock = target.prepare('INSERT INTO detail_blocks (block_key, body) VALUES (?, ?)');
  const indexText = target.prepare(INDEX_SEARCH_TEXT_SQL);
  const accountAt = columns.indexOf('account_key');
  const seqAt = columns.indexOf('seq');
  const insert = {
    run(r: unknown[]) {
      insertRow.run(translate(r));
      indexText.run(r[accountAt], r[seqAt]);
    },
  };
  const insertAll = target.transaction(({ rows, blocks }: CopiedRows) => {
    for (const b of blocks) insertBlock.run(b);
    for (const r of rows) insert.run(r);
  });
  const insertOne = target.transaction((r: unknown[]) => insert.run(r));
  const insertOneBlock = target.transaction((b: unknown[]) => insertBlock.run(b));
  return {
    async read(ranges) {
      const copied: CopiedRows = { rows: ranges.flatMap(read), blocks: ranges.flatMap(readBlocks) };
      return { count: copied.rows.length, values: copied };
    },
    async insertBatch(rows) {
      insertAll.immediate(rows.values as CopiedRows);
    },
    async insertEach(rows) {
      // One transaction per row (the row and its index entry), fsynced (synchronous=FULL) before the
      // next; a block (only batches of several events have one) is one more such transaction.
      const { rows: each, blocks } = rows.values as CopiedRows;
      for (const b of blocks) insertOneBlock.immediate(b);
      for (const r of each) insertOne.immediate(r);
    },
    async close() {
      source.close();
      target.close();
    },
  };
}
