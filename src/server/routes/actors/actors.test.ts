import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventInput,
  type Harness,
  problemOf,
  startHarness,
  type TestAccount,
} from '../../../../test/http/harness.ts';

let h: Harness;
let acme: TestAccount;

beforeAll(async () => {
  h = await startHarness();
  acme = await h.account();
  const events = [
    eventInput({ actor: { type: 'user', id: 'u_b', email: 'old@example.com' } }),
    eventInput({ actor: { type: 'user', id: 'u_a' } }),
    eventInput({ actor: { type: 'user', id: 'u_b', email: 'new@example.com' } }),
    eventInput({
      stream: 'media',
      category: 'files',
      operation: 'upload',
      actor: { type: 'api_key', id: 'k_media' },
    }),
  ];
  const res = await h.request('POST', '/v1/events', { key: acme.ingestKey, body: { events } });
  expect(res.status, res.text).toBe(201);
});
afterAll(async () => {
  await h.close();
});

describe('GET /v1/actors', () => {
  it('lists distinct actors of the central stream by default, sorted by id', async () => {
    const res = await h.request('GET', '/v1/actors', { key: acme.readKey });
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual(['u_a', 'u_b']);
  });

  it('lists the actors of another stream', async () => {
    const res = await h.request('GET', '/v1/actors?stream=media', { key: acme.readKey });
    expect(res.body.data).toEqual([{ type: 'api_key', id: 'k_media' }]);
  });

  it('refuses unknown parameters and streams with QUERY_INVALID', async () => {
    const badStream = await h.request('GET', '/v1/actors?stream=nope', { key: acme.readKey });
    expect(badStream.status).toBe(400);
    expect(problemOf(badStream).violations).toEqual([
      { field: 'query/stream', rule: expect.stringContaining('central') },
    ]);
    const unknown = await h.request('GET', '/v1/actors?who=me', { key: acme.readKey });
    expect(problemOf(unknown).violations[0]?.field).toBe('query/who');
  });
});
