import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, type Harness, problemOf, startHarness } from '../../test/http/harness.ts';
import { authenticateApiKey, createApiKey } from '../access/api-keys.ts';
import { uniqueAccountId } from '../store/conformance-fixtures.ts';
import type { Account, AccountStore } from '../store/types.ts';
import { createCredentialCache, DEFAULT_CREDENTIAL_TTL_MS } from './credential-cache.ts';

// One fake clock for the app (receipt times and the cache's TTL); tests move it forward by hand.
let now = Date.now();
const clock = () => new Date(now);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(async () => {
  await h.close();
});

async function enterpriseAccount(enabled = true): Promise<string> {
  const id = uniqueAccountId('cache');
  await h.store.accounts.create({
    id,
    name: id,
    plan: 'enterprise',
    auditLogsEnabled: enabled,
    retentionDays: 365,
  });
  return id;
}

/** The store's lookups, counted: how we see whether the cache answered. */
function counted(accounts: AccountStore) {
  const reads = { get: 0, getKey: 0 };
  return {
    reads,
    lookups: {
      get(id: string) {
        reads.get++;
        return accounts.get(id);
      },
      getKey(id: string) {
        reads.getKey++;
        return accounts.getKey(id);
      },
    },
  };
}

describe('createCredentialCache', () => {
  it('serves a key record until the TTL, so a revocation elsewhere waits at most that long', async () => {
    const { reads, lookups } = counted(h.store.accounts);
    const cache = createCredentialCache({ accounts: lookups, clock });
    const accountId = await enterpriseAccount();
    const { key, record } = await createApiKey(h.store.accounts, accountId, ['ingest'], 'k');
    expect(await authenticateApiKey(cache, key)).toMatchObject({ id: record.id });
    expect(await authenticateApiKey(cache, key)).toMatchObject({ id: record.id });
    expect(reads.getKey).toBe(1);

    await h.store.accounts.revokeKey(record.id, new Date(now).toISOString());
    now += DEFAULT_CREDENTIAL_TTL_MS - 1;
    expect(await authenticateApiKey(cache, key)).not.toBeNull();
    now += 1;
    expect(await authenticateApiKey(cache, key)).toBeNull();
    // A revoked record is not cached: each request reads it again.
    expect(await authenticateApiKey(cache, key)).toBeNull();
    expect(reads.getKey).toBe(3);
  });

  it('checks the presented secret on every request, cached record or not', async () => {
    const cache = createCredentialCache({ accounts: h.store.accounts, clock });
    const { key } = await createApiKey(h.store.accounts, await enterpriseAccount(), ['ingest'], 'k');
    expect(await authenticateApiKey(cache, key)).not.toBeNull();
    const wrongSecret = `${key.slice(0, 17)}${'B'.repeat(43)}`;
    expect(await authenticateApiKey(cache, wrongSecret)).toBeNull();
    expect(await authenticateApiKey(cache, key)).not.toBeNull();
  });

  it('caches only enabled accounts, so turning audit logs on is seen at once', async () => {
    const { reads, lookups } = counted(h.store.accounts);
    const cache = createCredentialCache({ accounts: lookups, clock });
    const id = await enterpriseAccount(false);
    expect((await cache.get(id))?.auditLogsEnabled).toBe(false);
    await h.store.accounts.update(id, { auditLogsEnabled: true });
    expect((await cache.get(id))?.auditLogsEnabled).toBe(true);
    expect((await cache.get(id))?.auditLogsEnabled).toBe(true);
    expect(reads.get).toBe(2);
    expect(await cache.get('acc_unknown')).toBeNull();
    expect(await cache.getKey('AAAAAAAAAAAA')).toBeNull();
  });

  it('forgetAccount makes the next lookup read the store, even one that was in flight', async () => {
    const id = await enterpriseAccount();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let hold = false;
    const lookups = {
      getKey: (keyId: string) => h.store.accounts.getKey(keyId),
      async get(accountId: string): Promise<Account | null> {
        const account = await h.store.accounts.get(accountId);
        if (hold) await held;
        return account;
      },
    };
    const cache = createCredentialCache({ accounts: lookups, clock });
    expect((await cache.get(id))?.plan).toBe('enterprise');
    await h.store.accounts.update(id, { plan: 'free', auditLogsEnabled: false });
    expect((await cache.get(id))?.plan).toBe('enterprise');

    // A lookup that read the old settings and answers after the forget must not cache them.
    await h.store.accounts.update(id, { plan: 'enterprise', auditLogsEnabled: true });
    cache.forgetAccount(id);
    hold = true;
    const inFlight = cache.get(id);
    await h.store.accounts.update(id, { plan: 'free', auditLogsEnabled: false });
    cache.forgetAccount(id);
    release();
    expect((await inFlight)?.plan).toBe('enterprise');
    hold = false;
    expect((await cache.get(id))?.plan).toBe('free');
  });
});

describe('the ingest guard over HTTP', () => {
  it('refuses ingest at once after PATCH /v1/account turns audit logs off on this server', async () => {
    const account = await h.account();
    const admin = await h.key(account.id, ['admin']);
    const post = () => h.request('POST', '/v1/events', { key: account.ingestKey, body: eventInput() });
    expect((await post()).status).toBe(201);
    const patched = await h.request('PATCH', '/v1/account', {
      key: admin,
      body: { auditLogsEnabled: false },
    });
    expect(patched.status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(403);
    expect(problemOf(refused).code).toBe('FEATURE_NOT_ENABLED');

    // A plan change through the API is seen at once too: back on, then off by leaving enterprise.
    await h.request('PATCH', '/v1/account', { key: admin, body: { auditLogsEnabled: true } });
    expect((await post()).status).toBe(201);
    await h.request('PATCH', '/v1/account', { key: admin, body: { plan: 'free' } });
    expect((await post()).status).toBe(403);
  });

  it('sees a revocation or a disable made by another process within the TTL', async () => {
    const account = await h.account();
    const ingestKey = await h.key(account.id, ['ingest']);
    const keyId = ingestKey.slice(4, 16);
    const post = (key: string) => h.request('POST', '/v1/events', { key, body: eventInput() });
    expect((await post(ingestKey)).status).toBe(201);
    expect((await post(account.ingestKey)).status).toBe(201);

    // As `auditlog keys revoke` and a settings change on another server would: straight to the store.
    await h.store.accounts.revokeKey(keyId, new Date(now).toISOString());
    expect((await post(ingestKey)).status).toBe(201);
    now += DEFAULT_CREDENTIAL_TTL_MS;
    expect((await post(ingestKey)).status).toBe(401);

    expect((await post(account.ingestKey)).status).toBe(201);
    await h.store.accounts.update(account.id, { auditLogsEnabled: false });
    expect((await post(account.ingestKey)).status).toBe(201);
    now += DEFAULT_CREDENTIAL_TTL_MS;
    expect((await post(account.ingestKey)).status).toBe(403);
  });
});
