/**
 * GET /v1/events and GET /v1/events/:id over real HTTP on a real SQLite file: every filter alone and
 * combined (checked against a plain-TypeScript reference), pagination, cursor tampering, hostile
 * input, and the 404 that does not tell unknown from foreign ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, type Harness, problemOf, startHarness, type TestAccount } from './harness.ts';

let h: Harness;
let acme: TestAccount;
let other: TestAccount;
/** An event as posted, with the id and seq the server gave it. */
interface Posted {
  id: string;
  seq: number;
  occurredAt: string;
  actor: { id: string; email?: string; name?: string };
  category: string;
  operation: string;
  status: string;
  target: { id: string; name: string; path: string };
  api: { path: string };
  requestId: string;
  request: unknown;
  response: unknown;
}
let posted: Posted[] = [];

const BASE = Date.now() - 10 * 86_400_000;
const ACTORS = ['u_alice', 'u_bob', 'u_carol'];
const CATEGORIES = ['url_endpoints', 'billing', 'settings'];
const OPERATIONS = ['create', 'update', 'delete'];

function fixture(i: number): Record<string, unknown> {
  const actor = ACTORS[i % 3]!;
  return eventInput({
    category: CATEGORIES[i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
    operation: OPERATIONS[Math.floor(i / 3) % 3],
    actor: { type: 'user', id: actor, email: `${actor.slice(2)}@example.com` },
    status: i % 4 === 0 ? 'failure' : 'success',
    target: {
      type: 'thing',
      id: `t_${i}`,
      name: i % 5 === 0 ? 'Shoe campaign' : `Thing ${i}`,
      path: `/assets/${i % 3}.jpg`,
    },
    requestId: `req_${i % 6}`,
    // Every few events share a timestamp, so the id tie-break of the keyset is exercised.
    occurredAt: new Date(BASE + Math.floor(i / 2) * 3_600_000).toISOString(),
  });
}

beforeAll(async () => {
  h = await startHarness();
  acme = await h.account();
  other = await h.account();
  const inputs = Array.from({ length: 40 }, (_, i) => fixture(i));
  const res = await h.request('POST', '/v1/events', { key: acme.ingestKey, body: { events: inputs } });
  expect(res.status).toBe(201);
  posted = inputs.map((input, i) => ({ ...input, ...res.body.data[i] }) as Posted);
  const media = eventInput({
    stream: 'media',
    category: 'files',
    operation: 'upload',
    actor: { type: 'user', id: 'u_media' },
  });
  await h.request('POST', '/v1/events', { key: acme.ingestKey, body: media });
  await h.request('POST', '/v1/events', { key: other.ingestKey, body: { events: [fixture(1), fixture(2)] } });
});
afterAll(async () => {
  await h.close();
});

/** Newest first: occurredAt desc, then id desc. */
function expected(keep: (e: Posted) => boolean): string[] {
  return posted
    .filter(keep)
    .sort((a, b) =>
      a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1,
    )
    .map((e) => e.id);
}

async function listAll(query: string, key = acme.readKey): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = query ? '&' : '';
    const res = await h.request(
      'GET',
      `/v1/events?${query}${sep}limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      { key },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(7);
    ids.push(...res.body.data.map((e: { id: string }) => e.id));
    cursor = res.body.next_cursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The text `q` searches, lower-cased: api path, target id/name/path, actor id/email/name. */
function searchable(e: Posted): string {
  const parts = [
    e.api?.path,
    e.target?.id,
    e.target?.name,
    e.target?.path,
    e.actor?.id,
    e.actor?.email,
    e.actor?.name,
  ];
  return parts
    .filter((p) => typeof p === 'string')
    .join('\n')
    .toLowerCase();
}

describe('GET /v1/events', () => {
  it('lists summaries newest first with a next_cursor, defaulting to the central stream', async () => {
    const res = await h.request('GET', '/v1/events?limit=5', { key: acme.readKey });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { id: string }) => e.id)).toEqual(expected(() => true).slice(0, 5));
    expect(typeof res.body.next_cursor).toBe('string');
    const row = res.body.data[0];
    expect(Object.keys(row).sort()).toEqual(
      [
        'actor',
        'api',
        'category',
        'httpStatus',
        'id',
        'ip',
        'occurredAt',
        'operation',
        'requestId',
        'seq',
        'status',
        'stream',
        'target',
      ].sort(),
    );
  });

  it('pages through everything exactly once; the last page has next_cursor null', async () => {
    expect(await listAll('')).toEqual(expected(() => true));
  });

  it.each([
    ['actor=u_bob', (e: Posted) => e.actor.id === 'u_bob'],
    ['actor=u_bob&actor=u_carol', (e: Posted) => ['u_bob', 'u_carol'].includes(e.actor.id)],
    ['actor=u_bob,u_carol', (e: Posted) => ['u_bob', 'u_carol'].includes(e.actor.id)],
    ['operation=delete', (e: Posted) => e.operation === 'delete'],
    ['operation=create,delete', (e: Posted) => ['create', 'delete'].includes(e.operation)],
    ['category=billing', (e: Posted) => e.category === 'billing'],
    ['category=billing&category=settings', (e: Posted) => ['billing', 'settings'].includes(e.category)],
    ['status=failure', (e: Posted) => e.status === 'failure'],
    ['target_path=/assets/1.jpg', (e: Posted) => e.target.path === '/assets/1.jpg'],
    ['request_id=req_3', (e: Posted) => e.requestId === 'req_3'],
    ['q=shoe', (e: Posted) => e.target.name === 'Shoe campaign'],
    ['q=BOB@EXAMPLE', (e: Posted) => e.actor.id === 'u_bob'],
    [`from=${iso(BASE + 5 * 3_600_000)}`, (e: Posted) => e.occurredAt >= iso(BASE + 5 * 3_600_000)],
    [`to=${iso(BASE + 5 * 3_600_000)}`, (e: Posted) => e.occurredAt < iso(BASE + 5 * 3_600_000)],
    [
      `from=${iso(BASE + 3_600_000)}&to=${iso(BASE + 12 * 3_600_000)}&actor=u_alice,u_bob&status=success&operation=update,create`,
      (e: Posted) =>
        e.occurredAt >= iso(BASE + 3_600_000) &&
        e.occurredAt < iso(BASE + 12 * 3_600_000) &&
        ['u_alice', 'u_bob'].includes(e.actor.id) &&
        e.status === 'success' &&
        ['update', 'create'].includes(e.operation),
    ],
    [
      'category=url_endpoints&q=campaign&status=failure',
      (e: Posted) =>
        e.category === 'url_endpoints' && e.target.name === 'Shoe campaign' && e.status === 'failure',
    ],
  ])('filters %s', async (query, keep) => {
    const want = expected(keep);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(posted.length);
    expect(await listAll(query.replaceAll('+', '%2B'))).toEqual(want);
  });

  it('a from/to window with no events is an empty page, not an error', async () => {
    const res = await h.request('GET', `/v1/events?to=${iso(BASE - 86_400_000)}`, { key: acme.readKey });
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });

  it('stream=media lists only media events', async () => {
    const res = await h.request('GET', '/v1/events?stream=media', { key: acme.readKey });
    expect(res.body.data.map((e: { actor: { id: string } }) => e.actor.id)).toEqual(['u_media']);
  });

  it.each([
    ['limit=0', 'query/limit'],
    ['limit=201', 'query/limit'],
    ['limit=ten', 'query/limit'],
    ['status=ok', 'query/status'],
    ['stream=billing', 'query/stream'],
    ['from=2026-13-01T00:00:00Z', 'query/from'],
    [`from=${iso(BASE + 1000)}&to=${iso(BASE)}`, 'query/from'],
    [`q=${'x'.repeat(201)}`, 'query/q'],
    ['sort=asc', 'query/sort'],
    ['account_id=other', 'query/account_id'],
  ])('400 QUERY_INVALID for %s naming %s', async (query, field) => {
    const res = await h.request('GET', `/v1/events?${query}`, { key: acme.readKey });
    expect(res.status).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe('QUERY_INVALID');
    expect(problem.violations.map((v) => v.field)).toEqual([field]);
  });
});

describe('cursors', () => {
  async function firstCursor(query: string): Promise<string> {
    const res = await h.request('GET', `/v1/events?${query}&limit=3`, { key: acme.readKey });
    return res.body.next_cursor;
  }

  it.each([
    ['garbage', () => 'not-a-cursor!'],
    ['base64 of junk', () => Buffer.from('junk').toString('base64url')],
    [
      'a forged position',
      () => Buffer.from(JSON.stringify({ v: 1, o: 'x', i: 'y', f: 'z' })).toString('base64url'),
    ],
  ])('400 CURSOR_MALFORMED for %s', async (_label, make) => {
    const res = await h.request('GET', `/v1/events?cursor=${encodeURIComponent(make())}`, {
      key: acme.readKey,
    });
    expect(res.status).toBe(400);
    expect(problemOf(res).code).toBe('CURSOR_MALFORMED');
  });

  it('400 CURSOR_MALFORMED for a cursor issued for other filters', async () => {
    const cursor = await firstCursor('actor=u_bob');
    const res = await h.request('GET', `/v1/events?actor=u_carol&cursor=${cursor}`, { key: acme.readKey });
    expect(res.status).toBe(400);
    expect(problemOf(res).code).toBe('CURSOR_MALFORMED');
    const ok = await h.request('GET', `/v1/events?actor=u_bob&cursor=${cursor}&limit=3`, {
      key: acme.readKey,
    });
    expect(ok.status).toBe(200);
  });

  it('a forged cursor with a valid hash but a position in the future returns rows, never a 5xx', async () => {
    const real = JSON.parse(Buffer.from(await firstCursor('status=success'), 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...real, o: '2099-01-01T00:00:00.000Z', i: "' OR 1=1 --" }),
    ).toString('base64url');
    const res = await h.request('GET', `/v1/events?status=success&cursor=${forged}`, { key: acme.readKey });
    expect(res.status).toBe(200);
    for (const row of res.body.data) expect(row.status).toBe('success');
  });
});

describe('hostile filter values', () => {
  const nasty = [
    "' OR '1'='1",
    '"; DROP TABLE events; --',
    '%',
    '_',
    '\\',
    '*/ SELECT 1 /*',
    '\u0000',
    'x\u2028y',
    "') UNION SELECT * FROM api_keys --",
  ];
  const params = [
    'actor',
    'operation',
    'category',
    'status',
    'from',
    'to',
    'target_path',
    'request_id',
    'q',
    'cursor',
    'stream',
    'limit',
  ];

  it('every parameter answers 200 with no foreign rows, or a 4xx; never a 5xx; nothing is stored', async () => {
    const before = await h.store.events.head(acme.id);
    for (const param of params) {
      for (const value of nasty) {
        const res = await h.request('GET', `/v1/events?${param}=${encodeURIComponent(value)}`, {
          key: acme.readKey,
        });
        expect(res.status, `${param}=${JSON.stringify(value)}`).toBeLessThan(500);
        if (res.status === 200 && param === 'q') {
          // LIKE metacharacters are literal: '%' and '_' match only rows that contain them.
          const ids = res.body.data.map((e: { id: string }) => e.id);
          expect(ids, `q=${JSON.stringify(value)}`).toEqual(
            expected((e) => searchable(e).includes(value.toLowerCase())).slice(0, 50),
          );
        } else if (res.status === 200) {
          expect(res.body.data, `${param}=${JSON.stringify(value)}`).toEqual([]);
        } else {
          expect(problemOf(res).code).toMatch(/QUERY_INVALID|CURSOR_MALFORMED/);
        }
      }
    }
    expect(await h.store.events.head(acme.id)).toEqual(before);
  });

  it('hostile ids on GET /v1/events/:id are 404s', async () => {
    for (const value of nasty) {
      const res = await h.request('GET', `/v1/events/${encodeURIComponent(value)}`, { key: acme.readKey });
      expect(res.status).toBe(404);
      expect(problemOf(res).code).toBe('NOT_FOUND');
    }
  });
});

describe('GET /v1/events/:id', () => {
  it('returns the whole event with payloads and hashes', async () => {
    const target = posted[7]!;
    const res = await h.request('GET', `/v1/events/${target.id}`, { key: acme.readKey });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: target.id,
      seq: target.seq,
      request: target.request,
      response: target.response,
    });
    expect(res.body.data.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers another account's id exactly like an unknown id", async () => {
    const id = posted[0]!.id;
    const foreign = await h.request('GET', `/v1/events/${id}`, { key: other.readKey });
    const unknownId = `${id.slice(0, -1)}${id.endsWith('Z') ? 'Y' : 'Z'}`;
    const unknown = await h.request('GET', `/v1/events/${unknownId}`, { key: other.readKey });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(foreign.body)).toEqual(strip(unknown.body));
    expect(foreign.body.instance).toBe(`/v1/events/${id}`);
    expect(foreign.text.replace(id, 'ID')).toBe(unknown.text.replace(unknownId, 'ID'));
  });
});
