/**
 * The Fastify plugin on a small host app, recording into a real Auditlog: what each kind of request
 * becomes, failures included, with the host's responses unchanged and the host unaffected when
 * Auditlog is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlogClient,
  type AuditlogFastifyOptions,
  auditlogFastify,
  type ClientLogger,
  createAuditlogClient,
  type FastifyAuditRouteConfig,
} from '@auditlog/client';
import Fastify, { type FastifyContextConfig, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auditlog, eventually, startAuditlog, unreachableUrl } from './auditlog.ts';

const quiet: ClientLogger = { warn: () => {}, error: () => {} };
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

let auditlog: Auditlog;
let client: AuditlogClient;
let dir: string;
const hosts: FastifyInstance[] = [];
const clients: AuditlogClient[] = [];

// The route declaration, typed by the plugin (a host may declare FastifyContextConfig itself).
const audited = (audit: FastifyAuditRouteConfig) => ({ audit }) as unknown as FastifyContextConfig;

/** The host: an ImageKit-like control plane with a few audited routes and one unaudited. */
async function host(plugin?: Partial<AuditlogFastifyOptions> & { client: AuditlogClient }): Promise<string> {
  const app = Fastify();
  hosts.push(app);
  if (plugin) {
    await app.register(auditlogFastify, {
      actor: (req) => {
        const id = req.headers['x-user'];
        return typeof id === 'string' ? { type: 'user', id, email: `${id}@example.com` } : null;
      },
      ...plugin,
    });
  }
  app.post('/v1/url-endpoints', { config: audited({ category: 'url_endpoints' }) }, async (req, reply) =>
    reply.code(201).send({ id: 'ep_1', ...(req.body as object) }),
  );
  app.patch('/v1/url-endpoints/:id', { config: audited({ category: 'url_endpoints' }) }, async (req) => ({
    id: (req.params as { id: string }).id,
    updated: true,
  }));
  app.delete(
    '/v1/url-endpoints/:id',
    { config: audited({ category: 'url_endpoints' }) },
    async (_req, reply) => reply.code(204).send(),
  );
  app.post(
    '/v1/settings',
    { config: audited({ category: 'settings', operation: 'update' }) },
    async (_req, reply) => reply.code(422).send({ error: 'name must not be empty' }),
  );
  app.post('/v1/purge', { config: audited({ category: 'purge_cache' }) }, async () => {
    throw new Error('purge backend down');
  });
  app.get('/v1/url-endpoints', async () => [{ id: 'ep_1' }]);
  app.post('/v1/ping', async () => ({ pong: true }));
  return app.listen({ host: '127.0.0.1', port: 0 });
}

interface Sent {
  status: number;
  headers: Headers;
  body: string;
}

