import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, type Harness, startHarness, type TestAccount } from '../../../../test/http/harness.ts';

let h: Harness;
let acme: TestAccount;

beforeAll(async () => {
  h = await startHarness();
  acme = await h.account();
});
afterAll(async () => {
  await h.close();
});

// The full contract of this area is proven in test/http/ingest.test.ts and query.test.ts; this is
// the round trip through all three routes.
describe('/v1/events', () => {
  it('records an event, lists it, and returns it whole', async () => {
    const posted = await h.request('POST', '/v1/events', {
      key: acme.ingestKey,
      body: eventInput({ request: { a: 1 } }),
    });
    expect(posted.status).toBe(201);
    const [{ id, seq }] = posted.body.data;
    const list = await h.request('GET', '/v1/events', { key: acme.readKey });
    expect(list.body).toEqual({ data: [expect.objectContaining({ id, seq })], next_cursor: null });
    expect(list.body.data[0].request).toBeUndefined();
    const one = await h.request('GET', `/v1/events/${id}`, { key: acme.readKey });
    expect(one.body.data).toMatchObject({ id, seq, request: { a: 1 }, accountId: acme.id });
  });
});
