/**
 * The isolation matrix, on both storage engines: every endpoint × every kind of credential that
 * must be refused (none, malformed, expired, signed with another key, a member without the role,
 * a key of the wrong scope, a disabled account) answers the right status and code; ids, cursors
 * and member ids taken from another account are refused; and no response body sent to one account's
 * credentials ever contains a marker string seeded only into the other account's events.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintViewerToken } from '../../src/access/viewer-tokens.ts';
import { type AccessServer, problem, type Reply, startAccessServer } from './server.ts';
import { ENGINES, makeAccount, type OpenedStore } from './support.ts';

type Kind = 'read' | 'ingest' | 'admin' | 'session';

interface Endpoint {
  method: string;
  path: string;
  kind: Kind;
  body?: unknown;
}

/** What a credential gets on each kind of endpoint: a status and, for refusals, the code. */
type Outcome = readonly [number, string | null];

interface Credential {
  name: string;
  /** The account whose data this credential may legitimately see ('none' for invalid ones). */
  owner: 'A' | 'B' | 'none';
  auth: string | undefined;
  expect: Record<Kind, Outcome>;
}

const OK: Outcome = [200, null];
const all = (outcome: Outcome): Record<Kind, Outcome> => ({
  read: outcome,
  ingest: outcome,
  admin: outcome,
  session: outcome,
});

function eventInput(marker: string) {
  return {
    category: 'url_endpoints',
    operation: 'update',
    actor: { type: 'user', id: `actor_${marker}`, email: `${marker}@example.com`, name: marker },
    target: { type: 'url_endpoint', id: `ep_${marker}`, name: marker, path: `/${marker}` },
    api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: `/v1/url-endpoints/${marker}` },
    request: { secretNote: marker },
    response: { ok: marker },
    status: 'success',
    httpStatus: 200,
    requestId: `req_${marker}`,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
  };
}

