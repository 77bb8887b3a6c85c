/**
 * The Express 5 middleware on a small host app, recording into a real Auditlog: routes declared by
 * template or in their own chain, nested routers, failures, proxies, and unchanged responses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlogClient,
  type AuditlogExpressOptions,
  auditlogExpress,
  auditRoute,
  type ClientLogger,
  createAuditlogClient,
} from '@auditlog/client';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auditlog, eventually, startAuditlog, unreachableUrl } from './auditlog.ts';

const quiet: ClientLogger = { warn: () => {}, error: () => {} };

let auditlog: Auditlog;
let client: AuditlogClient;
let dir: string;
const servers: Server[] = [];
const clients: AuditlogClient[] = [];

/** The host app; with `plugin`, the middleware is mounted after the body parser and before the routes. */
async function host(plugin?: Partial<AuditlogExpressOptions> & { client: AuditlogClient }): Promise<string> {
  const app = express();
  app.use(express.json());
  if (plugin) {
    app.use(
      auditlogExpress({
        actor: (req) => {
          const id = req.headers['x-user'];
          return typeof id === 'string' ? { type: 'user', id } : null;
        },
        routes: {
          'PATCH /v1/url-endpoints/:id': { category: 'url_endpoints' },
          'DELETE /v1/url-endpoints/:id': { category: 'url_endpoints' },
          'POST /v1/settings': { category: 'settings', operation: 'update' },
          'POST /v1/purge': { category: 'purge_cache' },
        },
        ...plugin,
      }),
    );
  }
  app.post('/v1/url-endpoints', auditRoute({ category: 'url_endpoints' }), (req, res) => {
    res.status(201).json({ id: 'ep_1', ...req.body });
  });
  const endpoints = express.Router();
  endpoints.patch('/:id', (req, res) => {
    res.json({ id: req.params.id, updated: true });
  });
  endpoints.delete('/:id', (_req, res) => {
    res.status(204).end();
  });
  app.use('/v1/url-endpoints', endpoints);
  app.post('/v1/settings', (_req, res) => {
    res.status(422).send({ error: 'name must not be empty' });
  });
  app.post('/v1/purge', async () => {
    throw new Error('purge backend down');
  });
  app.get('/v1/url-endpoints', (_req, res) => {
    res.json([{ id: 'ep_1' }]);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  const headers: Record<string, string> = { 'x-user': 'u_bob', ...init.headers };
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
  dir = mkdtempSync(join(tmpdir(), 'capture-express-'));
  client = createAuditlogClient({ url: auditlog.url, apiKey: auditlog.apiKey, lingerMs: 5, logger: quiet });
  clients.push(client);
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await Promise.all(clients.map((c) => c.close({ timeoutMs: 200 })));
  await auditlog?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Express middleware → Auditlog', () => {
  it('records a create declared in the route chain, redacted, with IP and request id', async () => {
    const base = await host({ client });
    const res = await send(base, 'POST', '/v1/url-endpoints', {
      body: { name: 'Main', client_secret: 'abc123' },
      headers: { 'x-request-id': 'ex-create' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('ex-create');
    expect(await stored('ex-create')).toMatchObject({
      category: 'url_endpoints',
      operation: 'create',
      actor: { type: 'user', id: 'u_bob' },
      api: { method: 'POST', route: '/v1/url-endpoints', path: '/v1/url-endpoints' },
      request: { name: 'Main', client_secret: '[REDACTED]' },
      response: { id: 'ep_1', name: 'Main', client_secret: '[REDACTED]' },
      status: 'success',
      httpStatus: 201,
      ip: '127.0.0.1',
    });
  });

  it('reads the full template of a nested router and the declared routes map', async () => {
    const base = await host({ client });
    await send(base, 'PATCH', '/v1/url-endpoints/42?x=1', {
      body: { name: 'New' },
      headers: { 'x-request-id': 'ex-patch' },
    });
    await send(base, 'DELETE', '/v1/url-endpoints/43', { headers: { 'x-request-id': 'ex-delete' } });
    expect(await stored('ex-patch')).toMatchObject({
      operation: 'update',
      api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/42' },
      target: { type: 'url_endpoints', id: '42' },
      response: { id: '42', updated: true },
    });
    expect(await stored('ex-delete')).toMatchObject({
      operation: 'delete',
      httpStatus: 204,
      target: { id: '43' },
    });
  });

  it('records failures: a 422 answer and a thrown error (500)', async () => {
    const base = await host({ client });
    expect(
      (await send(base, 'POST', '/v1/settings', { body: {}, headers: { 'x-request-id': 'ex-422' } })).status,
    ).toBe(422);
    expect(
      (await send(base, 'POST', '/v1/purge', { body: {}, headers: { 'x-request-id': 'ex-500' } })).status,
    ).toBe(500);
    expect(await stored('ex-422')).toMatchObject({
      category: 'settings',
      operation: 'update',
      status: 'failure',
      httpStatus: 422,
      response: { error: 'name must not be empty' },
    });
    expect(await stored('ex-500')).toMatchObject({
      category: 'purge_cache',
      status: 'failure',
      httpStatus: 500,
    });
  });

  it('honours X-Forwarded-For only from trusted proxies', async () => {
    const trusting = await host({ client, trustProxy: ['127.0.0.1/32', '::1'] });
    const plain = await host({ client });
    const xff = { 'x-forwarded-for': '198.51.100.9' };
    await send(trusting, 'PATCH', '/v1/url-endpoints/1', {
      body: {},
      headers: { ...xff, 'x-request-id': 'ex-trusted' },
    });
    await send(plain, 'PATCH', '/v1/url-endpoints/1', {
      body: {},
      headers: { ...xff, 'x-request-id': 'ex-untrusted' },
    });
    expect((await stored('ex-trusted')).ip).toBe('198.51.100.9');
    expect((await stored('ex-untrusted')).ip).toBe('127.0.0.1');
  });

  it('leaves responses byte-identical (only X-Request-Id is added)', async () => {
    const without = await host();
    const withMiddleware = await host({ client });
    const calls: [string, string, unknown?][] = [
      ['POST', '/v1/url-endpoints', { name: 'x' }],
      ['PATCH', '/v1/url-endpoints/5', { name: 'y' }],
      ['DELETE', '/v1/url-endpoints/5'],
      ['POST', '/v1/settings', {}],
      ['GET', '/v1/url-endpoints'],
    ];
    for (const [method, path, body] of calls) {
      const a = await send(without, method, path, { body });
      const b = await send(withMiddleware, method, path, { body });
      expect([b.status, b.body, b.headers.get('content-type'), b.headers.get('etag')]).toEqual([
        a.status,
        a.body,
        a.headers.get('content-type'),
        a.headers.get('etag'),
      ]);
    }
  });

  it('keeps answering normally when Auditlog is unreachable; durable mode writes before responding', async () => {
    const down = await unreachableUrl();
    const durable = createAuditlogClient({
      url: down,
      apiKey: 'alk_x',
      outbox: { path: join(dir, 'down.db') },
      logger: quiet,
    });
    clients.push(durable);
    const base = await host({ client: durable });
    const res = await send(base, 'PATCH', '/v1/url-endpoints/1', { body: { name: 'z' } });
    expect([res.status, res.body]).toEqual([200, '{"id":"1","updated":true}']);
    expect(durable.stats().queued).toBe(1);
  });

  it('in durable mode, holds res.json until the event is in the outbox', async () => {
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
    expect((await response).body).toBe('{"id":"1","updated":true}');
    expect(durable.stats().queued).toBe(1);
  });
});
