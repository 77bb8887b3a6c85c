/**
 * A subset of the HTTP contract on PostgreSQL: the same server, the same requests, the other
 * engine. (The full suite runs on SQLite; the store conformance suite proves the rest.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { eventInput, type Harness, problemOf, startHarness, type TestAccount } from './harness.ts';

let db: TestDatabase;
let h: Harness;
let acme: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness({ openStore: () => openStore(db.url) });
  acme = await h.account();
  other = await h.account();
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

describe('HTTP on PostgreSQL', () => {
  it('reports the engine on /healthz', async () => {
    expect((await h.request('GET', '/healthz')).body).toEqual({ status: 'ok', engine: 'postgres' });
  });

  it('ingests a batch, replays it idempotently, and lists it page by page with filters', async () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      eventInput({
        actor: { type: 'user', id: i % 2 ? 'u_odd' : 'u_even' },
        operation: i % 3 ? 'update' : 'delete',
        occurredAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      }),
    );
    const headers = { 'idempotency-key': 'pg-batch' };
    const first = await h.request('POST', '/v1/events', { key: acme.ingestKey, body: { events }, headers });
    expect(first.status).toBe(201);
    const replay = await h.request('POST', '/v1/events', { key: acme.ingestKey, body: { events }, headers });
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(first.body.data.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.request(
        'GET',
        `/v1/events?actor=u_odd&operation=update&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: acme.readKey },
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    const want = first.body.data
      .filter((_: unknown, i: number) => i % 2 === 1 && i % 3 !== 0)
      .map((e: { id: string }) => e.id);
    expect(ids).toEqual(want);
  });

  it('refuses an invalid batch whole with every violation, and a cursor issued for other filters', async () => {
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      body: { events: [eventInput(), eventInput({ ip: 'nope', operation: 'zap' })] },
    });
    expect(res.status).toBe(422);
    expect(
      problemOf(res)
        .violations.map((v) => v.field)
        .sort(),
    ).toEqual(['/events/1/ip', '/events/1/operation']);
    const page = await h.request('GET', '/v1/events?limit=1', { key: acme.readKey });
    const wrong = await h.request('GET', `/v1/events?status=failure&cursor=${page.body.next_cursor}`, {
      key: acme.readKey,
    });
    expect(problemOf(wrong).code).toBe('CURSOR_MALFORMED');
  });

  it('hostile filter values never cause a 5xx', async () => {
    for (const value of ["' OR 1=1 --", '%', '\\', "'); DROP TABLE events; --", '\u0000']) {
      for (const param of ['actor', 'q', 'target_path', 'request_id', 'from', 'cursor']) {
        const res = await h.request('GET', `/v1/events?${param}=${encodeURIComponent(value)}`, {
          key: acme.readKey,
        });
        expect(res.status, `${param}=${JSON.stringify(value)}`).toBeLessThan(500);
      }
    }
  });

  it("answers another account's event like an unknown one, and revoked keys with 401", async () => {
    const [{ id }] = (await h.request('POST', '/v1/events', { key: acme.ingestKey, body: eventInput() })).body
      .data;
    const foreign = await h.request('GET', `/v1/events/${id}`, { key: other.readKey });
    expect(foreign.status).toBe(404);
    expect(problemOf(foreign).code).toBe('NOT_FOUND');
    expect((await h.request('GET', `/v1/events/${id}`, { key: acme.readKey })).status).toBe(200);
    await h.store.accounts.revokeKey(other.readKeyId, new Date().toISOString());
    expect((await h.request('GET', '/v1/events', { key: other.readKey })).status).toBe(401);
  });
});
