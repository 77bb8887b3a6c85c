/**
 * @module The SQLite storage engine: one file, WAL, synchronous=FULL. The default engine, for one
 * machine. See migrations/001_init.sql for the schema and why it looks the way it does.
 */
import { AuditlogError } from '../../errors.ts';
import type { AccountStore, MemberStore, SecretStore, Store } from '../types.ts';
import { createSqliteAccountStore } from './accounts.ts';
import { openDatabase } from './database.ts';
import { createSqliteEventStore, type SqliteEventStore } from './events.ts';
import { createSqliteMemberStore, createSqliteSecretStore } from './members.ts';
import { migrate } from './migrate.ts';
import { createWriterThread } from './writer-thread.ts';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; its directory is created when missing. */
  path: string;
  /** Dates new accounts; injectable for tests. */
  clock?: () => Date;
  /** Append on a writer thread (writer-thread.ts); default true. Ignored for ':memory:'. */
  writerThread?: boolean;
}

/**
 * Opens the SQLite store at `options.path`. Call `migrate()` before anything else: statements are
 * prepared on first use, against the migrated schema.
 *
 * @example
 * const store = createSqliteStore({ path: './data/auditlog.db' });
 * await store.migrate();
 * const [outcome] = await store.events.appendBatches([{ accountId: 'acme', events: [pending] }]);
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options.path);
  const clock = options.clock ?? (() => new Date());
  let events: SqliteEventStore | undefined;
  let accounts: AccountStore | undefined;
  let members: MemberStore | undefined;
  let secrets: SecretStore | undefined;
  // Appends to a file run on the writer thread; an in-memory database exists only on this thread.
  const threaded = options.writerThread !== false && options.path !== ':memory:';
  const writer = threaded ? createWriterThread(options.path) : undefined;
  const ready = () => {
    if (!db.open) throw new AuditlogError('STORE_UNAVAILABLE', 'the SQLite store is closed');
    return db;
  };
  const eventStore = () => {
    events ??= createSqliteEventStore(ready(), clock);
    return events;
  };
  // Reads never miss an acknowledged event: the writer thread acknowledges small batches once they
  // are in the ingest journal (journal.ts), before their rows exist, so a read first has every
  // journaled event drained into the events table when the journal is not empty. Asking the
  // database (not a counter shared with this process's writer) also covers events another process
  // journaled; the question costs one read of the journal's root page. Without a writer thread
  // (':memory:', writerThread: false) appends never journal, and this connection drains what
  // another process may have left.
  const drained = async (): Promise<SqliteEventStore> => {
    const store = eventStore();
    if (store.journalIsEmpty()) return store;
    if (writer) await writer.drain();
    else store.drainJournal();
    return store;
  };
  const accountStore = () => {
    accounts ??= createSqliteAccountStore(ready(), clock);
    return accounts;
  };
  const memberStore = () => {
    members ??= createSqliteMemberStore(ready(), clock);
    return members;
  };
  const secretStore = () => {
    secrets ??= createSqliteSecretStore(ready(), clock);
    return secrets;
  };

  return {
    engine: 'sqlite',
    events: {
      appendBatches: async (batches) => {
        if (!writer) return eventStore().appendBatches(batches);
        ready();
        return writer.append(batches);
      },
      // Calls are written in call order, one at a time; only their fsyncs overlap (commit.ts).
      appendConcurrency: 4,
      list: async (accountId, query) => (await drained()).list(accountId, query),
      get: async (accountId, id) => (await drained()).get(accountId, id),
      exportPage: async (accountId, query) => (await drained()).exportPage(accountId, query),
      actors: async (accountId, stream) => (await drained()).actors(accountId, stream),
      head: async (accountId) => (await drained()).head(accountId),
      purgeExpired: async (now, purgeOptions) => (await drained()).purgeExpired(now, purgeOptions),
    },
    accounts: {
      create: async (account) => accountStore().create(account),
      get: async (id) => accountStore().get(id),
      update: async (id, patch) => accountStore().update(id, patch),
      list: async () => accountStore().list(),
      createKey: async (record) => accountStore().createKey(record),
      getKey: async (id) => accountStore().getKey(id),
      listKeys: async (accountId) => accountStore().listKeys(accountId),
      revokeKey: async (id, at) => accountStore().revokeKey(id, at),
    },
    members: {
      upsert: async (member, at) => memberStore().upsert(member, at),
      get: async (accountId, id) => memberStore().get(accountId, id),
      list: async (accountId) => memberStore().list(accountId),
      remove: async (accountId, id) => memberStore().remove(accountId, id),
    },
    secrets: {
      ensure: async (name, candidate) => secretStore().ensure(name, candidate),
    },
    async migrate(onStep) {
      migrate(ready(), undefined, onStep);
    },
    async close() {
      if (!db.open) return;
      // The writer drains its journal before it ends; without one, this connection drains.
      await writer?.close();
      if (events && !events.journalIsEmpty()) events.drainJournal();
      // Fold the WAL back into the main file so a closed store is one self-contained file.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
