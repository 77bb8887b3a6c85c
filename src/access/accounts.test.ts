import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents, makeAccount, type OpenedStore, openSqliteStore } from '../../test/access/support.ts';
import { createGroupCommitter } from '../ingest/group-commit.ts';
import { expectIntactChain } from '../store/conformance/helpers.ts';
import type { Store } from '../store/types.ts';
import {
  type AccountServiceDeps,
  applySettingsPatch,
  createAccount,
  updateAccountSettings,
} from './accounts.ts';
import { type ChangeOrigin, CLI_ORIGIN, createRecorder } from './recorder.ts';

let opened: OpenedStore;
let store: Store;
let deps: AccountServiceDeps;
const admin: ChangeOrigin = {
  actor: { type: 'api_key', id: 'key_1', name: 'host backend' },
  api: { method: 'PATCH', route: '/v1/account', path: '/v1/account' },
  ip: '203.0.113.1',
  httpStatus: 200,
};

beforeAll(async () => {
  opened = await openSqliteStore();
  store = opened.store;
  deps = {
    accounts: store.accounts,
    recorder: createRecorder({ submitter: createGroupCommitter(store.events) }),
  };
});
afterAll(async () => opened.close());

const base = { name: 'A', plan: 'enterprise' as const, auditLogsEnabled: false, retentionDays: 365 };

describe('the plan rule', () => {
  it('enabling needs the enterprise plan', () => {
    expect(applySettingsPatch(base, { auditLogsEnabled: true }).auditLogsEnabled).toBe(true);
    expect(() => applySettingsPatch({ ...base, plan: 'free' }, { auditLogsEnabled: true })).toThrow(
      expect.objectContaining({ code: 'PLAN_REQUIRED', status: 409 }),
    );
    expect(() => applySettingsPatch(base, { plan: 'free', auditLogsEnabled: true })).toThrow(
      expect.objectContaining({ code: 'PLAN_REQUIRED' }),
    );
  });

  it('moving to free turns the feature off; retention is bounded', () => {
    expect(applySettingsPatch({ ...base, auditLogsEnabled: true }, { plan: 'free' })).toEqual({
      ...base,
      plan: 'free',
      auditLogsEnabled: false,
    });
    for (const retentionDays of [0, 36_501, 1.5]) {
      expect(() => applySettingsPatch(base, { retentionDays })).toThrow(
        expect.objectContaining({ code: 'ACCOUNT_INVALID' }),
      );
    }
  });
});

describe('account settings are recorded by Auditlog itself', () => {
  it('records enabling, retention and disabling as settings events with before/after and the actor', async () => {
    const account = await makeAccount(store, { auditLogsEnabled: false });
    await updateAccountSettings(deps, account.id, { auditLogsEnabled: true }, admin);
    await updateAccountSettings(deps, account.id, { retentionDays: 90 }, admin);
    const off = await updateAccountSettings(deps, account.id, { auditLogsEnabled: false }, CLI_ORIGIN);
    expect(off).toMatchObject({ auditLogsEnabled: false, retentionDays: 90 });
    const events = await allEvents(store, account.id);
    expect(events.map((e) => [e.category, e.operation, e.before, e.after])).toEqual([
      ['settings', 'update', { auditLogsEnabled: false }, { auditLogsEnabled: true }],
      ['settings', 'update', { retentionDays: 365 }, { retentionDays: 90 }],
      ['settings', 'update', { auditLogsEnabled: true }, { auditLogsEnabled: false }],
    ]);
    expect(events[0]).toMatchObject({
      stream: 'central',
      actor: admin.actor,
      target: { type: 'account', id: account.id },
      api: admin.api,
      ip: '203.0.113.1',
      httpStatus: 200,
      request: { auditLogsEnabled: true },
    });
    expect(events[2]!.actor).toEqual(CLI_ORIGIN.actor);
    expectIntactChain(events);
  });

  it('a patch that changes nothing stores and records nothing', async () => {
    const account = await makeAccount(store);
    const same = await updateAccountSettings(
      deps,
      account.id,
      { auditLogsEnabled: true, retentionDays: 365 },
      admin,
    );
    expect(same).toEqual(account);
    expect((await store.events.head(account.id)).seq).toBe(0);
  });

  it('a refused enable changes nothing and records nothing', async () => {
    const account = await makeAccount(store, { plan: 'free', auditLogsEnabled: false });
    await expect(
      updateAccountSettings(deps, account.id, { auditLogsEnabled: true }, admin),
    ).rejects.toMatchObject({
      code: 'PLAN_REQUIRED',
    });
    expect(await store.accounts.get(account.id)).toEqual(account);
    expect((await store.events.head(account.id)).seq).toBe(0);
  });

  it('a downgrade records the plan change and the feature turning off in one event', async () => {
    const account = await makeAccount(store);
    await updateAccountSettings(deps, account.id, { plan: 'free' }, admin);
    const [event] = await allEvents(store, account.id);
    expect(event).toMatchObject({
      before: { plan: 'enterprise', auditLogsEnabled: true },
      after: { plan: 'free', auditLogsEnabled: false },
    });
  });

  it('answers ACCOUNT_NOT_FOUND for an unknown account', async () => {
    await expect(
      updateAccountSettings(deps, 'acc_nobody', { retentionDays: 30 }, admin),
    ).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
    });
  });

  it('creating an account records its initial settings as its first event', async () => {
    const id = `acc_create_${Date.now()}`;
    await createAccount(deps, { id, ...base, auditLogsEnabled: true }, CLI_ORIGIN);
    const [event] = await allEvents(store, id);
    expect(event).toMatchObject({
      seq: 1,
      category: 'settings',
      operation: 'create',
      before: null,
      after: { name: 'A', plan: 'enterprise', auditLogsEnabled: true, retentionDays: 365 },
    });
    await expect(
      createAccount(deps, { id: `${id}_free`, ...base, plan: 'free', auditLogsEnabled: true }, CLI_ORIGIN),
    ).rejects.toMatchObject({ code: 'PLAN_REQUIRED' });
    expect(await store.accounts.get(`${id}_free`)).toBeNull();
  });
});
