/**
 * @module The SQLite engine of the harness: database files in the work directory, and the
 * hand-written baselines — a prepared INSERT of the same rows into the same schema (created by our
 * own migrations), and list queries written as plain SQL against the store's own file.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.ts';
import { encodeId, statusCode, streamCode } from '../../src/store/sqlite/codec.ts';
import { createSearchMerger, searchSegments } from '../../src/store/sqlite/search-merge.ts';
import { registerSearchTerms, termsMatch } from '../../src/store/sqlite/search-terms.ts';
import { coverTrigrams } from '../../src/store/sqlite/trigrams.ts';
import type { EventQuery } from '../../src/store/types.ts';
import { note } from '../support/progress.ts';
import { createRawWriter } from './sqlite-raw-writer.ts';
import type { BenchEngine, RawReader } from './types.ts';

/** The list columns, the actor and the terms joined back from their codes (006_coded_columns.sql). */
const SUMMARY = `e.id, e.seq, e.stream, e.occurred_at, a.actor_type, a.actor_id, a.actor_email, a.actor_name,
  c.value AS category, o.value AS operation, e.status, e.http_status, api.value AS api, e.api_path,
  t.value AS target_type, e.target_id, e.target_name, e.target_path, e.ip, e.request_id`;
const SUMMARY_JOINS = `JOIN event_actor_refs a ON a.actor_ref = e.actor_ref
  JOIN event_terms c ON c.code = e.category_code
  JOIN event_terms o ON o.code = e.operation_code
  LEFT JOIN event_terms api ON api.code = e.api_code
  LEFT JOIN event_terms t ON t.code = e.target_type_code`;

function pathOf(url: string): string {
  return url.replace(/^file:/, '');
}

/** The connection settings our store uses: WAL and synchronous=FULL, so the baseline is as durable. */
function openRaw(path: string, options: Database.Options = {}): Database.Database {
  const db = new Database(path, options);
  // The free-text index's terms (the raw writer indexes rows as the store does).
  registerSearchTerms(db);
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

/**
 * The index terms of non-overlapping trigrams of `text` (plus its last three characters), ANDed.
 * The terms come from the store's function: how the schema spells a trigram of an account
 * (search-terms.ts) is part of the schema, not a choice of the query.
 */
function trigrams(accountKey: number | undefined, text: string): string | null {
  if ([...text].length < 3 || accountKey === undefined) return null;
  return termsMatch(accountKey, coverTrigrams(text));
}

/** The stored codes of filter values, looked up by hand before the list query. */
interface FilterCodes {
  accountKey?: number;
  actorRefs?: number[];
  operations?: number[];
  categories?: number[];
}

function filterCodes(
  prepared: (sql: string) => Database.Statement,
  accountId: string,
  query: EventQuery,
): FilterCodes {
  const list = (sql: string, params: unknown[]) =>
    prepared(sql)
      .pluck()
      .all(...params) as number[];
  const marks = (values: string[]) => values.map(() => '?').join(', ');
  const terms = (kind: number, values: string[] | undefined) =>
    values &&
    list(`SELECT code FROM event_terms WHERE kind = ? AND value IN (${marks(values)})`, [kind, ...values]);
  const ids = query.actorIds;
  return {
    accountKey: prepared('SELECT account_key FROM event_accounts WHERE account_id = ?')
      .pluck()
      .get(accountId) as number | undefined,
    actorRefs:
      ids &&
      list(
        `SELECT actor_ref FROM event_actor_refs WHERE account_key = (SELECT account_key FROM event_accounts
           WHERE account_id = ?) AND stream = ? AND actor_id IN (${marks(ids)})`,
        [accountId, streamCode(query.stream), ...ids],
      ),
    operations: terms(2, query.operations),
    categories: terms(1, query.categories),
  };
}

/** The list query as someone would write it by hand for this schema. */
function listSql(
  accountId: string,
  query: EventQuery,
  codes: FilterCodes,
): { sql: string; params: unknown[] } {
  const account = '(SELECT account_key FROM event_accounts WHERE account_id = ?)';
  const stream = streamCode(query.stream);
  const where = [`e.account_key = ${account}`, 'e.stream = ?'];
  const params: unknown[] = [accountId, stream];
  const anyOf = (column: string, values: number[] | undefined) => {
    if (!values) return;
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  anyOf('e.actor_ref', codes.actorRefs);
  // One index serves both (events_by_kind: category, then operation, then occurred_at; migration
  // 009). Written as plain conditions, SQLite walks the time index and checks each row (the kind
  // index orders by time only within one pair): the store merges one range per pair instead.
  anyOf('e.operation_code', codes.operations);
  anyOf('e.category_code', codes.categories);
  const actorRefs = `SELECT actor_ref FROM event_actor_refs WHERE account_key = ${account} AND stream = ?`;
  const equal = (column: string, value: unknown) => {
    if (value === undefined) return;
    where.push(`e.${column} = ?`);
    params.push(value);
  };
  equal('status', query.status === undefined ? undefined : statusCode(query.status));
  equal('target_path', query.targetPath);
  equal('request_id', query.requestId);
  if (query.from) {
    where.push('e.occurred_at >= ?');
    params.push(Date.parse(query.from));
  }
  if (query.to) {
    where.push('e.occurred_at < ?');
    params.push(Date.parse(query.to));
  }
  if (query.q) {
    // Trigram FTS finds candidates (detail=none allows no phrases: ANDed trigrams instead); the
    // substring check on the real columns confirms them. Shorter terms only get the check.
    const needle = query.q.toLowerCase();
    const matchingActors = `${actorRefs}
      AND instr(lower(concat_ws(char(10), actor_id, actor_email, actor_name)), ?) > 0`;
    const grams = trigrams(codes.accountKey, query.q);
    if (grams) {
      // The trigram index holds API paths and targets; actors are found by their distinct forms.
      where.push(`e.row_key IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?
        UNION SELECT row_key FROM events WHERE account_key = ${account}
          AND stream = ? AND actor_ref IN (${matchingActors}))`);
      params.push(grams, accountId, stream, accountId, stream, needle);
    }
    where.push(`(instr(lower(concat_ws(char(10), e.api_path, e.target_id, e.target_name, e.target_path)), ?) > 0
      OR e.actor_ref IN (${matchingActors}))`);
    params.push(needle, accountId, stream, needle);
  }
  if (query.after) {
    where.push('(e.occurred_at, e.id) < (?, ?)');
    params.push(Date.parse(query.after.occurredAt), encodeId(query.after.id));
  }
  params.push(query.limit + 1);
  // Without statistics SQLite prefers the time index (it avoids a sort) even for a request id,
  // scanning the whole account: anyone writing this query by hand would pin the request index.
  const indexed = query.requestId !== undefined ? ' INDEXED BY events_by_request' : '';
  const sql = `SELECT ${SUMMARY} FROM events e${indexed} ${SUMMARY_JOINS} WHERE ${where.join(' AND ')}
    ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?`;
  return { sql, params };
}

/** What fillCache reads: rows and payloads of an account's oldest events, as an export would. */
const FILL_SQL = `SELECT sum(length(detail)) FROM (SELECT detail FROM events
  WHERE account_key = (SELECT account_key FROM event_accounts WHERE account_id = ?)
  ORDER BY row_key LIMIT ?)`;

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
    async fillCache(accountId, events) {
      prepared(FILL_SQL).pluck().get(accountId, events);
    },
    async list(accountId, query) {
      const { sql, params } = listSql(accountId, query, filterCodes(prepared, accountId, query));
      return Math.min(query.limit, prepared(sql).all(...params).length);
    },
    async explain(accountId, query) {
      const { sql, params } = listSql(accountId, query, filterCodes(prepared, accountId, query));
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((r) => r.detail).join('; ');
    },
    close: async () => {
      db.close();
    },
  };
}

