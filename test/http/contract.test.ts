/**
 * The HTTP contract as a whole: the OpenAPI document, unknown routes and URLs, security headers,
 * and a failing store that must not leak a stack. (Each API area's own test sits beside it in
 * src/server/routes/<area>/.)
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, problemOf, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('GET /openapi.json', () => {
  it('lists every route with its methods, and the event schemas', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'GET /v1/actors',
        'GET /v1/catalog',
        'GET /v1/events',
        'GET /v1/events/export',
        'GET /v1/events/{id}',
        'POST /v1/events',
        'GET /v1/me',
        'GET /v1/account',
        'PATCH /v1/account',
        'GET /v1/members',
        'GET /v1/members/{id}',
        'PUT /v1/members/{id}',
        'DELETE /v1/members/{id}',
        'POST /v1/viewer-tokens',
      ].sort(),
    );
    expect(Object.keys(doc.components.schemas.EventInput.properties)).toEqual(
      expect.arrayContaining(['category', 'operation', 'actor', 'occurredAt', 'idempotencyKey']),
    );
    const post = doc.paths['/v1/events'].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '413', '415', '422']));
    expect(post.responses['422'].content['application/problem+json']).toBeDefined();
    const list = doc.paths['/v1/events'].get;
    const params = list.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['stream', 'actor', 'cursor', 'limit', 'q']));
    const stream = list.parameters.find((p: { name: string }) => p.name === 'stream');
    expect(JSON.stringify(stream)).toContain('default');
  });
});

describe('the rest of the contract', () => {
  it('an unknown route is a problem+json 404 NOT_FOUND', async () => {
    const res = await h.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toMatchObject({
      code: 'NOT_FOUND',
      type: 'https://auditlog.dev/problems/not-found',
      instance: '/v1/nothing-here',
    });
  });

  it('a malformed URL is a problem+json 400', async () => {
    const res = await h.request('GET', '/v1/events/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(problemOf(res).code).toBe('BAD_REQUEST');
  });

  it('responses carry security headers', async () => {
    const res = await h.request('GET', '/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Plain HTTP service: nothing may force browsers onto https.
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('when the store fails', () => {
  it('answers 503 on /healthz and a 500 INTERNAL without a stack elsewhere', async () => {
    const own = await startHarness();
    const account = await own.account();
    await own.store.close();
    try {
      const health = await own.request('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(problemOf(health).code).toBe('STORE_UNAVAILABLE');
      const list = await own.request('GET', '/v1/events', { key: account.readKey });
      expect(list.status).toBeGreaterThanOrEqual(500);
      const problem = problemOf(list);
      expect(['INTERNAL', 'STORE_UNAVAILABLE']).toContain(problem.code);
      expect(list.text).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await own.app.close();
      await rm(own.dir, { recursive: true, force: true });
    }
  });
});