async function send(
  base: string,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const headers: Record<string, string> = {
    'x-user': 'u_ann',
    'user-agent': 'capture-test/1',
    ...init.headers,
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const stored = (requestId: string) =>
  eventually(async () => {
    const [event] = await auditlog.byRequestId(requestId);
    return event;
  });

beforeAll(async () => {
  auditlog = await startAuditlog();
  dir = mkdtempSync(join(tmpdir(), 'capture-fastify-'));
  client = createAuditlogClient({ url: auditlog.url, apiKey: auditlog.apiKey, lingerMs: 5, logger: quiet });
  clients.push(client);
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await Promise.all(clients.map((c) => c.close({ timeoutMs: 200 })));
  await auditlog?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Fastify plugin → Auditlog', () => {
  it('records a create with actor, route, redacted payloads, status, IP and the caller’s request id', async () => {
    const base = await host({ client });
    const res = await send(base, 'POST', '/v1/url-endpoints?draft=1', {
      body: {
        name: 'Main',
        origin: 'https://cdn.example.com',
        apiKey: SECRET,
        auth: { password: 'hunter2' },
      },
      headers: { 'x-request-id': 'fy-create-1' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('fy-create-1');
    const event = await stored('fy-create-1');
    expect(event).toMatchObject({
      stream: 'central',
      category: 'url_endpoints',
      operation: 'create',
      actor: { type: 'user', id: 'u_ann', email: 'u_ann@example.com' },
      api: { method: 'POST', route: '/v1/url-endpoints', path: '/v1/url-endpoints' },
      request: {
        name: 'Main',
        origin: 'https://cdn.example.com',
        apiKey: '[REDACTED]',
        auth: { password: '[REDACTED]' },
      },
      response: { id: 'ep_1', name: 'Main', apiKey: '[REDACTED]' },
      status: 'success',
      httpStatus: 201,
      ip: '127.0.0.1',
      userAgent: 'capture-test/1',
    });
    expect(JSON.stringify(event)).not.toMatch(/hunter2|sk_live_/);
  });

  it('records update and delete with the route template, the concrete path and the target', async () => {
    const base = await host({ client });
    await send(base, 'PATCH', '/v1/url-endpoints/42', {
      body: { name: 'New' },
      headers: { 'x-request-id': 'fy-patch' },
    });
    const deleted = await send(base, 'DELETE', '/v1/url-endpoints/43', {
      headers: { 'x-request-id': 'fy-delete' },
    });
    expect(deleted.status).toBe(204);
    expect(await stored('fy-patch')).toMatchObject({
      operation: 'update',
      api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/42' },
      target: { type: 'url_endpoints', id: '42' },
      response: { id: '42', updated: true },
      httpStatus: 200,
    });
    const del = await stored('fy-delete');
    expect(del).toMatchObject({
      operation: 'delete',
      target: { id: '43' },
      httpStatus: 204,
      status: 'success',
    });
    expect(del.response).toBeNull();
  });

  it('records failures: a 422 answer and a thrown error (500)', async () => {
    const base = await host({ client });
    expect(
      (
        await send(base, 'POST', '/v1/settings', {
          body: { name: '' },
          headers: { 'x-request-id': 'fy-422' },
        })
      ).status,
    ).toBe(422);
    expect(
      (await send(base, 'POST', '/v1/purge', { body: {}, headers: { 'x-request-id': 'fy-500' } })).status,
    ).toBe(500);
    expect(await stored('fy-422')).toMatchObject({
      category: 'settings',
      operation: 'update',
      status: 'failure',
      httpStatus: 422,
      response: { error: 'name must not be empty' },
    });
    expect(await stored('fy-500')).toMatchObject({
      category: 'purge_cache',
      status: 'failure',
      httpStatus: 500,
      response: { message: 'purge backend down' },
    });
  });

  it('generates a request id when the caller sends none, and returns it', async () => {
    const base = await host({ client });
    const res = await send(base, 'PATCH', '/v1/url-endpoints/7', { body: { a: 1 } });
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    expect((await stored(id)).api?.path).toBe('/v1/url-endpoints/7');
  });

  it('honours X-Forwarded-For only from trusted proxies', async () => {
    const trusting = await host({ client, trustProxy: ['127.0.0.1', '::1'] });
    const plain = await host({ client });
    const xff = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' };
    await send(trusting, 'PATCH', '/v1/url-endpoints/1', {
      body: {},
      headers: { ...xff, 'x-request-id': 'fy-trusted' },
    });
    await send(plain, 'PATCH', '/v1/url-endpoints/1', {
      body: {},
      headers: { ...xff, 'x-request-id': 'fy-untrusted' },
    });
    expect((await stored('fy-trusted')).ip).toBe('198.51.100.7');
    expect((await stored('fy-untrusted')).ip).toBe('127.0.0.1');
  });

  it('records neither reads nor undeclared routes, and truncates large bodies', async () => {
    const base = await host({ client, maxBodyBytes: 256 });
    await send(base, 'GET', '/v1/url-endpoints', { headers: { 'x-request-id': 'fy-get' } });
    await send(base, 'POST', '/v1/ping', { body: {}, headers: { 'x-request-id': 'fy-ping' } });
    await send(base, 'PATCH', '/v1/url-endpoints/9', {
      body: { blob: 'x'.repeat(1000) },
      headers: { 'x-request-id': 'fy-big' },
    });
    expect((await stored('fy-big')).request).toEqual({ _truncated: true, size: 1011 });
    await client.flush();
    expect(await auditlog.byRequestId('fy-get')).toEqual([]);
    expect(await auditlog.byRequestId('fy-ping')).toEqual([]);
  });

  it('leaves responses byte-identical (only X-Request-Id is added)', async () => {
    const without = await host();
    const withPlugin = await host({ client });
    const calls: [string, string, unknown?][] = [
      ['POST', '/v1/url-endpoints', { name: 'x', password: 'p' }],
      ['PATCH', '/v1/url-endpoints/5', { name: 'y' }],
      ['DELETE', '/v1/url-endpoints/5'],
      ['POST', '/v1/settings', { name: '' }],
      ['POST', '/v1/purge', {}],
      ['GET', '/v1/url-endpoints'],
    ];
    for (const [method, path, body] of calls) {
      const headers = { 'x-request-id': `fy-same-${method}-${path}` };
      const a = await send(without, method, path, { body, headers });
      const b = await send(withPlugin, method, path, { body, headers });
      expect([b.status, b.body, b.headers.get('content-type'), b.headers.get('content-length')]).toEqual([
        a.status,
        a.body,
        a.headers.get('content-type'),
        a.headers.get('content-length'),
      ]);
    }
  });

  it('keeps answering normally when Auditlog is unreachable, holding the events in the outbox', async () => {
    const down = await unreachableUrl();
    const memory = createAuditlogClient({ url: down, apiKey: 'alk_x', logger: quiet });
    const durable = createAuditlogClient({
      url: down,
      apiKey: 'alk_x',
      outbox: { path: join(dir, 'down.db') },
      logger: quiet,
    });
    clients.push(memory, durable);
    for (const c of [memory, durable]) {
      const base = await host({ client: c });
      const res = await send(base, 'PATCH', '/v1/url-endpoints/1', { body: { name: 'z' } });
      expect([res.status, res.body]).toEqual([200, '{"id":"1","updated":true}']);
    }
    // Durable: the event was written to the outbox before the response left (onSend).
    expect(durable.stats().queued).toBe(1);
  });

  it('in durable mode, holds the response until the event is in the outbox', async () => {
    const durable = createAuditlogClient({
      url: await unreachableUrl(),
      apiKey: 'alk_x',
      outbox: { path: join(dir, 'gate.db') },
      logger: quiet,
    });
    clients.push(durable);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let called: () => void = () => {};
    const actorCalled = new Promise<void>((resolve) => {
      called = resolve;
    });
    const base = await host({
      client: durable,
      actor: async () => {
        called();
        await gate;
        return { type: 'user', id: 'u_gated' };
      },
    });
    let answered = false;
    const response = send(base, 'PATCH', '/v1/url-endpoints/1', { body: {} }).then((res) => {
      answered = true;
      return res;
    });
    await actorCalled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    open();
    expect((await response).status).toBe(200);
    expect(durable.stats().queued).toBe(1);
  });
});