describe.each(ENGINES)('isolation matrix (%s)', (_engine, open) => {
  let opened: OpenedStore;
  let server: AccessServer;
  const markerA = `MARKA${randomBytes(6).toString('hex')}`;
  const markerB = `MARKB${randomBytes(6).toString('hex')}`;
  const A = { id: '', ingest: '', read: '', admin: '', eventId: '' };
  const B = { id: '', ingest: '', read: '', admin: '', eventId: '', cursor: '' };
  let credentials: Credential[];
  let endpoints: Endpoint[];
  const seen: Array<{ owner: Credential['owner']; label: string; text: string }> = [];

  async function call(endpoint: Endpoint, auth: string | undefined): Promise<Reply> {
    return server.request(endpoint.method, endpoint.path, { auth, body: endpoint.body });
  }

  /** One account with keys of each scope, three members and three events carrying its marker. */
  async function seed(side: typeof A, marker: string): Promise<void> {
    side.id = (await makeAccount(opened.store, { name: `Account ${marker}` })).id;
    side.ingest = await server.key(side.id, ['ingest']);
    side.read = await server.key(side.id, ['read']);
    side.admin = await server.key(side.id, ['admin']);
    await server.member(side.id, 'u_owner', 'owner', `owner.${marker}@example.com`);
    await server.member(side.id, 'u_aud', 'auditor', `aud.${marker}@example.com`);
    await server.member(side.id, 'u_dev', 'developer', `dev.${marker}@example.com`);
    const posted = await server.request('POST', '/v1/events', {
      auth: `Bearer ${side.ingest}`,
      body: { events: [eventInput(marker), eventInput(marker), eventInput(marker)] },
    });
    expect(posted.status).toBe(201);
    side.eventId = posted.body.data[0].id;
  }

  /** Every credential of the matrix, with what it must get on each kind of endpoint. */
  async function buildCredentials(): Promise<Credential[]> {
    const disabled = await makeAccount(opened.store, { plan: 'free', auditLogsEnabled: false });
    await server.member(disabled.id, 'u_owner', 'owner');
    const disabledRead = await server.key(disabled.id, ['read', 'ingest']);
    const disabledAdmin = await server.key(disabled.id, ['admin']);
    const aToken = (member: string) => server.token(A.admin, member);
    const subject = { accountId: A.id, memberId: 'u_aud', role: 'auditor' as const };
    const expired = mintViewerToken(server.tokenKey, subject, {
      now: new Date(Date.now() - 3_600_000),
      ttlSeconds: 60,
    }).token;
    const foreignKey = mintViewerToken(randomBytes(32), subject).token;
    const viewerRefusals = {
      ingest: [403, 'FORBIDDEN'],
      admin: [403, 'FORBIDDEN'],
      session: OK,
    } as const satisfies Partial<Record<Kind, Outcome>>;

    return [
      { name: 'no credentials', owner: 'none', auth: undefined, expect: all([401, 'UNAUTHENTICATED']) },
      {
        name: 'a malformed token',
        owner: 'none',
        auth: 'Bearer alv1.not-a.token',
        expect: all([401, 'UNAUTHENTICATED']),
      },
      {
        name: 'a non-bearer scheme',
        owner: 'none',
        auth: `Basic ${A.read}`,
        expect: all([401, 'UNAUTHENTICATED']),
      },
      {
        name: 'an expired token',
        owner: 'none',
        auth: `Bearer ${expired}`,
        expect: all([401, 'TOKEN_EXPIRED']),
      },
      {
        name: 'a token signed with another key',
        owner: 'none',
        auth: `Bearer ${foreignKey}`,
        expect: all([401, 'UNAUTHENTICATED']),
      },
      {
        name: 'a member without the role (developer)',
        owner: 'A',
        auth: `Bearer ${await aToken('u_dev')}`,
        expect: { read: [403, 'ROLE_NOT_ALLOWED'], ...viewerRefusals },
      },
      {
        name: 'an auditor of A',
        owner: 'A',
        auth: `Bearer ${await aToken('u_aud')}`,
        expect: { read: OK, ...viewerRefusals },
      },
      {
        name: 'an owner of A',
        owner: 'A',
        auth: `Bearer ${await aToken('u_owner')}`,
        expect: { read: OK, ...viewerRefusals },
      },
      {
        name: 'a token of another account (B auditor)',
        owner: 'B',
        auth: `Bearer ${await server.token(B.admin, 'u_aud')}`,
        expect: { read: OK, ...viewerRefusals },
      },
      {
        name: 'an ingest key used for reading',
        owner: 'A',
        auth: `Bearer ${A.ingest}`,
        expect: { read: [403, 'FORBIDDEN'], ingest: [201, null], admin: [403, 'FORBIDDEN'], session: OK },
      },
      {
        name: 'a read key used for ingest',
        owner: 'A',
        auth: `Bearer ${A.read}`,
        expect: { read: OK, ingest: [403, 'FORBIDDEN'], admin: [403, 'FORBIDDEN'], session: OK },
      },
      {
        name: 'an admin key used for reading and ingest',
        owner: 'A',
        auth: `Bearer ${A.admin}`,
        expect: { read: [403, 'FORBIDDEN'], ingest: [403, 'FORBIDDEN'], admin: OK, session: OK },
      },
      {
        name: 'a key of an account with audit logs off',
        owner: 'none',
        auth: `Bearer ${disabledRead}`,
        expect: {
          read: [403, 'FEATURE_NOT_ENABLED'],
          ingest: [403, 'FEATURE_NOT_ENABLED'],
          admin: [403, 'FORBIDDEN'],
          session: OK,
        },
      },
      {
        name: 'a viewer of an account with audit logs off',
        owner: 'none',
        auth: `Bearer ${await server.token(disabledAdmin, 'u_owner')}`,
        expect: { read: [403, 'FEATURE_NOT_ENABLED'], ...viewerRefusals },
      },
    ];
  }

  beforeAll(async () => {
    opened = await open();
    server = await startAccessServer(opened);
    await seed(A, markerA);
    await seed(B, markerB);
    await server.member(B.id, 'u_b_only', 'owner', `bonly.${markerB}@example.com`);
    const page = await server.request('GET', '/v1/events?limit=1', { auth: `Bearer ${B.read}` });
    B.cursor = page.body.next_cursor;
    expect(B.cursor).toEqual(expect.any(String));

    credentials = await buildCredentials();
    endpoints = [
      { method: 'GET', path: '/v1/events', kind: 'read' },
      { method: 'GET', path: `/v1/events/${A.eventId}`, kind: 'read' },
      { method: 'GET', path: '/v1/events?stream=media', kind: 'read' },
      { method: 'GET', path: '/v1/actors', kind: 'read' },
      { method: 'GET', path: '/v1/catalog', kind: 'read' },
      { method: 'POST', path: '/v1/events', kind: 'ingest', body: eventInput('matrix') },
      { method: 'GET', path: '/v1/me', kind: 'session' },
      { method: 'GET', path: '/v1/account', kind: 'admin' },
      { method: 'PATCH', path: '/v1/account', kind: 'admin', body: { retentionDays: 365 } },
      { method: 'GET', path: '/v1/members', kind: 'admin' },
      { method: 'GET', path: '/v1/members/u_aud', kind: 'admin' },
      {
        method: 'PUT',
        path: '/v1/members/u_aud',
        kind: 'admin',
        body: { email: 'aud@example.com', name: 'Aud', role: 'auditor' },
      },
      { method: 'POST', path: '/v1/viewer-tokens', kind: 'admin', body: { memberId: 'u_aud' } },
      { method: 'DELETE', path: '/v1/members/u_nobody', kind: 'admin' },
    ];
  });

  afterAll(async () => {
    await server?.close();
    await opened?.close();
  });

  it('answers every endpoint × credential with the right status and code', async () => {
    const mismatches: string[] = [];
    for (const credential of credentials) {
      for (const endpoint of endpoints) {
        const res = await call(endpoint, credential.auth);
        const label = `${credential.name} → ${endpoint.method} ${endpoint.path}`;
        seen.push({ owner: credential.owner, label, text: res.text });
        let [status, code] = credential.expect[endpoint.kind];
        // Authorized requests that name something absent are the endpoint's own answers.
        if (code === null && endpoint.method === 'DELETE') [status, code] = [404, 'MEMBER_NOT_FOUND'];
        if (code === null && endpoint.method === 'POST' && endpoint.kind === 'admin') status = 201;
        if (
          code === null &&
          endpoint.method === 'GET' &&
          endpoint.path.startsWith('/v1/events/') &&
          credential.owner === 'B'
        ) {
          [status, code] = [404, 'NOT_FOUND']; // A's event id, read with B's credentials
        }
        const actual = res.status >= 400 ? problem(res).code : null;
        if (res.status !== status || actual !== code)
          mismatches.push(`${label}: got ${res.status} ${actual}, want ${status} ${code}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses ids, cursors and member ids taken from another account', async () => {
    const checks: Array<[string, string, string, unknown, number, string]> = [
      ['GET', `/v1/events/${B.eventId}`, A.read, undefined, 404, 'NOT_FOUND'],
      ['GET', `/v1/events?cursor=${B.cursor}`, A.read, undefined, 400, 'CURSOR_MALFORMED'],
      ['GET', '/v1/members/u_b_only', A.admin, undefined, 404, 'MEMBER_NOT_FOUND'],
      ['DELETE', '/v1/members/u_b_only', A.admin, undefined, 404, 'MEMBER_NOT_FOUND'],
      ['POST', '/v1/viewer-tokens', A.admin, { memberId: 'u_b_only' }, 404, 'MEMBER_NOT_FOUND'],
    ];
    const auditorA = await server.token(A.admin, 'u_aud');
    for (const [method, path, key, body, status, code] of checks) {
      const res = await server.request(method, path, { auth: `Bearer ${key}`, body });
      seen.push({ owner: 'A', label: `${method} ${path}`, text: res.text });
      expect([res.status, problem(res).code], `${method} ${path}`).toEqual([status, code]);
    }
    const viaToken = await server.request('GET', `/v1/events/${B.eventId}`, { auth: `Bearer ${auditorA}` });
    const cursorViaToken = await server.request('GET', `/v1/events?cursor=${B.cursor}`, {
      auth: `Bearer ${auditorA}`,
    });
    seen.push(
      { owner: 'A', label: 'token B id', text: viaToken.text },
      { owner: 'A', label: 'token B cursor', text: cursorViaToken.text },
    );
    expect([viaToken.status, cursorViaToken.status]).toEqual([404, 400]);
    // B's member survived A's attempts, and A's cursor still works for A.
    expect(await opened.store.members.get(B.id, 'u_b_only')).not.toBeNull();
    const page = await server.request('GET', '/v1/events?limit=1', { auth: `Bearer ${A.read}` });
    const next = await server.request('GET', `/v1/events?limit=1&cursor=${page.body.next_cursor}`, {
      auth: `Bearer ${A.read}`,
    });
    expect(next.status).toBe(200);
  });

  it("never sends one account's data to another account's credentials", async () => {
    expect(seen.length).toBeGreaterThan(100);
    // The markers are really there for their own account (else this test proves nothing).
    expect(seen.some((s) => s.owner === 'A' && s.text.includes(markerA))).toBe(true);
    expect(seen.some((s) => s.owner === 'B' && s.text.includes(markerB))).toBe(true);
    const leaks = seen.filter(
      (s) => (s.owner !== 'B' && s.text.includes(markerB)) || (s.owner !== 'A' && s.text.includes(markerA)),
    );
    expect(leaks.map((l) => l.label)).toEqual([]);
  });

  it('refused ingest stored nothing: only the read key and ingest key of A added central events', async () => {
    const list = await server.request('GET', '/v1/events?limit=200', { auth: `Bearer ${A.read}` });
    const matrixEvents = list.body.data.filter(
      (e: { actor: { id: string } }) => e.actor.id === 'actor_matrix',
    );
    // One credential of the matrix may ingest: A's ingest key, once.
    expect(matrixEvents).toHaveLength(1);
  });
});
