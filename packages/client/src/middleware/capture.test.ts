import { describe, expect, it } from 'vitest';
import {
  buildEvent,
  type CaptureOptions,
  capturePayload,
  clientIp,
  defaultOperation,
  type Observed,
  proxyTrust,
  requestIdFrom,
} from './capture.ts';

describe('clientIp', () => {
  const none = proxyTrust(false);
  const loopback = proxyTrust(['127.0.0.1', '::1', '10.0.0.0/8']);

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientIp('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientIp('203.0.113.9', '198.51.100.1', loopback)).toBe('203.0.113.9');
    expect(clientIp('::ffff:127.0.0.1', '198.51.100.1', loopback)).toBe('198.51.100.1');
  });

  it('walks right to left past trusted hops, so a client cannot forge its address', () => {
    expect(clientIp('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3', loopback)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', ['6.6.6.6', '198.51.100.1'], loopback)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', '6.6.6.6, 198.51.100.1', proxyTrust(true))).toBe('6.6.6.6');
    expect(clientIp('127.0.0.1', 'garbage', loopback)).toBe('127.0.0.1');
    expect(clientIp('::1', '2001:db8::7', loopback)).toBe('2001:db8::7');
  });
});

describe('small helpers', () => {
  it('maps methods to operations', () => {
    expect(['POST', 'put', 'PATCH', 'DELETE'].map(defaultOperation)).toEqual([
      'create',
      'update',
      'update',
      'delete',
    ]);
  });

  it('keeps a sane X-Request-Id and replaces a missing or hostile one', () => {
    expect(requestIdFrom('req-42')).toBe('req-42');
    expect(requestIdFrom(['a', 'b'])).toBe('a');
    expect(requestIdFrom('bad id\n')).toMatch(/^[0-9A-Z]{26}$/);
    expect(requestIdFrom('x'.repeat(300))).toMatch(/^[0-9A-Z]{26}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('captures payloads without changing them, bounded in size', () => {
    expect(capturePayload('{"a":1}', 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(capturePayload(Buffer.from('{"a":1}'), undefined)).toEqual({ a: 1 });
    expect(capturePayload('plain words', 'text/plain')).toBe('plain words');
    expect(capturePayload(Buffer.from([1, 2, 3]), 'image/png')).toEqual({
      _binary: true,
      size: 3,
      contentType: 'image/png',
    });
    expect(capturePayload({ big: 'x'.repeat(100) }, undefined, 50)).toEqual({ _truncated: true, size: 110 });
    expect(capturePayload('x'.repeat(100), 'text/plain', 50)).toEqual({ _truncated: true, size: 100 });
    expect(capturePayload('', 'application/json')).toBeUndefined();
  });
});

describe('buildEvent', () => {
  const seen: Observed = {
    method: 'PATCH',
    route: '/v1/url-endpoints/:id',
    path: '/v1/url-endpoints/42',
    requestBody: { name: 'new' },
    responseBody: { id: '42' },
    statusCode: 422,
    ip: '198.51.100.1',
    userAgent: 'test-agent',
    requestId: 'req-1',
    params: { id: '42' },
    occurredAt: '2026-01-01T00:00:00.000Z',
  };
  const options: CaptureOptions<string> = {
    client: { publish: async () => {}, durable: false },
    actor: (req) => (req === 'anon' ? null : { type: 'user', id: req }),
  };

  it('assembles every field from what was observed and the route declaration', async () => {
    const event = await buildEvent('u_1', seen, { category: 'url_endpoints' }, options);
    expect(event).toEqual({
      stream: 'central',
      category: 'url_endpoints',
      operation: 'update',
      actor: { type: 'user', id: 'u_1' },
      target: { type: 'url_endpoints', id: '42' },
      api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/42' },
      request: { name: 'new' },
      response: { id: '42' },
      status: 'failure',
      httpStatus: 422,
      ip: '198.51.100.1',
      userAgent: 'test-agent',
      requestId: 'req-1',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('skips undeclared and skipped routes, and unknown actors when asked to', async () => {
    expect(await buildEvent('u_1', seen, undefined, options)).toBeNull();
    expect(await buildEvent('u_1', seen, { category: 'x', skip: true }, options)).toBeNull();
    expect(
      await buildEvent('anon', seen, { category: 'x' }, { ...options, anonymousActor: null }),
    ).toBeNull();
    const anonymous = await buildEvent('anon', seen, { category: 'x' }, options);
    expect(anonymous?.actor).toEqual({ type: 'system', id: 'anonymous' });
  });

  it('lets the route override operation, stream and target, and defaults fill the rest', async () => {
    const event = await buildEvent(
      'u_1',
      seen,
      {
        category: 'files',
        operation: 'rename',
        stream: 'media',
        target: (_req, body) => ({ type: 'file', id: String((body as { id: string }).id), path: '/a.jpg' }),
      },
      { ...options, defaults: () => ({ userAgent: 'overridden later' }) },
    );
    expect(event).toMatchObject({
      stream: 'media',
      operation: 'rename',
      target: { type: 'file', id: '42', path: '/a.jpg' },
      userAgent: 'test-agent',
    });
  });

  it("lets the host's defaults stamp the time, for replayed activity", async () => {
    const replayed = await buildEvent(
      'u_1',
      seen,
      { category: 'settings' },
      {
        ...options,
        defaults: () => ({ occurredAt: '2025-05-05T08:00:00.000Z' }),
      },
    );
    expect(replayed?.occurredAt).toBe('2025-05-05T08:00:00.000Z');
    const live = await buildEvent('u_1', seen, { category: 'settings' }, options);
    expect(live?.occurredAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
