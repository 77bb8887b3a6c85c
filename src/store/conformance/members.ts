/**
 * @module Conformance: the MemberStore and the SecretStore. Members are per account (the same
 * member id in two accounts is two members), upsert reports what it replaced, and secrets are
 * written once.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueAccountId } from '../conformance-fixtures.ts';
import type { MemberInput, Store } from '../types.ts';
import type { StoreRef } from './helpers.ts';

async function enterpriseAccount(store: Store, label: string): Promise<string> {
  const id = uniqueAccountId(label);
  await store.accounts.create({
    id,
    name: id,
    plan: 'enterprise',
    auditLogsEnabled: true,
    retentionDays: 365,
  });
  return id;
}

function member(accountId: string, overrides: Partial<MemberInput> = {}): MemberInput {
  return { accountId, id: 'u_1', email: 'ann@example.com', name: 'Ann', role: 'auditor', ...overrides };
}

/** Declares the MemberStore and SecretStore tests. */
export function describeMembers(store: StoreRef): void {
  describe('members', () => {
    it('inserts a new member, reporting no previous one, and reads it back', async () => {
      const accountId = await enterpriseAccount(store(), 'mem_new');
      const at = '2026-10-01T08:00:00.000Z';
      const result = await store().members.upsert(member(accountId), at);
      const expected = { ...member(accountId), createdAt: at, updatedAt: at };
      expect(result).toEqual({ member: expected, previous: null });
      expect(await store().members.get(accountId, 'u_1')).toEqual(expected);
    });

    it('replaces a member, returning the row it replaced and keeping createdAt', async () => {
      const accountId = await enterpriseAccount(store(), 'mem_replace');
      const first = await store().members.upsert(member(accountId), '2026-10-01T08:00:00.000Z');
      const second = await store().members.upsert(
        member(accountId, { role: 'developer', email: 'ann@new.example', name: 'Ann B' }),
        '2026-10-02T08:00:00.000Z',
      );
      expect(second.previous).toEqual(first.member);
      expect(second.member).toEqual({
        ...member(accountId, { role: 'developer', email: 'ann@new.example', name: 'Ann B' }),
        createdAt: '2026-10-01T08:00:00.000Z',
        updatedAt: '2026-10-02T08:00:00.000Z',
      });
      expect(await store().members.get(accountId, 'u_1')).toEqual(second.member);
    });

    it('keeps the same member id apart in two accounts', async () => {
      const a = await enterpriseAccount(store(), 'mem_a');
      const b = await enterpriseAccount(store(), 'mem_b');
      await store().members.upsert(member(a, { role: 'owner' }));
      await store().members.upsert(member(b, { role: 'member', email: 'other@example.com' }));
      expect((await store().members.get(a, 'u_1'))?.role).toBe('owner');
      expect((await store().members.get(b, 'u_1'))?.role).toBe('member');
      expect(await store().members.remove(a, 'u_1')).toMatchObject({ accountId: a, role: 'owner' });
      expect(await store().members.get(a, 'u_1')).toBeNull();
      expect((await store().members.get(b, 'u_1'))?.email).toBe('other@example.com');
    });

    it('lists only the account’s members, sorted by id', async () => {
      const a = await enterpriseAccount(store(), 'mem_list');
      const b = await enterpriseAccount(store(), 'mem_list_n');
      for (const id of ['u_c', 'u_a', 'u_b']) await store().members.upsert(member(a, { id }));
      await store().members.upsert(member(b, { id: 'u_z' }));
      expect((await store().members.list(a)).map((m) => m.id)).toEqual(['u_a', 'u_b', 'u_c']);
      expect((await store().members.list(b)).map((m) => m.id)).toEqual(['u_z']);
      expect(await store().members.list(uniqueAccountId('mem_none'))).toEqual([]);
    });

    it('returns null for unknown members and when removing twice', async () => {
      const accountId = await enterpriseAccount(store(), 'mem_unknown');
      expect(await store().members.get(accountId, 'nobody')).toBeNull();
      await store().members.upsert(member(accountId));
      expect(await store().members.remove(accountId, 'u_1')).not.toBeNull();
      expect(await store().members.remove(accountId, 'u_1')).toBeNull();
    });

    it('refuses a member of an account that does not exist with ACCOUNT_NOT_FOUND', async () => {
      const missing = uniqueAccountId('mem_missing');
      await expect(store().members.upsert(member(missing))).rejects.toMatchObject({
        code: 'ACCOUNT_NOT_FOUND',
      });
      expect(await store().members.get(missing, 'u_1')).toBeNull();
    });

    it('refuses an unknown role in the database itself', async () => {
      const accountId = await enterpriseAccount(store(), 'mem_role');
      const bogus = member(accountId, { role: 'superuser' as never });
      await expect(store().members.upsert(bogus)).rejects.toThrow();
      expect(await store().members.get(accountId, 'u_1')).toBeNull();
    });

    it('gives concurrent upserts of a new member exactly one "new" result', async () => {
      const accountId = await enterpriseAccount(store(), 'mem_race');
      const results = await Promise.all(
        ['owner', 'admin', 'auditor', 'developer'].map((role) =>
          store().members.upsert(member(accountId, { role: role as MemberInput['role'] })),
        ),
      );
      expect(results.filter((r) => r.previous === null)).toHaveLength(1);
    });
  });

  describe('secrets', () => {
    it('stores the first candidate and returns it to every later caller', async () => {
      const name = `test_${randomBytes(6).toString('hex')}`;
      expect(await store().secrets.ensure(name, 'first-secret')).toBe('first-secret');
      expect(await store().secrets.ensure(name, 'second-secret')).toBe('first-secret');
      const racing = await Promise.all(
        ['a', 'b', 'c'].map((c) => store().secrets.ensure(`${name}_race`, `candidate-${c}`)),
      );
      expect(new Set(racing).size).toBe(1);
    });
  });
}
