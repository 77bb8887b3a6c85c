import { afterEach, describe, expect, it } from 'vitest';
import { runDayInTheLife } from '../src/day-in-the-life.ts';
import { startTestDashboard, type TestDashboard } from './helpers.ts';

describe('runDayInTheLife (unaudited dashboard)', () => {
  let dash: TestDashboard | undefined;
  afterEach(async () => {
    await dash?.dispose();
    dash = undefined;
  });

  it('plays every scripted step with the status the script expects and leaves the expected state', async () => {
    dash = await startTestDashboard();
    const summary = await runDayInTheLife(dash.url, { seed: 1 });
    expect(summary.requests).toBeGreaterThanOrEqual(60);
    expect(summary.requests).toBeLessThanOrEqual(120);
    expect(summary.failures).toBeGreaterThanOrEqual(15);
    expect(summary.writes).toBeLessThan(summary.requests);

    const endpoints = (await dash.call('usr_erin', 'GET', '/v1/url-endpoints')).body.endpoints;
    const products = endpoints.find((e: { urlPrefix: string }) => e.urlPrefix === 'products');
    expect(products.settings.signedUrls).toBe(true);
    expect(endpoints.map((e: { urlPrefix: string }) => e.urlPrefix).sort()).toEqual(['', 'products']);

    const billing = (await dash.call('usr_erin', 'GET', '/v1/billing')).body;
    expect(billing).toMatchObject({ cardLast4: '4242', cardBrand: 'visa', vatId: 'DE123456789' });
    expect(JSON.stringify(billing)).not.toContain('4242424242424242');

    const files = (await dash.call('usr_erin', 'GET', '/v1/media/files')).body.files;
    const paths = files.map((f: { path: string }) => f.path);
    expect(paths).toContain('/products/shoes/navy.jpg');
    expect(paths).toContain('/products/accessories/tote.png');
    expect(paths).not.toContain('/marketing/banners/winter.jpg');
  });

  it('replays the same day for the same seed and a different one for another seed', async () => {
    const play = async (seed: number) => {
      await dash?.dispose();
      dash = await startTestDashboard();
      const summary = await runDayInTheLife(dash.url, { seed });
      const files = (await dash.call('usr_erin', 'GET', '/v1/media/files')).body.files;
      return { summary, paths: files.map((f: { path: string }) => f.path) };
    };
    const first = await play(42);
    const again = await play(42);
    const other = await play(43);
    expect(again).toEqual(first);
    expect(other.paths).not.toEqual(first.paths);
  });
});
