/**
 * @module The store conformance suite: one engine-agnostic set of tests that every storage engine
 * must pass. An engine that passes it honours the {@link Store} contract of src/store/types.ts.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeAccounts } from './conformance/accounts.ts';
import { describeAppend } from './conformance/append.ts';
import { describeExport } from './conformance/export.ts';
import { describeGet } from './conformance/get.ts';
import { describeIsolation } from './conformance/isolation.ts';
import { describeList } from './conformance/list.ts';
import { describeMembers } from './conformance/members.ts';
import { describeRetention } from './conformance/retention.ts';
import type { Store } from './types.ts';

/**
 * Declares a vitest `describe` block proving every behaviour of the Store contract against one
 * engine. `makeStore` runs once before the tests and must return a migrated store; every test uses
 * its own account ids, so the database may be shared (but must not be purged by anyone else while
 * the suite runs). `cleanup` runs after the tests and must close the store; without it the suite
 * calls `store.close()` itself.
 *
 * @example
 * describeStoreConformance('sqlite', async () => {
 *   const store = createSqliteStore({ path: join(dir, 'conformance.db') });
 *   await store.migrate();
 *   return store;
 * });
 */
export function describeStoreConformance(
  engineName: string,
  makeStore: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void>,
): void {
  describe(`Store conformance: ${engineName}`, () => {
    let store: Store | undefined;
    const ref = (): Store => {
      if (!store) throw new Error('the conformance store is not open (did makeStore fail?)');
      return store;
    };

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      if (!store) return;
      await (cleanup ? cleanup(store) : store.close());
    });

    describeAppend(ref);
    describeGet(ref);
    describeList(ref);
    describeExport(ref);
    describeIsolation(ref);
    describeRetention(ref);
    describeAccounts(ref);
    describeMembers(ref);
  });
}
