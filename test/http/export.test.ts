/**
 * GET /v1/events/export over real HTTP, on both engines: NDJSON in seq order with a chain that
 * verifies, resume and filters, the same credentials and roles as the list, the viewer's export
 * recorded in the access stream before the first byte, tenant isolation, a 20k-event export, and a
 * response that ends visibly broken when the store fails midway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stream } from '../../src/events/catalog.ts';
import type { AuditEvent } from '../../src/events/schema.ts';
import { pageEvents } from '../../src/store/conformance/export.ts';
import { expectIntactChain } from '../../src/store/conformance/helpers.ts';
import { isoPlus, makePendingEvent } from '../../src/store/conformance-fixtures.ts';
import type { Store } from '../../src/store/types.ts';
import { type AccessServer, problem, type Reply, startAccessServer } from '../access/server.ts';
import { ENGINES, makeAccount, type OpenedStore, openSqliteStore } from '../access/support.ts';

const BASE = new Date(Date.now() - 2 * 86_400_000).toISOString();
const STREAM_CYCLE: Stream[] = ['central', 'media', 'central', 'access'];

/** `count` events cycling through the streams, one minute apart, with payloads. */
function pendingEvents(count: number, offset = 0) {
  return Array.from({ length: count }, (_, i) =>
    makePendingEvent({
      stream: STREAM_CYCLE[(offset + i) % STREAM_CYCLE.length]!,
      occurredAt: isoPlus(BASE, (offset + i) * 60_000),
      request: { index: offset + i, text: 'x'.repeat((offset + i) % 300) },
    }),
  );
}

/** Appends `count` events in batches of 1000; returns their ids in seq order. */
async function append(store: Store, accountId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += 1000) {
    const events = pendingEvents(Math.min(1000, count - done), done);
    const [outcome] = await store.events.appendBatches([{ accountId, events }]);
    if (!outcome?.ok) throw new Error(`append failed: ${outcome?.error.message}`);
    ids.push(...events.map((e) => e.id));
  }
  return ids;
}

function lines(res: Reply): AuditEvent[] {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
  if (res.text === '') return [];
  expect(res.text.endsWith('\n')).toBe(true);
  return res.text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as AuditEvent);
}

