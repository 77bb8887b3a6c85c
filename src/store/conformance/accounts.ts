/**
 * @module Conformance: the AccountStore. Accounts CRUD with ACCOUNT_EXISTS, and server API keys.
 */

import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { uniqueAccountId } from '../conformance-fixtures.ts';
import type { ApiKeyRecord } from '../types.ts';
import type { StoreRef } from './helpers.ts';

function keyRecord(accountId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: `key_${ulid().toLowerCase()}`,
    accountId,
    name: 'Producer',
    scopes: ['ingest', 'read'],
    secretHash: 'ab'.repeat(32),
    createdAt: '2026-10-01T08:00:00.000Z',
    revokedAt: null,
    ...overrides,
  };
}

/** Declares the AccountStore tests. */
export function describeAccounts(store: StoreRef): void {
  describe('accounts', () => {
    it('creates, reads, updates and lists accounts', async () => {
      const id = uniqueAccountId('crud');
      const created = await store().accounts.create({
        id,
        name: 'Acme',
        plan: 'free',
        auditLogsEnabled: false,
        retentionDays: 90,
        createdAt: '2026-01-02T03:04:05.006Z',
      });
      expect(created).toEqual({
        id,
        name: 'Acme',
        plan: 'free',
        auditLogsEnabled: false,
        retentionDays: 90,
        createdAt: '2026-01-02T03:04:05.006Z',
      });
      expect(await store().accounts.get(id)).toEqual(created);

      const updated = await store().accounts.update(id, { plan: 'enterprise', auditLogsEnabled: true });
      expect(updated).toEqual({ ...created, plan: 'enterprise', auditLogsEnabled: true });
      expect(await store().accounts.get(id)).toEqual(updated);
      expect(await store().accounts.update(id, { name: 'Acme Inc', retentionDays: 30 })).toEqual({
        ...updated,
        name: 'Acme Inc',
        retentionDays: 30,
      });

      const other = await store().accounts.create({
        id: uniqueAccountId('crud_other'),
        name: 'Other',
        plan: 'enterprise',
        auditLogsEnabled: true,
        retentionDays: 365,
      });
      expect(Number.isNaN(Date.parse(other.createdAt))).toBe(false);
      const listed = (await store().accounts.list()).filter((a) => a.id === id || a.id === other.id);
      expect(listed.map((a) => a.id).sort()).toEqual([id, other.id].sort());
    });

    it('refuses a duplicate id with ACCOUNT_EXISTS and leaves the first account intact', async () => {
      const id = uniqueAccountId('dup');
      const first = await store().accounts.create({
        id,
        name: 'First',
        plan: 'free',
        auditLogsEnabled: false,
        retentionDays: 365,
      });
      await expect(
        store().accounts.create({
          id,
          name: 'Second',
          plan: 'enterprise',
          auditLogsEnabled: true,
          retentionDays: 7,
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_EXISTS' });
      expect(await store().accounts.get(id)).toEqual(first);
    });

    it('returns null for unknown accounts', async () => {
      const id = uniqueAccountId('unknown');
      expect(await store().accounts.get(id)).toBeNull();
      expect(await store().accounts.update(id, { name: 'x' })).toBeNull();
    });
  });

  describe('api keys', () => {
    it('creates, reads, lists per account and revokes keys', async () => {
      const account = uniqueAccountId('keys');
      const neighbour = uniqueAccountId('keys_n');
      const one = keyRecord(account, { scopes: ['admin'] });
      const two = keyRecord(account, {
        name: 'Reader',
        scopes: ['read'],
        createdAt: '2026-10-02T08:00:00.000Z',
      });
      const foreign = keyRecord(neighbour);
      for (const id of [account, neighbour]) {
        await store().accounts.create({
          id,
          name: id,
          plan: 'enterprise',
          auditLogsEnabled: true,
          retentionDays: 365,
        });
      }
      for (const record of [one, two, foreign]) await store().accounts.createKey(record);

      expect(await store().accounts.getKey(one.id)).toEqual(one);
      expect(await store().accounts.getKey('key_missing')).toBeNull();
      const listed = await store().accounts.listKeys(account);
      expect([...listed].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [one, two].sort((a, b) => a.id.localeCompare(b.id)),
      );

      expect(await store().accounts.revokeKey(two.id, '2026-10-03T09:00:00.000Z')).toBe(true);
      expect(await store().accounts.getKey(two.id)).toEqual({
        ...two,
        revokedAt: '2026-10-03T09:00:00.000Z',
      });
      expect(await store().accounts.getKey(one.id)).toEqual(one);
      expect(await store().accounts.revokeKey('key_missing', '2026-10-03T09:00:00.000Z')).toBe(false);
      expect(await store().accounts.listKeys(neighbour)).toEqual([foreign]);
    });
  });
}
