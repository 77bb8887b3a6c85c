import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents, makeAccount, type OpenedStore, openSqliteStore } from '../../test/access/support.ts';
import { createGroupCommitter } from '../ingest/group-commit.ts';
import { expectIntactChain } from '../store/conformance/helpers.ts';
import type { Store } from '../store/types.ts';
import { checkMember, type MemberServiceDeps, removeMember, upsertMember } from './members.ts';
import { type ChangeOrigin, createRecorder } from './recorder.ts';

let opened: OpenedStore;
let store: Store;
let deps: MemberServiceDeps;
const origin: ChangeOrigin = { actor: { type: 'api_key', id: 'key_admin' }, httpStatus: 200 };

beforeAll(async () => {
  opened = await openSqliteStore();
  store = opened.store;
  deps = {
    members: store.members,
    recorder: createRecorder({ submitter: createGroupCommitter(store.events) }),
  };
});
afterAll(async () => opened.close());

describe('checkMember', () => {
  it('accepts a well-formed member', () => {
    expect(checkMember('acme', 'u_1', { email: 'a@example.com', name: 'Ann', role: 'owner' })).toEqual({
      accountId: 'acme',
      id: 'u_1',
      email: 'a@example.com',
      name: 'Ann',
      role: 'owner',
    });
  });

  it('lists every violation of the id and the body at once, as MEMBER_INVALID', () => {
    try {
      checkMember('acme', 'x'.repeat(300), {
        email: 'not-an-email',
        name: 'bad\u0000name',
        role: 'root',
        extra: 1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'MEMBER_INVALID', status: 422 });
      const fields = (error as { violations: { field: string; rule: string }[] }).violations;
      expect(fields.map((v) => v.field).sort()).toEqual(['/email', '/extra', '/name', '/role', 'path/id']);
      expect(fields.find((v) => v.field === '/role')?.rule).toContain(
        'owner, admin, auditor, developer, member',
      );
    }
  });

  it('refuses a body that is not an object', () => {
    expect(() => checkMember('acme', 'u', [1])).toThrow(expect.objectContaining({ code: 'MEMBER_INVALID' }));
  });
});

describe('member changes are recorded by Auditlog itself', () => {
  it('records create, role change and delete; a replay records nothing', async () => {
    const { id } = await makeAccount(store);
    const ann = {
      accountId: id,
      id: 'u_ann',
      email: 'ann@example.com',
      name: 'Ann',
      role: 'developer' as const,
    };
    expect((await upsertMember(deps, ann, origin)).created).toBe(true);
    expect((await upsertMember(deps, ann, origin)).created).toBe(false); // a sync replay
    await upsertMember(deps, { ...ann, role: 'auditor' }, origin);
    const removed = await removeMember(deps, id, 'u_ann', origin);
    expect(removed.role).toBe('auditor');
    const events = await allEvents(store, id);
    expect(events.map((e) => [e.category, e.operation, e.before, e.after])).toEqual([
      ['user_management', 'create', null, { email: 'ann@example.com', name: 'Ann', role: 'developer' }],
      [
        'user_management',
        'update',
        { email: 'ann@example.com', name: 'Ann', role: 'developer' },
        { email: 'ann@example.com', name: 'Ann', role: 'auditor' },
      ],
      ['user_management', 'delete', { email: 'ann@example.com', name: 'Ann', role: 'auditor' }, null],
    ]);
    expect(events[0]).toMatchObject({
      target: { type: 'member', id: 'u_ann', name: 'Ann' },
      actor: origin.actor,
    });
    expectIntactChain(events);
  });

  it('the origin may depend on whether the member is new', async () => {
    const { id } = await makeAccount(store);
    const input = { accountId: id, id: 'u_1', email: 'a@example.com', name: 'A', role: 'member' as const };
    await upsertMember(deps, input, (created) => ({ ...origin, httpStatus: created ? 201 : 200 }));
    await upsertMember(deps, { ...input, name: 'B' }, (created) => ({
      ...origin,
      httpStatus: created ? 201 : 200,
    }));
    expect((await allEvents(store, id)).map((e) => e.httpStatus)).toEqual([201, 200]);
  });

  it('removing an unknown member is MEMBER_NOT_FOUND and records nothing', async () => {
    const { id } = await makeAccount(store);
    await expect(removeMember(deps, id, 'nobody', origin)).rejects.toMatchObject({
      code: 'MEMBER_NOT_FOUND',
    });
    expect((await store.events.head(id)).seq).toBe(0);
  });
});
