/**
 * POST /v1/events over real HTTP on a real SQLite file: acknowledgements, durability, idempotency,
 * and every way a body can be refused (each refusal stores nothing).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventInput,
  type Harness,
  openSqlite,
  problemOf,
  startHarness,
  type TestAccount,
} from './harness.ts';

let h: Harness;
let acme: TestAccount;

beforeAll(async () => {
  h = await startHarness({ config: { maxPayloadBytes: 4096 } });
  acme = await h.account();
});
afterAll(async () => {
  await h.close();
});

async function count(account: TestAccount): Promise<number> {
  return (await h.store.events.head(account.id)).seq;
}

describe('POST /v1/events accepts', () => {
  it('one event: 201 { data: [{ id, seq }] }, and the stored event matches the input', async () => {
    const input = eventInput({ ip: '2001:db8::7' });
    const res = await h.request('POST', '/v1/events', { key: acme.ingestKey, body: input });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: [{ id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), seq: 1 }] });
    const stored = await h.request('GET', `/v1/events/${res.body.data[0].id}`, { key: acme.readKey });
    expect(stored.status).toBe(200);
    expect(stored.body.data).toMatchObject({
      seq: 1,
      accountId: acme.id,
      stream: 'central',
      actor: input.actor,
      request: input.request,
      ip: '2001:db8::7',
      occurredAt: new Date(String(input.occurredAt)).toISOString(),
      prevHash: '0'.repeat(64),
    });
    expect(stored.body.data.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a batch, in order, with consecutive seqs', async () => {
    const account = await h.account();
    const events = Array.from({ length: 25 }, (_, i) => eventInput({ requestId: `r${i}` }));
    const res = await h.request('POST', '/v1/events', { key: account.ingestKey, body: { events } });
    expect(res.status).toBe(201);
    expect(res.body.data.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    const ids = res.body.data.map((e: { id: string }) => e.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('redacts secrets in the payloads before storing them', async () => {
    const body = eventInput({
      request: { bucket: 'logs', secretAccessKey: 'AKIA-very-secret', password: 'hunter2' },
    });
    const res = await h.request('POST', '/v1/events', { key: acme.ingestKey, body });
    const stored = await h.request('GET', `/v1/events/${res.body.data[0].id}`, { key: acme.readKey });
    expect(stored.body.data.request).toEqual({
      bucket: 'logs',
      secretAccessKey: '[REDACTED]',
      password: '[REDACTED]',
    });
    expect(stored.text).not.toContain('hunter2');
  });

  it('a media event carrying an asset path', async () => {
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      body: eventInput({
        stream: 'media',
        category: 'files',
        operation: 'upload',
        target: { type: 'file', id: 'f1', path: '/a/b.jpg' },
      }),
    });
    expect(res.status).toBe(201);
  });
});

describe('POST /v1/events is durable', () => {
  it('acknowledged events are in the file after the server and store close', async () => {
    const own = await startHarness();
    const account = await own.account();
    const res = await own.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: { events: [eventInput(), eventInput()] },
    });
    expect(res.status).toBe(201);
    await own.app.close();
    await own.store.close();
    const reopened = await openSqlite(own.dir);
    try {
      for (const { id, seq } of res.body.data) {
        expect((await reopened.events.get(account.id, id))?.seq).toBe(seq);
      }
    } finally {
      await reopened.close();
      await rm(own.dir, { recursive: true, force: true });
    }
  });
});

describe('closing the app', () => {
  it('flushes pending commits: every request answered 201 is in the store once close resolves', async () => {
    const own = await startHarness();
    const account = await own.account();
    const sends = Array.from({ length: 30 }, (_, i) =>
      own.request('POST', '/v1/events', { key: account.ingestKey, body: eventInput({ requestId: `c${i}` }) }),
    );
    await Promise.race(sends);
    await own.app.close();
    const settled = await Promise.allSettled(sends);
    const accepted = settled.flatMap((r) =>
      r.status === 'fulfilled' && r.value.status === 201 ? r.value.body.data : [],
    );
    expect(accepted.length).toBeGreaterThan(0);
    for (const { id, seq } of accepted) expect((await own.store.events.get(account.id, id))?.seq).toBe(seq);
    await own.store.close();
    await rm(own.dir, { recursive: true, force: true });
  });
});

describe('POST /v1/events is idempotent', () => {
  it('replaying an Idempotency-Key header returns the same ids and seqs and stores nothing twice', async () => {
    const account = await h.account();
    const headers = { 'idempotency-key': 'req-abc' };
    const first = await h.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: eventInput(),
      headers,
    });
    const replay = await h.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: eventInput(),
      headers,
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await count(account)).toBe(1);
  });

  it('a batch under a header key gets <key>:<i> per event, unless an event has its own key', async () => {
    const account = await h.account();
    const body = { events: [eventInput(), eventInput({ idempotencyKey: 'own-key' }), eventInput()] };
    const headers = { 'idempotency-key': 'batch-1' };
    const first = await h.request('POST', '/v1/events', { key: account.ingestKey, body, headers });
    const replay = await h.request('POST', '/v1/events', { key: account.ingestKey, body, headers });
    expect(replay.body).toEqual(first.body);
    expect(await count(account)).toBe(3);
    const keys = await Promise.all(
      first.body.data.map(
        async ({ id }: { id: string }) => (await h.store.events.get(account.id, id))?.idempotencyKey,
      ),
    );
    expect(keys).toEqual(['batch-1:0', 'own-key', 'batch-1:2']);
  });

  it('per-event idempotencyKey fields dedupe without a header; a partly new batch stores only the new', async () => {
    const account = await h.account();
    const a = eventInput({ idempotencyKey: 'k-a' });
    const first = await h.request('POST', '/v1/events', { key: account.ingestKey, body: a });
    const second = await h.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: { events: [a, eventInput({ idempotencyKey: 'k-b' })] },
    });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.data[0]).toEqual(first.body.data[0]);
    expect(second.body.data[1].seq).toBe(2);
    expect(await count(account)).toBe(2);
  });

  it('the same key in two accounts is two events', async () => {
    const other = await h.account();
    const mine = await h.account();
    const headers = { 'idempotency-key': 'shared' };
    const a = await h.request('POST', '/v1/events', { key: mine.ingestKey, body: eventInput(), headers });
    const b = await h.request('POST', '/v1/events', { key: other.ingestKey, body: eventInput(), headers });
    expect(a.body.data[0].id).not.toBe(b.body.data[0].id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('POST /v1/events refuses, storing nothing', () => {
  it('422 listing every invalid index and field of a batch', async () => {
    const account = await h.account();
    const events = [
      eventInput(),
      eventInput({ ip: '999.1.1.1' }),
      eventInput(),
      eventInput({ category: 'teleport', status: 'maybe', httpStatus: 700 }),
      eventInput({ occurredAt: new Date(Date.now() + 3_600_000).toISOString(), actor: { type: 'user' } }),
    ];
    const res = await h.request('POST', '/v1/events', { key: account.ingestKey, body: { events } });
    expect(res.status).toBe(422);
    const problem = problemOf(res);
    expect(problem.code).toBe('EVENT_INVALID');
    expect(problem.violations.map((v) => `${v.index} ${v.field}`).sort()).toEqual(
      [
        '1 /events/1/ip',
        '3 /events/3/category',
        '3 /events/3/status',
        '3 /events/3/httpStatus',
        '4 /events/4/occurredAt',
        '4 /events/4/actor/id',
      ].sort(),
    );
    for (const v of problem.violations) expect(v.rule.length).toBeGreaterThan(5);
    expect(await count(account)).toBe(0);
  });

  it('a catalog violation names the allowed values', async () => {
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      body: eventInput({ operation: 'explode' }),
    });
    const problem = problemOf(res);
    expect(res.status).toBe(422);
    expect(problem.violations).toEqual([
      {
        index: 0,
        field: '/operation',
        rule: 'must be one of the operations of central/url_endpoints: create, update, delete',
      },
    ]);
  });

  it.each([
    ['a future occurredAt', { occurredAt: new Date(Date.now() + 600_000).toISOString() }, '/occurredAt'],
    ['an occurredAt without timezone', { occurredAt: '2026-01-01T00:00:00' }, '/occurredAt'],
    ['a bad ip', { ip: 'localhost' }, '/ip'],
    ['an oversize payload', { response: { blob: 'x'.repeat(5000) } }, '/response'],
    ['a number where a string belongs', { category: 42 }, '/category'],
    ['an object where a string belongs', { occurredAt: { $gt: '' } }, '/occurredAt'],
    ['a server-owned field', { seq: 1 }, '/seq'],
    ['the reserved access stream', { stream: 'access', category: 'audit_log', operation: 'list' }, '/stream'],
  ])('422 for %s', async (_label, overrides, field) => {
    const account = await h.account();
    const res = await h.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: eventInput(overrides),
    });
    expect(res.status).toBe(422);
    expect(problemOf(res).violations.map((v) => v.field)).toContain(field);
    expect(await count(account)).toBe(0);
  });

  it('413 BATCH_TOO_LARGE for 1001 events', async () => {
    const account = await h.account();
    const small = {
      category: 'billing',
      operation: 'update',
      actor: { type: 'system', id: 's' },
      status: 'success',
      occurredAt: new Date().toISOString(),
    };
    const res = await h.request('POST', '/v1/events', {
      key: account.ingestKey,
      body: { events: Array(1001).fill(small) },
    });
    expect(res.status).toBe(413);
    expect(problemOf(res).code).toBe('BATCH_TOO_LARGE');
    expect(await count(account)).toBe(0);
  });

  it('413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const raw = JSON.stringify({ events: [eventInput({ request: 'x'.repeat(17 * 1024 * 1024) })] });
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(problemOf(res).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['malformed JSON', 400, 'BODY_MALFORMED', '{"category": "billing",', 'application/json'],
    ['an empty JSON body', 400, 'BODY_MALFORMED', '', 'application/json'],
    ['a __proto__ key', 400, 'BODY_MALFORMED', '{"__proto__": {"admin": true}}', 'application/json'],
    ['text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE', 'hello', 'text/plain'],
    ['form data', 415, 'UNSUPPORTED_MEDIA_TYPE', 'a=b', 'application/x-www-form-urlencoded'],
  ])('%s → %i %s', async (_label, status, code, raw, type) => {
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      raw,
      headers: { 'content-type': type },
    });
    expect(res.status).toBe(status);
    expect(problemOf(res).code).toBe(code);
  });

  it('a body that is not an event object: an array, a string, null', async () => {
    for (const body of [[eventInput()], 'event', null]) {
      const res = await h.request('POST', '/v1/events', { key: acme.ingestKey, body });
      expect(res.status).toBe(422);
      expect(problemOf(res).violations[0]).toMatchObject({
        field: '/',
        rule: expect.stringContaining('JSON object'),
      });
    }
  });

  it('an over-long Idempotency-Key header', async () => {
    const res = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      body: eventInput(),
      headers: { 'idempotency-key': 'k'.repeat(201) },
    });
    expect(res.status).toBe(422);
    expect(problemOf(res).violations[0]?.field).toBe('header/idempotency-key');
  });
});
