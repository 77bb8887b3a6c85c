/**
 * Rate limits per credential over real HTTP: past the configured requests per minute a credential
 * gets 429 RATE_LIMITED as problem+json with Retry-After; other credentials, and the other budget
 * (ingest vs read), are untouched; a viewer cannot reset the budget by minting a fresh token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintViewerToken } from '../../src/access/viewer-tokens.ts';
import { type AccessServer, problem, startAccessServer } from './server.ts';
import { makeAccount, type OpenedStore, openSqliteStore } from './support.ts';

let opened: OpenedStore;
let server: AccessServer;
let accountId: string;

beforeAll(async () => {
  opened = await openSqliteStore();
  server = await startAccessServer(opened, { rateLimitRead: 3, rateLimitIngest: 2 });
  accountId = (await makeAccount(opened.store)).id;
});
afterAll(async () => {
  await server.close();
  await opened.close();
});

const event = () => ({
  category: 'settings',
  operation: 'update',
  actor: { type: 'user', id: 'u_1' },
  status: 'success',
  occurredAt: new Date(Date.now() - 1000).toISOString(),
});

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a key exceeds its read budget', async () => {
    const key = `Bearer ${await server.key(accountId, ['read', 'ingest'])}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await server.request('GET', '/v1/events', { auth: key })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await server.request('GET', '/v1/catalog', { auth: key });
    expect(limited.status).toBe(429);
    expect(problem(limited).code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // The ingest budget of the same key is separate, and another key has its own.
    expect((await server.request('POST', '/v1/events', { auth: key, body: event() })).status).toBe(201);
    const other = `Bearer ${await server.key(accountId, ['read'])}`;
    expect((await server.request('GET', '/v1/events', { auth: other })).status).toBe(200);
  });

  it('limits ingest per key, storing nothing for the refused request', async () => {
    const key = `Bearer ${await server.key(accountId, ['ingest'])}`;
    const before = (await opened.store.events.head(accountId)).seq;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await server.request('POST', '/v1/events', { auth: key, body: event() })).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect((await opened.store.events.head(accountId)).seq).toBe(before + 2);
  });

  it('counts a viewer per member, so fresh tokens do not reset the budget', async () => {
    await server.member(accountId, 'u_aud', 'auditor');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { token } = mintViewerToken(server.tokenKey, { accountId, memberId: 'u_aud', role: 'auditor' });
      statuses.push((await server.request('GET', '/v1/me', { auth: `Bearer ${token}` })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('gives the admin routes a budget of their own', async () => {
    const admin = `Bearer ${await server.key(accountId, ['admin', 'read'])}`;
    for (let i = 0; i < 3; i++)
      expect((await server.request('GET', '/v1/events', { auth: admin })).status).toBe(200);
    expect((await server.request('GET', '/v1/events', { auth: admin })).status).toBe(429);
    expect((await server.request('GET', '/v1/members', { auth: admin })).status).toBe(200);
  });

  it('does not count requests that fail authentication against anyone', async () => {
    const key = `Bearer ${await server.key(accountId, ['read'])}`;
    for (let i = 0; i < 5; i++) {
      expect((await server.request('GET', '/v1/events', { auth: 'Bearer alv1.x.y' })).status).toBe(401);
    }
    expect((await server.request('GET', '/v1/events', { auth: key })).status).toBe(200);
  });
});