describe.each(ENGINES)('GET /v1/events/export on %s', (_engine, open) => {
  let opened: OpenedStore;
  let server: AccessServer;
  let acc: { id: string; read: string; admin: string; ingest: string };
  let stored: AuditEvent[];

  const exportAs = (auth: string, query = '') =>
    server.request('GET', `/v1/events/export${query}`, { auth: `Bearer ${auth}` });
  const viewer = async (memberId: string, role: 'owner' | 'auditor' | 'developer') => {
    await server.member(acc.id, memberId, role);
    return server.token(acc.admin, memberId);
  };

  beforeAll(async () => {
    opened = await open();
    server = await startAccessServer(opened);
    const { id } = await makeAccount(opened.store);
    acc = {
      id,
      read: await server.key(id, ['read']),
      admin: await server.key(id, ['admin']),
      ingest: await server.key(id, ['ingest']),
    };
    // A neighbour whose appends sit between ours, in the same tables and seq ranges.
    const { id: neighbour } = await makeAccount(opened.store);
    const ids = await append(opened.store, id, 20);
    await append(opened.store, neighbour, 20);
    ids.push(...(await append(opened.store, id, 20)));
    stored = await Promise.all(ids.map(async (e) => (await opened.store.events.get(id, e))!));
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
  });

  it('streams every event whole, in seq order, with a chain that verifies and the head seq', async () => {
    const res = await exportAs(acc.read);
    expect(res.headers.get('auditlog-head-seq')).toBe('40');
    expect(res.headers.get('content-disposition')).toContain('.ndjson');
    const events = lines(res);
    expect(events).toEqual(stored);
    expectIntactChain(events);
  });

  it('resumes after a seq and applies the stream and time filters', async () => {
    expect(lines(await exportAs(acc.read, '?after_seq=33'))).toEqual(stored.slice(33));
    const media = lines(await exportAs(acc.read, '?stream=media&after_seq=5'));
    expect(media).toEqual(stored.filter((e) => e.stream === 'media' && e.seq > 5));
    const from = isoPlus(BASE, 3 * 60_000);
    const to = isoPlus(BASE, 10 * 60_000);
    const ranged = lines(await exportAs(acc.read, `?stream=central,access&from=${from}&to=${to}`));
    expect(ranged).toEqual(
      stored.filter((e) => e.stream !== 'media' && e.occurredAt >= from && e.occurredAt < to),
    );
    expect(lines(await exportAs(acc.read, '?after_seq=40'))).toEqual([]);
  });

  it('refuses bad parameters with a problem naming each of them', async () => {
    const res = await exportAs(acc.read, '?stream=secret&after_seq=-1&limit=5');
    expect(res.status).toBe(400);
    expect(
      problem(res).code === 'QUERY_INVALID' && res.body.violations.map((v: { field: string }) => v.field),
    ).toEqual(['query/limit', 'query/stream', 'query/after_seq']);
    const head = await fetch(`${server.url}/v1/events/export`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${acc.read}` },
    });
    expect(head.status).not.toBe(200);
  });

  it('authenticates like the list: read keys and viewers allowed to read, nobody else', async () => {
    const anonymous = await server.request('GET', '/v1/events/export');
    expect([anonymous.status, problem(anonymous).code]).toEqual([401, 'UNAUTHENTICATED']);
    const ingest = await exportAs(acc.ingest);
    expect([ingest.status, problem(ingest).code]).toEqual([403, 'FORBIDDEN']);
    const developer = await exportAs(await viewer('u_dev', 'developer'));
    expect([developer.status, problem(developer).code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const auditor = await viewer('u_aud', 'auditor');
    const access = await exportAs(auditor, '?stream=access');
    expect([access.status, problem(access).code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const { id: disabled } = await makeAccount(opened.store, { auditLogsEnabled: false });
    const gated = await exportAs(await server.key(disabled, ['read']));
    expect([gated.status, problem(gated).code]).toEqual([403, 'FEATURE_NOT_ENABLED']);
  });

  it('gives a viewer only the streams their role reads, and records the export before sending it', async () => {
    const token = await viewer('u_aud2', 'auditor');
    const response = await fetch(`${server.url}/v1/events/export`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const headSeq = Number(response.headers.get('auditlog-head-seq'));
    // The headers are here but the body is not read yet: the record must already be in the store.
    const after = await opened.store.events.exportPage(acc.id, {
      afterSeq: headSeq,
      throughSeq: headSeq + 100,
      limit: 100,
      streams: ['access'],
    });
    const record = pageEvents(after).find((e) => e.operation === 'export' && e.actor.id === 'u_aud2');
    expect(record).toMatchObject({
      stream: 'access',
      category: 'audit_log',
      api: { method: 'GET', route: '/v1/events/export' },
      request: { streams: ['central', 'media'], afterSeq: 0, role: 'auditor' },
      response: { throughSeq: headSeq },
      status: 'success',
    });
    const events = lines({
      status: response.status,
      headers: response.headers,
      body: null,
      text: await response.text(),
    });
    expect(events.every((e) => e.stream !== 'access' && e.seq <= headSeq)).toBe(true);
    expect(events).toEqual(stored.filter((e) => e.stream !== 'access'));
  });

  it('records a refused export, and does not record an export of the access stream alone', async () => {
    const before = (await opened.store.events.head(acc.id)).seq;
    const owner = await viewer('u_own', 'owner');
    const access = lines(await exportAs(owner, '?stream=access'));
    expect(access.every((e) => e.stream === 'access')).toBe(true);
    expect((await opened.store.events.head(acc.id)).seq).toBe(before);
    await exportAs(await viewer('u_dev2', 'developer'));
    const page = await opened.store.events.exportPage(acc.id, {
      afterSeq: before,
      throughSeq: before + 10,
      limit: 10,
    });
    expect(pageEvents(page).map((e) => [e.operation, e.actor.id, e.status])).toEqual([
      ['export', 'u_dev2', 'failure'],
    ]);
  });

  it("never includes another account's events", async () => {
    const { id: other } = await makeAccount(opened.store);
    await append(opened.store, other, 3);
    const theirs = lines(await exportAs(await server.key(other, ['read'])));
    expect(theirs.map((e) => [e.accountId, e.seq])).toEqual([
      [other, 1],
      [other, 2],
      [other, 3],
    ]);
    const ours = lines(await exportAs(acc.read));
    expect(ours.every((e) => e.accountId === acc.id)).toBe(true);
  });

  it('streams a 20k-event account to the end without error', async () => {
    const { id: big } = await makeAccount(opened.store);
    await append(opened.store, big, 20_000);
    const response = await fetch(`${server.url}/v1/events/export?stream=central,media,access`, {
      headers: { authorization: `Bearer ${await server.key(big, ['read'])}` },
    });
    expect(response.headers.get('auditlog-head-seq')).toBe('20000');
    let count = 0;
    let last = 0;
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        const seq = (JSON.parse(line) as AuditEvent).seq;
        expect(seq).toBe(last + 1);
        last = seq;
        count++;
      }
    }
    expect([count, last, rest]).toEqual([20_000, 20_000, '']);
  });
});

describe('GET /v1/events/export when the store fails midway', () => {
  let opened: OpenedStore;
  let server: AccessServer;

  beforeAll(async () => {
    const real = await openSqliteStore();
    // The real store, except that every page after the first fails: the disk went away mid-export.
    const events = {
      ...real.store.events,
      exportPage: async (...args: Parameters<Store['events']['exportPage']>) => {
        if (args[1].afterSeq > 0) throw new Error('disk I/O error');
        return real.store.events.exportPage(...args);
      },
    };
    opened = { store: { ...real.store, events }, close: real.close };
    server = await startAccessServer(opened);
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
  });

  it('cuts the response instead of ending it cleanly', async () => {
    const { id } = await makeAccount(opened.store);
    await append(opened.store, id, 2500);
    const response = await fetch(`${server.url}/v1/events/export`, {
      headers: { authorization: `Bearer ${await server.key(id, ['read'])}` },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    // The failure broke that response only: an export that fits in one page still completes.
    const { id: small } = await makeAccount(opened.store);
    await append(opened.store, small, 5);
    const ok = await server.request('GET', '/v1/events/export', {
      auth: `Bearer ${await server.key(small, ['read'])}`,
    });
    expect([ok.status, ok.text.split('\n').length]).toEqual([200, 6]);
  });
});