/** Reads a file from start to end through one 1 MiB buffer: into the page cache, not into memory. */
function readWhole(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs the merges of the trigram index that our server's writer runs whenever appends pause
 * (src/store/sqlite/search-merge.ts) until none is left. A data set loaded at full speed never
 * paused; a service that has been running for a while has. Untimed, like the rest of warmCache.
 */
function settleSearchIndex(path: string): void {
  const db = openRaw(path);
  try {
    const before = searchSegments(db);
    const merger = createSearchMerger(db);
    const started = performance.now();
    let steps = 0;
    while (merger.step()) steps++;
    if (steps > 0) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      note(
        `trigram index: ${steps} idle merge steps (${seconds} s), segments ${before} -> ${searchSegments(db)}`,
      );
    }
  } finally {
    db.close();
  }
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
      // On disk before anyone measures: otherwise the kernel writes the copy back (~750 MB at 1e6)
      // during the next timed run, and its syncs wait behind that writeback (measured at 1e6: the
      // raw one-row-per-transaction baseline of measurement 3 did 1,007 rows/s on an unsynced copy,
      // ~1,900 on synced ones).
      const fd = openSync(target, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return `file:${target}`;
    },
    async exists(label) {
      return existsSync(fileOf(label));
    },
    async readDescription(label) {
      const path = `${fileOf(label)}.meta.json`;
      return existsSync(path) ? readFileSync(path, 'utf8') : null;
    },
    async saveDescription(label, description) {
      writeFileSync(`${fileOf(label)}.meta.json`, description);
    },
    async warmCache(url) {
      const path = pathOf(url);
      // Our migrations first: a data set kept from older code merges as the current store would.
      await (await openStore(url)).close();
      settleSearchIndex(path);
      for (const file of [path, `${path}-wal`]) if (existsSync(file)) readWhole(file);
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
