/** @module Creating the benchmark's accounts and API keys in a store. */
import { createApiKey } from '../../src/access/api-keys.ts';
import type { Scope, Store } from '../../src/store/types.ts';
import type { World } from '../generator/world.ts';

/**
 * Creates every account of the world that the store does not have yet: enterprise, audit logs on,
 * and a retention longer than the data set's window so nothing generated is already expired.
 */
export async function ensureAccounts(store: Store, world: World): Promise<void> {
  for (const account of world.accounts) {
    if (await store.accounts.get(account.id)) continue;
    await store.accounts.create({
      id: account.id,
      name: account.name,
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 3650,
    });
  }
}

/** One fresh API key per account (or per listed account), by account id. */
export async function createKeys(
  store: Store,
  accountIds: readonly string[],
  scopes: Scope[],
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const id of accountIds) {
    const { key } = await createApiKey(store.accounts, id, scopes, `bench ${scopes.join('+')}`);
    keys.set(id, key);
  }
  return keys;
}

/** Sum of every account's last seq: how many events the store holds for the world's accounts. */
export async function countEvents(store: Store, world: World): Promise<number> {
  let total = 0;
  for (const account of world.accounts) total += (await store.events.head(account.id)).seq;
  return total;
}
