/**
 * @module Opening the SQLite file with the settings durability and concurrency depend on, and a
 * small cache of prepared statements.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { registerSearchTerms } from './search-terms.ts';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;
/** A prepared better-sqlite3 statement. */
export type SqliteStatement = Database.Statement<unknown[], unknown>;

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed, with its parent directory) the database file and applies the
 * connection settings and functions (search_terms, for the free-text index). Nothing is opened
 * at import time: callers pass the path in.
 *
 * @example
 * const db = openDatabase('./data/auditlog.db');
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // Only takes effect on a new, empty file (before WAL is set). 16 KiB pages leave little unused
  // space around rows of ~1 KiB (4 KiB pages waste ~12%) and make index trees shallower.
  db.pragma('page_size = 16384');
  // WAL: readers never block the writer and the writer never blocks readers.
  db.pragma('journal_mode = WAL');
  // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and an
  // acknowledged audit event must survive power loss, not only a process crash. (Event appends
  // commit with NORMAL and take FULL's extra WAL sync on the thread pool instead: wal-sync.ts.)
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  // Sorting a page of rows and the FTS candidate sets are small: keep them off the disk.
  db.pragma('temp_store = MEMORY');
  // 32 MiB of page cache per connection keeps the upper levels of every index in memory.
  db.pragma('cache_size = -32768');
  registerSearchTerms(db);
  return db;
}

/** Prepared statements by SQL text. Query shapes are few, so the cache stays small. */
export interface StatementCache {
  get(sql: string): SqliteStatement;
}

/** A cache of prepared statements for `db`, bounded so that no query shape can grow it forever. */
export function createStatementCache(db: SqliteDatabase, capacity = 256): StatementCache {
  const statements = new Map<string, SqliteStatement>();
  return {
    get(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
