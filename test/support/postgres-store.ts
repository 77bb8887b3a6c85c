/**
 * @module A migrated PostgreSQL store on a fresh test database, with a plain client beside it for
 * the SQL a test checks or sets up behind the store's back: the set-up most PostgreSQL engine
 * tests share.
 */
import pg from 'pg';
import {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from '../../src/store/postgres/index.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

/** What {@link openStoreFixture} opens; `close()` ends the client, closes the store, drops the database. */
export interface StoreFixture {
  database: TestDatabase;
  store: PostgresStore;
  client: pg.Client;
  close(): Promise<void>;
}

/**
 * Creates a database, migrates a store on it and connects a client.
 *
 * @example
 * let fixture: StoreFixture;
 * beforeAll(async () => { fixture = await openStoreFixture({ clock: () => NOW }); });
 * afterAll(() => fixture?.close());
 */
export async function openStoreFixture(
  options: Omit<PostgresStoreOptions, 'connectionString'> = {},
): Promise<StoreFixture> {
  const database = await createTestDatabase();
  const store = createPostgresStore({ ...options, connectionString: database.url });
  await store.migrate();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return {
    database,
    store,
    client,
    async close() {
      await client.end();
      await store.close();
      await database.drop();
    },
  };
}
