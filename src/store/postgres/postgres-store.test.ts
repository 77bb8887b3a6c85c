/**
 * @module The PostgreSQL engine against the store conformance suite, on a fresh database of the
 * test server started by test/support/global-setup.ts.
 */
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { describeStoreConformance } from '../conformance.ts';
import { createPostgresStore } from './index.ts';

let database: TestDatabase | undefined;

describeStoreConformance(
  'postgres',
  async () => {
    database = await createTestDatabase();
    const store = createPostgresStore({ connectionString: database.url });
    await store.migrate();
    return store;
  },
  async (store) => {
    await store.close();
    await database?.drop();
  },
);
