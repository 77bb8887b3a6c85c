/**
 * Authentication, scopes, feature gating and account isolation on every endpoint, over real HTTP
 * on a real SQLite file. The account always comes from the credential, never from the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, type Harness, problemOf, startHarness, type TestAccount } from './harness.ts';

let h: Harness;
let acme: TestAccount;
let globex: TestAccount;
let acmeEventId: string;

const READS = ['/v1/events', '/v1/actors', '/v1/catalog', '/v1/events/01JZZZZZZZZZZZZZZZZZZZZZZZ'];

beforeAll(async () => {
  h = await startHarness();
  acme = await h.account();
  globex = await h.account();
  const res = await h.request('POST', '/v1/events', {
    key: acme.ingestKey,
    body: eventInput({ actor: { type: 'user', id: 'acme_only_actor' } }),
  });
  acmeEventId = res.body.data[0].id;
});
afterAll(async () => {
  await h.close();
});

async function expectProblem(
  method: string,
  path: string,
  key: string | undefined,
  status: number,
  code: string,
  headers?: Record<string, string>,
) {
  const body = method === 'POST' ? eventInput() : undefined;
  const res = await h.request(method, path, { key, body, headers });
  expect(res.status, `${method} ${path}`).toBe(status);
  expect(problemOf(res).code).toBe(code);
  return res;
}

describe('authentication', () => {
  it('401 UNAUTHENTICATED with WWW-Authenticate: Bearer without a credential, on every /v1 route', async () => {
    for (const [method, path] of [['POST', '/v1/events'], ...READS.map((p) => ['GET', p])] as const) {
      const res = await expectProblem(method, path, undefined, 401, 'UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it.each([
    ['a garbage bearer', { authorization: 'Bearer nonsense' }],
    ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a well-formed key that does not exist', { authorization: `Bearer alk_AAAAAAAAAAAA_${'A'.repeat(43)}` }],
  ])('401 for %s', async (_label, headers) => {
    await expectProblem('GET', '/v1/events', undefined, 401, 'UNAUTHENTICATED', headers);
  });

  it('401 for a real key id with a wrong secret', async () => {
    const forged = `${acme.readKey.slice(0, 17)}${'B'.repeat(43)}`;
    expect(forged).not.toBe(acme.readKey);
    await expectProblem('GET', '/v1/events', forged, 401, 'UNAUTHENTICATED');
  });

  it('401 for a revoked key, which worked before', async () => {
    const account = await h.account();
    expect((await h.request('GET', '/v1/events', { key: account.readKey })).status).toBe(200);
    await h.store.accounts.revokeKey(account.readKeyId, new Date().toISOString());
    await expectProblem('GET', '/v1/events', account.readKey, 401, 'UNAUTHENTICATED');
  });
});

describe('scopes and gating', () => {
  it('403 FORBIDDEN for a read key on POST and an ingest key on every GET', async () => {
    await expectProblem('POST', '/v1/events', acme.readKey, 403, 'FORBIDDEN');
    for (const path of READS) await expectProblem('GET', path, acme.ingestKey, 403, 'FORBIDDEN');
  });

  it('a key with both scopes may do both', async () => {
    const key = await h.key(acme.id, ['ingest', 'read']);
    expect((await h.request('POST', '/v1/events', { key, body: eventInput() })).status).toBe(201);
    expect((await h.request('GET', '/v1/events', { key })).status).toBe(200);
  });

  it('403 FEATURE_NOT_ENABLED for ingest and reads while audit logs are off, and nothing is stored', async () => {
    const off = await h.account({ enabled: false });
    await expectProblem('POST', '/v1/events', off.ingestKey, 403, 'FEATURE_NOT_ENABLED');
    for (const path of READS) await expectProblem('GET', path, off.readKey, 403, 'FEATURE_NOT_ENABLED');
    expect((await h.store.events.head(off.id)).seq).toBe(0);
    await h.store.accounts.update(off.id, { auditLogsEnabled: true });
    expect((await h.request('POST', '/v1/events', { key: off.ingestKey, body: eventInput() })).status).toBe(
      201,
    );
  });

  it('/healthz and /openapi.json need no credential', async () => {
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect((await h.request('GET', '/openapi.json')).status).toBe(200);
  });
});

describe('isolation between accounts', () => {
  it("list, get and actors never show another account's events", async () => {
    const list = await h.request('GET', '/v1/events', { key: globex.readKey });
    expect(list.body.data.map((e: { id: string }) => e.id)).not.toContain(acmeEventId);
    const get = await h.request('GET', `/v1/events/${acmeEventId}`, { key: globex.readKey });
    expect(get.status).toBe(404);
    const actors = await h.request('GET', '/v1/actors', { key: globex.readKey });
    expect(actors.body.data.map((a: { id: string }) => a.id)).not.toContain('acme_only_actor');
    const own = await h.request('GET', '/v1/actors', { key: acme.readKey });
    expect(own.body.data.map((a: { id: string }) => a.id)).toContain('acme_only_actor');
  });

  it('a request cannot name another account: the body refuses accountId, the query refuses account', async () => {
    const body = await h.request('POST', '/v1/events', {
      key: globex.ingestKey,
      body: eventInput({ accountId: acme.id }),
    });
    expect(body.status).toBe(422);
    expect(problemOf(body).violations.map((v) => v.field)).toEqual(['/accountId']);
    const query = await h.request('GET', `/v1/events?account=${acme.id}`, { key: globex.readKey });
    expect(query.status).toBe(400);
  });

  it("events land in the key's account, with that account's own sequence", async () => {
    const a = await h.account();
    const b = await h.account();
    const ra = await h.request('POST', '/v1/events', {
      key: a.ingestKey,
      body: { events: [eventInput(), eventInput()] },
    });
    const rb = await h.request('POST', '/v1/events', { key: b.ingestKey, body: eventInput() });
    expect(ra.body.data.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(rb.body.data[0].seq).toBe(1);
    expect((await h.store.events.get(b.id, rb.body.data[0].id))?.accountId).toBe(b.id);
    expect(await h.store.events.get(a.id, rb.body.data[0].id)).toBeNull();
  });
});
