/**
 * The access API end to end over real HTTP on a real SQLite file: members synced by the host,
 * account settings under the plan rule, viewer tokens re-checked at every request, the access
 * stream (and its no-loop rule), and every change recorded by Auditlog itself in one intact chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIntactChain } from '../../src/store/conformance/helpers.ts';
import { type AccessServer, problem, startAccessServer } from './server.ts';
import { allEvents, makeAccount, type OpenedStore, openSqliteStore } from './support.ts';

let opened: OpenedStore;
let server: AccessServer;

beforeAll(async () => {
  opened = await openSqliteStore();
  server = await startAccessServer(opened);
});
afterAll(async () => {
  await server.close();
  await opened.close();
});

async function account(overrides = {}) {
  const { id } = await makeAccount(opened.store, overrides);
  return {
    id,
    admin: `Bearer ${await server.key(id, ['admin'])}`,
    read: `Bearer ${await server.key(id, ['read'])}`,
    ingest: `Bearer ${await server.key(id, ['ingest'])}`,
  };
}

const event = {
  category: 'billing',
  operation: 'update',
  actor: { type: 'user', id: 'u_billing' },
  status: 'success',
  occurredAt: new Date(Date.now() - 1000).toISOString(),
};

describe('members API', () => {
  it('creates (201), replaces (200), lists, reads and removes (204) members, recording each change', async () => {
    const acc = await account();
    const put = (body: unknown) => server.request('PUT', '/v1/members/u_1', { auth: acc.admin, body });
    const created = await put({ email: 'ann@example.com', name: 'Ann', role: 'developer' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ id: 'u_1', email: 'ann@example.com', role: 'developer' });
    expect((await put({ email: 'ann@example.com', name: 'Ann', role: 'developer' })).status).toBe(200);
    expect((await put({ email: 'ann@example.com', name: 'Ann', role: 'auditor' })).status).toBe(200);
    const list = await server.request('GET', '/v1/members', { auth: acc.admin });
    expect(list.body.data.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual([
      ['u_1', 'auditor'],
    ]);
    expect((await server.request('GET', '/v1/members/u_1', { auth: acc.admin })).body.data.role).toBe(
      'auditor',
    );
    const removed = await server.request('DELETE', '/v1/members/u_1', { auth: acc.admin });
    expect([removed.status, removed.text]).toEqual([204, '']);
    const again = await server.request('DELETE', '/v1/members/u_1', { auth: acc.admin });
    expect([again.status, problem(again).code]).toEqual([404, 'MEMBER_NOT_FOUND']);

    const events = await allEvents(opened.store, acc.id);
    expect(events.map((e) => `${e.category}/${e.operation}/${e.httpStatus}`)).toEqual([
      'user_management/create/201',
      'user_management/update/200', // the replay in between recorded nothing
      'user_management/delete/204',
    ]);
    expect(events[1]).toMatchObject({
      actor: { type: 'api_key' },
      api: { method: 'PUT', route: '/v1/members/:id', path: '/v1/members/u_1' },
      before: { role: 'developer' },
      after: { role: 'auditor' },
    });
  });

  it('answers 422 MEMBER_INVALID naming every bad field', async () => {
    const acc = await account();
    const res = await server.request('PUT', '/v1/members/u_1', {
      auth: acc.admin,
      body: { email: 'nope', role: 'superuser', extra: true },
    });
    expect(res.status).toBe(422);
    expect(problem(res).code).toBe('MEMBER_INVALID');
    expect(res.body.violations.map((v: { field: string }) => v.field).sort()).toEqual([
      '/email',
      '/extra',
      '/name',
      '/role',
    ]);
  });
});

describe('account API and the feature gate', () => {
  it('enables only on enterprise (409 PLAN_REQUIRED), and records every change by the admin key', async () => {
    const acc = await account({ plan: 'free', auditLogsEnabled: false });
    const patch = (body: unknown) => server.request('PATCH', '/v1/account', { auth: acc.admin, body });
    const refused = await patch({ auditLogsEnabled: true });
    expect([refused.status, problem(refused).code]).toEqual([409, 'PLAN_REQUIRED']);
    // While off: the admin still sees the account; ingest and reads say FEATURE_NOT_ENABLED and store nothing.
    expect((await server.request('GET', '/v1/account', { auth: acc.admin })).body.data.auditLogsEnabled).toBe(
      false,
    );
    const ingest = await server.request('POST', '/v1/events', { auth: acc.ingest, body: event });
    expect([ingest.status, problem(ingest).code]).toEqual([403, 'FEATURE_NOT_ENABLED']);
    expect((await opened.store.events.head(acc.id)).seq).toBe(0);

    expect(
      (await patch({ plan: 'enterprise', auditLogsEnabled: true, retentionDays: 30 })).body.data,
    ).toMatchObject({
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    expect((await server.request('POST', '/v1/events', { auth: acc.ingest, body: event })).status).toBe(201);
    expect((await patch({ auditLogsEnabled: false })).body.data.auditLogsEnabled).toBe(false);
    const bad = await patch({ retentionDays: 0, colour: 'red' });
    expect([bad.status, problem(bad).code]).toEqual([422, 'ACCOUNT_INVALID']);
    expect((await patch({})).status).toBe(422);

    const events = await allEvents(opened.store, acc.id);
    expect(events.map((e) => [e.category, e.after])).toEqual([
      ['settings', { plan: 'enterprise', auditLogsEnabled: true, retentionDays: 30 }],
      ['billing', null],
      ['settings', { auditLogsEnabled: false }],
    ]);
    expect(events[2]).toMatchObject({
      actor: { type: 'api_key' },
      api: { method: 'PATCH', route: '/v1/account' },
    });
    expectIntactChain(events);
  });
});

describe('viewer tokens', () => {
  it('expire after 15 minutes by default, are never cached, and describe themselves at /v1/me', async () => {
    const acc = await account();
    await server.member(acc.id, 'u_aud', 'auditor');
    const before = Date.now();
    const res = await server.request('POST', '/v1/viewer-tokens', {
      auth: acc.admin,
      body: { memberId: 'u_aud' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const expires = Date.parse(res.body.data.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 900_000);
    const me = await server.request('GET', '/v1/me', { auth: `Bearer ${res.body.data.token}` });
    expect(me.body.data).toMatchObject({
      kind: 'viewer',
      accountId: acc.id,
      member: { id: 'u_aud', role: 'auditor' },
    });
    expect(me.body.data.streams).toEqual(['central', 'media']);
    const catalog = await server.request('GET', '/v1/catalog', { auth: `Bearer ${res.body.data.token}` });
    expect(Object.keys(catalog.body.data)).toEqual(['central', 'media']);
  });

  it('a demoted member is refused at the next request, a removed one is unauthenticated', async () => {
    const acc = await account();
    await server.member(acc.id, 'u_adm', 'admin');
    const token = `Bearer ${await server.token(acc.admin.slice(7), 'u_adm')}`;
    expect((await server.request('GET', '/v1/events?stream=access', { auth: token })).status).toBe(200);
    await server.request('PUT', '/v1/members/u_adm', {
      auth: acc.admin,
      body: { email: 'a@example.com', name: 'A', role: 'auditor' },
    });
    const access = await server.request('GET', '/v1/events?stream=access', { auth: token });
    expect([access.status, problem(access).code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect((await server.request('GET', '/v1/events', { auth: token })).status).toBe(200);
    await server.request('PUT', '/v1/members/u_adm', {
      auth: acc.admin,
      body: { email: 'a@example.com', name: 'A', role: 'member' },
    });
    const demoted = await server.request('GET', '/v1/events', { auth: token });
    expect([demoted.status, problem(demoted).code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(problem(demoted).detail).toContain('only owners, admins and auditors');
    await server.request('DELETE', '/v1/members/u_adm', { auth: acc.admin });
    const removed = await server.request('GET', '/v1/events', { auth: token });
    expect([removed.status, problem(removed).code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('survive a restart: the signing key lives in the database', async () => {
    const acc = await account();
    await server.member(acc.id, 'u_aud', 'auditor');
    const token = await server.token(acc.admin.slice(7), 'u_aud');
    const second = await startAccessServer(opened);
    try {
      expect((await second.request('GET', '/v1/events', { auth: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('the access stream', () => {
  it('records each viewer read (list with filters, opened event) and refused attempts; not key reads', async () => {
    const acc = await account();
    const posted = await server.request('POST', '/v1/events', { auth: acc.ingest, body: event });
    const eventId = posted.body.data[0].id;
    await server.member(acc.id, 'u_aud', 'auditor', 'aud@example.com');
    await server.member(acc.id, 'u_dev', 'developer', 'dev@example.com');
    await server.member(acc.id, 'u_own', 'owner', 'own@example.com');
    const admin = acc.admin.slice(7);
    const auditor = `Bearer ${await server.token(admin, 'u_aud')}`;
    const developer = `Bearer ${await server.token(admin, 'u_dev')}`;
    const owner = `Bearer ${await server.token(admin, 'u_own')}`;
    const headSeq = async () => (await opened.store.events.head(acc.id)).seq;

    expect(
      (await server.request('GET', '/v1/events?category=billing&q=bill', { auth: auditor })).status,
    ).toBe(200);
    expect((await server.request('GET', `/v1/events/${eventId}`, { auth: auditor })).status).toBe(200);
    expect((await server.request('GET', '/v1/events', { auth: developer })).status).toBe(403);
    const afterViewers = await headSeq();
    await server.request('GET', '/v1/events', { auth: acc.read });
    await server.request('GET', `/v1/events/${eventId}`, { auth: acc.read });
    await server.request('GET', '/v1/actors', { auth: auditor });
    expect(await headSeq()).toBe(afterViewers); // key reads and filter metadata are not recorded

    const log = await server.request('GET', '/v1/events?stream=access', { auth: owner });
    expect(log.status).toBe(200);
    const rows = log.body.data.map((e: { actor: { id: string }; operation: string; status: string }) => [
      e.actor.id,
      e.operation,
      e.status,
    ]);
    expect(rows).toEqual([
      ['u_dev', 'list', 'failure'],
      ['u_aud', 'view', 'success'],
      ['u_aud', 'list', 'success'],
    ]);
    const list = (await server.request('GET', `/v1/events/${log.body.data[2].id}`, { auth: owner })).body
      .data;
    expect(list).toMatchObject({
      actor: { type: 'user', id: 'u_aud', email: 'aud@example.com' },
      request: { stream: 'central', categories: ['billing'], q: 'bill', role: 'auditor', page: 'first' },
      response: { rows: 1 },
    });
    const view = (await server.request('GET', `/v1/events/${log.body.data[1].id}`, { auth: owner })).body
      .data;
    expect(view).toMatchObject({ target: { type: 'event', id: eventId }, request: { id: eventId } });

    // No loop: the owner's reads of the access stream (the list and the two opened events) added nothing.
    expect(await headSeq()).toBe(afterViewers);
    // An auditor may not see it, in the list or by id.
    const hidden = await server.request('GET', `/v1/events/${log.body.data[0].id}`, { auth: auditor });
    expect([hidden.status, problem(hidden).code]).toEqual([404, 'NOT_FOUND']);
    expectIntactChain(await allEvents(opened.store, acc.id));
  });
});
