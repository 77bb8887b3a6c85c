/**
 * @module Opens the storage engine a database URL names and brings its schema up to date:
 * `file:<path>` is SQLite, `postgres://` or `postgresql://` is PostgreSQL.
 */
import { fileURLToPath } from 'node:url';
import { AuditlogError } from '../errors.ts';
import { createSqliteStore } from './sqlite/index.ts';
import type { MigrationStep, Store } from './types.ts';

/** Options shared by every engine. */
export interface OpenStoreOptions {
  /** Dates new accounts; injectable for tests. */
  clock?: () => Date;
  /**
   * SQLite: append on a writer thread (default true: what a server wants). A one-shot command
   * that appends a handful of events is quicker without starting a thread.
   */
  writerThread?: boolean;
  /** Hears of each schema migration just before it is applied (see `Store.migrate`). */
  onMigrationStep?: (step: MigrationStep) => void;
}

/**
 * The file path of a `file:` URL: `file:./data/a.db` and `file:data/a.db` are relative to the
 * working directory, `file:///var/lib/a.db` is absolute.
 */
export function sqlitePathOf(databaseUrl: string): string {
  if (databaseUrl.startsWith('file://')) return fileURLToPath(databaseUrl);
  const path = databaseUrl.slice('file:'.length);
  if (path === '') throw new AuditlogError('CONFIG_INVALID', 'AUDITLOG_DATABASE_URL: file: needs a path');
  return path;
}

/**
 * Opens the store for `databaseUrl` and runs its migrations before returning it. The PostgreSQL
 * engine is loaded only when asked for, so a SQLite deployment never loads `pg`.
 *
 * @example
 * const store = await openStore('file:./data/auditlog.db');
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (databaseUrl.startsWith('file:')) {
    store = createSqliteStore({
      path: sqlitePathOf(databaseUrl),
      clock: options.clock,
      writerThread: options.writerThread,
    });
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { createPostgresStore } = await import('./postgres/index.ts');
    store = createPostgresStore({ connectionString: databaseUrl, clock: options.clock });
  } else {
    throw new AuditlogError('CONFIG_INVALID', 'AUDITLOG_DATABASE_URL must start with file: or postgres://', {
      violations: [{ field: 'AUDITLOG_DATABASE_URL', rule: 'must start with file: or postgres://' }],
    });
  }
  try {
    await store.migrate(options.onMigrationStep);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
