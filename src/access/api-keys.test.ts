import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueAccountId } from '../store/conformance-fixtures.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/types.ts';
import { authenticateApiKey, createApiKey, hashSecret, parseApiKey } from './api-keys.ts';

let dir: string;
let store: Store;
let accountId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlog-keys-'));
  store = createSqliteStore({ path: join(dir, 'keys.db') });
  await store.migrate();
  accountId = uniqueAccountId('keys');
  await store.accounts.create({
    id: accountId,
    name: 'Keys',
    plan: 'enterprise',
    auditLogsEnabled: true,
    retentionDays: 30,
  });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('API keys', () => {
  it('creates alk_<12>_<43> keys and stores only the hash of the secret', async () => {
    const { key, record } = await createApiKey(
      store.accounts,
      accountId,
      ['ingest', 'ingest', 'read'],
      'backend',
    );
    expect(key).toMatch(/^alk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    const parts = parseApiKey(key)!;
    expect(parts.keyId).toBe(record.id);
    const stored = (await store.accounts.getKey(record.id))!;
    expect(stored.secretHash).toBe(hashSecret(parts.secret));
    expect(JSON.stringify(stored)).not.toContain(parts.secret);
    expect(stored.scopes).toEqual(['ingest', 'read']);
  });

  it('authenticates the key it created, and nothing else', async () => {
    const { key, record } = await createApiKey(store.accounts, accountId, ['read'], 'reader');
    expect(await authenticateApiKey(store.accounts, key)).toMatchObject({ id: record.id, accountId });
    const wrongSecret = `${key.slice(0, 17)}${key.slice(17).split('').reverse().join('')}`;
    for (const presented of [
      wrongSecret,
      `${key}x`,
      key.slice(0, -1),
      '',
      'alk__',
      key.replace('alk_', 'xyz_'),
    ]) {
      expect(await authenticateApiKey(store.accounts, presented)).toBeNull();
    }
  });

  it('rejects a revoked key', async () => {
    const { key, record } = await createApiKey(store.accounts, accountId, ['read'], 'temp');
    await store.accounts.revokeKey(record.id, new Date().toISOString());
    expect(await authenticateApiKey(store.accounts, key)).toBeNull();
  });

  it('gives every key a distinct id', async () => {
    const keys = await Promise.all(
      Array.from({ length: 20 }, () => createApiKey(store.accounts, accountId, ['read'], 'n')),
    );
    expect(new Set(keys.map((k) => k.record.id)).size).toBe(20);
  });
});
