/**
 * @module The SQLite engine of the harness: database files in the work directory, and the
 * hand-written baselines — a prepared INSERT of the same rows into the same schema (created by our
 * own migrations), and list queries written as plain SQL against the store's own file.
 */
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.ts';
import { INDEX_SEARCH_TEXT_SQL } from '../../src/store/sqlite/append.ts';
import { encodeId, statusCode, streamCode } from '../../src/store/sqlite/codec.ts';
import type { EventQuery } from '../../src/store/types.ts';
import type { BenchEngine, RawReader, RawWriter, RowRange } from './types.ts';

const SUMMARY = `id, seq, stream, occurred_at, actor_type, actor_id, actor_email, actor_name, category,
  operation, status, http_status, api_method, api_route, api_path, target_type, target_id, target_name,
  target_path, ip, request_id`;

function pathOf(url: string): string {
  return url.replace(/^file:/, '');
}

/** The connection settings our store uses: WAL and synchronous=FULL, so the baseline is as durable. */
function openRaw(path: string, options: Database.Options = {}): Database.Database {
  const db = new Database(path, options);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32768');
  return db;
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

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

function createRawWriter(source: Database.Database, target: Database.Database): RawWriter {
  const columns = eventColumns(source);
  const read = rangeReader(source, columns);
  const readBlocks = blockReader(source);
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
      insertRow.run(r);
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

/** Non-overlapping trigrams of `text` (plus its last three characters), quoted and ANDed. */
function trigrams(text: string): string | null {
  const chars = [...text.toLowerCase()];
  if (chars.length < 3) return null;
  const starts = new Set<number>([chars.length - 3]);
  for (let i = 0; i + 3 <= chars.length; i += 3) starts.add(i);
  return [...starts]
    .map(
      (i) =>
        `"${chars
          .slice(i, i + 3)
          .join('')
          .replaceAll('"', '""')}"`,
    )
    .join(' AND ');
}

/** The list query as someone would write it by hand for this schema. */
function listSql(accountId: string, query: EventQuery): { sql: string; params: unknown[] } {
  const where = ['account_key = (SELECT account_key FROM event_accounts WHERE account_id = ?)', 'stream = ?'];
  const params: unknown[] = [accountId, streamCode(query.stream)];
  const anyOf = (column: string, values: string[] | undefined) => {
    if (!values?.length) return;
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  anyOf('actor_id', query.actorIds);
  anyOf('operation', query.operations);
  anyOf('category', query.categories);
  const equal = (column: string, value: unknown) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('status', query.status === undefined ? undefined : statusCode(query.status));
  equal('target_path', query.targetPath);
  equal('request_id', query.requestId);
  if (query.from) {
    where.push('occurred_at >= ?');
    params.push(Date.parse(query.from));
  }
  if (query.to) {
    where.push('occurred_at < ?');
    params.push(Date.parse(query.to));
  }
  if (query.q) {
    // Trigram FTS finds candidates (detail=none allows no phrases: ANDed trigrams instead); the
    // substring check on the real columns confirms them. Shorter terms only get the check.
    const grams = trigrams(query.q);
    if (grams) {
      // The trigram index holds API paths and targets; actors are found by their distinct names.
      where.push(`row_key IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?
        UNION SELECT row_key FROM events WHERE account_key = (SELECT account_key FROM event_accounts WHERE account_id = ?)
          AND stream = ? AND actor_id IN (SELECT actor_id FROM event_actor_names WHERE stream = ?
            AND account_key = (SELECT account_key FROM event_accounts WHERE account_id = ?)
            AND instr(lower(concat_ws(char(10), actor_id, actor_email, actor_name)), ?) > 0))`);
      const stream = streamCode(query.stream);
      params.push(grams, accountId, stream, stream, accountId, query.q.toLowerCase());
    }
    where.push(`instr(lower(concat_ws(char(10), api_path, target_id, target_name, target_path, actor_id,
      actor_email, actor_name)), ?) > 0`);
    params.push(query.q.toLowerCase());
  }
  if (query.after) {
    where.push('(occurred_at, id) < (?, ?)');
    params.push(Date.parse(query.after.occurredAt), encodeId(query.after.id));
  }
  params.push(query.limit + 1);
  // Without statistics SQLite prefers the time index (it avoids a sort) even for a request id,
  // scanning the whole account: anyone writing this query by hand would pin the request index.
  const indexed = query.requestId !== undefined ? ' INDEXED BY events_by_request' : '';
  const sql = `SELECT ${SUMMARY} FROM events${indexed} WHERE ${where.join(' AND ')}
    ORDER BY occurred_at DESC, id DESC LIMIT ?`;
  return { sql, params };
}

function createRawReader(db: Database.Database): RawReader {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    async list(accountId, query) {
      const { sql, params } = listSql(accountId, query);
      return Math.min(query.limit, prepared(sql).all(...params).length);
    },
    async explain(accountId, query) {
      const { sql, params } = listSql(accountId, query);
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((r) => r.detail).join('; ');
    },
    close: async () => {
      db.close();
    },
  };
}

/**
 * The SQLite engine, keeping its files in `workDir`.
 *
 * @example
 * const engine = createSqliteEngine('/tmp/auditlog-bench-x');
 * const url = await engine.databaseUrl('load', true); // file:/tmp/auditlog-bench-x/load.db
 */
export function createSqliteEngine(workDir: string): BenchEngine {
  const fileOf = (label: string) => (label.includes('/') ? label : join(workDir, `${label}.db`));
  return {
    name: 'sqlite',
    async databaseUrl(label, fresh) {
      const path = fileOf(label);
      if (fresh) removeDatabase(path);
      return `file:${path}`;
    },
    async copyDatabase(sourceUrl, label) {
      const source = pathOf(sourceUrl);
      const db = openRaw(source);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const target = fileOf(label);
      removeDatabase(target);
      copyFileSync(source, target);
      return `file:${target}`;
    },
    async exists(label) {
      return existsSync(fileOf(label));
    },
    async openRawWriter(sourceUrl, targetUrl) {
      // Our own migrations create the schema: the baseline writes to exactly the same tables.
      const store = await openStore(targetUrl);
      await store.close();
      return createRawWriter(openRaw(pathOf(sourceUrl), { readonly: true }), openRaw(pathOf(targetUrl)));
    },
    async openRawReader(url) {
      return createRawReader(openRaw(pathOf(url)));
    },
    async footprint(url) {
      const path = pathOf(url);
      const db = openRaw(path);
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
        const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
        const detail: Record<string, number> = {};
        try {
          const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as {
            name: string;
            bytes: number;
          }[];
          for (const r of rows.sort((a, b) => b.bytes - a.bytes)) detail[r.name] = r.bytes;
        } catch {
          // dbstat is a compile-time option; the total below does not need it.
        }
        const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
        return { bytes: size(path) + size(`${path}-wal`), events, detail };
      } finally {
        db.close();
      }
    },
    async dispose() {},
  };
}
