import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, type TestAccount } from '../../../../test/http/harness.ts';
import { DEFAULT_CATALOG, operationsOf } from '../../../events/catalog.ts';

let h: Harness;
let acme: TestAccount;

beforeAll(async () => {
  h = await startHarness();
  acme = await h.account();
});
afterAll(async () => {
  await h.close();
});

describe('GET /v1/catalog', () => {
  it("returns labels, categories and each stream's sorted operations", async () => {
    const res = await h.request('GET', '/v1/catalog', { key: acme.readKey });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(['access', 'central', 'media']);
    expect(res.body.data.central.label).toBe('Dashboard');
    expect(res.body.data.central.categories.url_endpoints).toEqual({
      label: 'URL endpoints',
      operations: ['create', 'update', 'delete'],
    });
    expect(res.body.data.media.operations).toEqual(operationsOf(DEFAULT_CATALOG, 'media'));
    expect(res.body.data.media.operations).toEqual([...res.body.data.media.operations].sort());
  });
});
