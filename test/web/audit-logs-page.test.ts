/**
 * The Audit Logs page in real Chromium against a real server: sign-in from a viewer link, the
 * table, every filter alone and combined, keyset "Load more", URL restore, the details panel and
 * its deep link, keyboard use, the Media Library's asset filters and history, every non-table
 * state, and a phone-sized screen. Screenshots go to test-artifacts/screenshots/.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), which we want (rendered text)
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/events/schema.ts';
import {
  buildPage,
  countText,
  expectRows,
  localInput,
  newPage,
  openSignedIn,
  pick,
  shoot,
  shownIds,
  startWorld,
  type World,
} from './harness.ts';
import { ALICE, BOB, CI_KEY, expectedIds, postEvents, SHOE, slot } from './seed.ts';

let world: World;
const central = (keep: (e: EventInput) => boolean = () => true) =>
  expectedIds(world.events, (e) => e.stream === 'central' && keep(e));
const media = (keep: (e: EventInput) => boolean = () => true) =>
  expectedIds(world.events, (e) => e.stream === 'media' && keep(e));
const submit = (page: import('playwright-core').Page) => page.getByRole('button', { name: 'Submit' }).click();

beforeAll(async () => {
  await buildPage();
  world = await startWorld();
}, 90_000);

afterAll(async () => {
  await world?.close();
});

afterEach(() => {
  expect(world.pageErrors).toEqual([]);
});

describe('the Audit Logs page', () => {
  it('signs in from a viewer link, drops the token from the URL and paints the newest events', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    await expectRows(page, central().slice(0, 50));
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.evaluate("sessionStorage.getItem('auditlog.token')")).toBe(world.key);
    expect(await countText(page)).toBe('Showing 50 events · more available');

    const first = page.locator('tbody tr').first();
    await expect
      .poll(() => first.innerText())
      .toMatch(/Alice Admin[\s\S]*URL endpoints · Update[\s\S]*Success · 200/);
    expect(await first.locator('.api').innerText()).toBe('PATCH /v1/url-endpoints/:id');
    expect(await first.locator('.api').getAttribute('title')).toBe('/v1/url-endpoints/ep_showcase');
    expect(await first.locator('.actor').getAttribute('title')).toBe('user u_alice');
    const time = first.locator('time');
    expect(await time.innerText()).toMatch(/hours? ago/);
    const showcaseAt = slot(world.base, 61);
    expect(await time.getAttribute('title')).toContain(
      `${showcaseAt.replace('T', ' ').replace('Z', '')} UTC`,
    );
    expect(await time.getAttribute('title')).toContain('GMT+5:30');
    await shoot(page, 'dashboard');
    await context.close();
  });

  it('paints the table without waiting for the users and operation types', async () => {
    const { context, page } = await newPage(world);
    // Hold the filter data in the browser (the real server answers once released).
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/v1\/(catalog|actors)/, async (route) => {
      await released;
      await route.continue();
    });
    await openSignedIn(page, world, '/');
    await expectRows(page, central().slice(0, 50));
    const showcaseRow = page.locator('tbody tr', { hasText: 'Alice Admin' }).first();
    // Until the catalog arrives, names are humanized from the event itself.
    expect(await showcaseRow.innerText()).toContain('Url endpoints · Update');
    await page.getByRole('button', { name: /^Users/ }).click();
    await page.getByText('Loading users…').waitFor();
    release();
    await page.getByRole('checkbox', { name: /^Carol Chen/ }).waitFor();
    await expect.poll(() => showcaseRow.innerText()).toContain('URL endpoints · Update');
    await context.close();
  });

  it('loads more with the keyset cursor, unshaken by an event that arrives meanwhile', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    const all = central();
    await expectRows(page, all.slice(0, 50));

    // A newer event lands between the two pages: the second page must neither repeat nor show it.
    const lateEvent: EventInput & { stream: 'central' } = {
      stream: 'central',
      category: 'settings',
      operation: 'update',
      actor: { type: 'system', id: 'sys_late' },
      status: 'success',
      occurredAt: new Date().toISOString(),
    };
    const [late] = await postEvents(world.url, world.key, [lateEvent]);

    await page.getByRole('button', { name: 'Load more' }).click();
    await expectRows(page, all);
    expect(await countText(page)).toBe(`Showing ${all.length} events`);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    await page.reload();
    await expect.poll(async () => (await shownIds(page))[1]).toBe(all[0]);
    expect((await shownIds(page))[0]).toBe(late!.id);
    world.events.push(late!);
    await context.close();
  });

  it('applies each filter alone on Submit', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    await expectRows(page, central().slice(0, 50));

    await pick(page, 'Users', ['bob@acme.test']);
    await submit(page);
    await expectRows(
      page,
      central((e) => e.actor.id === BOB.id),
    );
    expect(new URL(page.url()).searchParams.getAll('actor')).toEqual([BOB.id]);

    // Two pairs that are not a cross product: URL endpoints·Create and Billing·Delete only.
    await page.goto(`${world.url}/`);
    await page.getByRole('button', { name: /^Operation types/ }).click();
    await shoot(page, 'operation-types-open');
    await page.getByRole('button', { name: 'Done' }).click();
    await pick(page, 'Operation types', [
      ['URL endpoints', 'Create'],
      ['Billing details', 'Delete'],
    ]);
    await submit(page);
    const types = central(
      (e) =>
        (e.category === 'url_endpoints' && e.operation === 'create') ||
        (e.category === 'billing' && e.operation === 'delete'),
    );
    expect(types.length).toBeGreaterThan(2);
    await expectRows(page, types);

    // A whole category through its "All …" box is sent exactly (category only, every operation).
    await page.goto(`${world.url}/`);
    await pick(page, 'Operation types', [['Billing details', 'All Billing details']]);
    await submit(page);
    await expectRows(
      page,
      central((e) => e.category === 'billing'),
    );
    expect(new URL(page.url()).searchParams.getAll('type')).toEqual([
      'billing.create',
      'billing.update',
      'billing.delete',
    ]);

    await page.goto(`${world.url}/`);
    await page.getByLabel('Status').selectOption('failure');
    await submit(page);
    await expectRows(
      page,
      central((e) => e.status === 'failure'),
    );

    // End date is inclusive of its minute: the event exactly at the end minute is shown.
    await page.goto(`${world.url}/`);
    await page.getByLabel('Start date').fill(localInput(slot(world.base, 10)));
    await page.getByLabel('End date').fill(localInput(slot(world.base, 20)));
    await submit(page);
    const inRange = central(
      (e) => e.occurredAt >= slot(world.base, 10) && e.occurredAt <= slot(world.base, 20),
    );
    expect(inRange.length).toBe(11);
    await expectRows(page, inRange);
    const params = new URL(page.url()).searchParams;
    expect(params.get('from')).toBe(slot(world.base, 10));
    expect(params.get('to')).toBe(new Date(Date.parse(slot(world.base, 20)) + 60_000).toISOString());

    await page.goto(`${world.url}/`);
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('CAROL');
    await submit(page);
    await expectRows(
      page,
      central((e) => e.actor.id === 'u_carol'),
    );
    await context.close();
  });

  it('combines filters, and restores them on reload, back/forward and a pasted link', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    await pick(page, 'Users', ['Alice Admin', 'CI deploy key']);
    await pick(page, 'Operation types', [
      ['URL endpoints', 'Update'],
      ['Developer options', 'Delete'],
    ]);
    await page.getByLabel('Status').selectOption('success');
    await submit(page);
    const combined = central(
      (e) =>
        [ALICE.id, CI_KEY.id].includes(e.actor.id as never) &&
        e.status === 'success' &&
        ((e.category === 'url_endpoints' && e.operation === 'update') ||
          (e.category === 'developer_options' && e.operation === 'delete')),
    );
    expect(combined.length).toBe(3);
    await expectRows(page, combined);
    const link = page.url();

    await page.reload();
    await expectRows(page, combined);
    expect(await page.getByRole('button', { name: /^Users/ }).innerText()).toBe('2 users');
    expect(await page.getByLabel('Status').inputValue()).toBe('success');

    await page.getByLabel('Status').selectOption('failure');
    await submit(page);
    const failures = central(
      (e) =>
        [ALICE.id, CI_KEY.id].includes(e.actor.id as never) &&
        e.status === 'failure' &&
        ((e.category === 'url_endpoints' && e.operation === 'update') ||
          (e.category === 'developer_options' && e.operation === 'delete')),
    );
    await expectRows(page, failures);
    await page.goBack();
    await expectRows(page, combined);
    expect(await page.getByLabel('Status').inputValue()).toBe('success');
    await page.goForward();
    await expectRows(page, failures);
    expect(await page.getByLabel('Status').inputValue()).toBe('failure');

    // Someone else, signed in with their own link, pastes the URL.
    const other = await newPage(world);
    await openSignedIn(other.page, world, '/');
    await other.page.goto(link);
    await expectRows(other.page, combined);
    await other.context.close();
    await context.close();
  });

  it('opens an event from a deep link with everything the panel shows', async () => {
    const { context, page } = await newPage(world);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.url });
    const showcase = world.events.find((e) => e.input.requestId === 'req_showcase')!;
    await openSignedIn(page, world, `/?event=${showcase.id}`);
    const panel = page.locator('section.panel');
    await expect
      .poll(() => panel.getByRole('heading', { level: 2 }).innerText())
      .toBe('URL endpoints · Update');
    await panel.getByText('ShowcaseBrowser/1.0').waitFor();
    const facts = await panel.locator('.details-list').innerText();
    for (const text of [
      'PATCH /v1/url-endpoints/:id',
      '/v1/url-endpoints/ep_showcase',
      '198.51.100.23',
      'req_showcase',
      `${slot(world.base, 61).replace('T', ' ').replace('Z', '')} UTC`,
      'GMT+5:30',
      'Alice Admin',
      'user u_alice',
      'Product images',
      showcase.id,
      String(showcase.seq),
      'Success · 200',
    ]) {
      expect(facts).toContain(text);
    }
    const request = panel.getByRole('region', { name: 'Request payload' });
    const [masked, hashed] = await request.locator('.redacted').allInnerTexts();
    expect(masked).toBe('[REDACTED]');
    expect(hashed).toMatch(/^HMAC-SHA256 [0-9a-f]{16}$/);
    expect(await request.innerText()).not.toContain('sk_live');
    expect(await request.innerText()).toContain('https://cdn.acme.test');
    expect(await panel.getByRole('region', { name: 'Response data' }).innerText()).toContain('updatedFields');
    const diff = await panel.locator('.diff-table tbody tr').allInnerTexts();
    expect(diff.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      '/cacheTtl (changed) 60 3600',
      '/origin (changed) "https://old.acme.test" "https://cdn.acme.test"',
      '/http2 (added) absent true',
    ]);
    await request.getByRole('button', { name: 'Copy' }).click();
    await request.getByRole('button', { name: 'Copied' }).waitFor();
    expect(JSON.parse(await page.evaluate('navigator.clipboard.readText()'))).toEqual({
      cacheTtl: 3600,
      origin: { url: 'https://cdn.acme.test', password: '[REDACTED]' },
      signingKey: `[HMAC-SHA256:${hashed!.slice('HMAC-SHA256 '.length)}]`,
    });

    // Collapsing a nested object hides its keys.
    await request.locator('summary', { hasText: 'origin' }).click();
    expect(await request.getByText('https://cdn.acme.test').isVisible()).toBe(false);
    await request.locator('summary', { hasText: 'origin' }).click();
    await shoot(page, 'details-panel');

    await page.getByRole('button', { name: 'Close details' }).click();
    expect(new URL(page.url()).searchParams.has('event')).toBe(false);
    expect(await panel.count()).toBe(0);
    await context.close();
  });

  it('moves through rows with ↑/↓, opens with Enter, closes with Escape and returns focus', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    const ids = central().slice(0, 50);
    await expectRows(page, ids);
    const focused = () =>
      page.evaluate('document.activeElement?.dataset?.rowOpen ?? document.activeElement?.id');

    await page.locator('[data-row-open]').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(ids[2]);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('event')).toBe(ids[2]);
    await expect.poll(focused).toBe('panel-title');
    await page.locator('.details-list').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).searchParams.get('event')).toBe(null);
    await expect.poll(focused).toBe(ids[2]);

    // The focus ring is visible on a keyboard-focused row.
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    await context.close();
  });

  it('filters the Media Library by asset path and request ID, and shows an asset history', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/');
    await page.getByRole('link', { name: 'Media Library' }).click();
    await expectRows(page, media());
    expect(new URL(page.url()).pathname).toBe('/media');
    await shoot(page, 'media-library');

    await page.getByLabel('Asset path').fill(SHOE);
    await submit(page);
    await expectRows(
      page,
      media((e) => e.target?.path === SHOE),
    );
    expect(await shownIds(page)).toHaveLength(5);

    await page.goto(`${world.url}/media`);
    await page.getByLabel('Request ID').fill('req_batch_7');
    await submit(page);
    await expectRows(
      page,
      media((e) => e.requestId === 'req_batch_7'),
    );
    expect(await shownIds(page)).toHaveLength(2);

    // History: every event of the path, oldest first, deletion included.
    await page.goto(`${world.url}/media`);
    await page.locator('tbody tr', { hasText: 'Files · Tag' }).getByRole('button', { name: SHOE }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('history')).toBe(SHOE);
    await expect
      .poll(() => page.locator('.timeline-type').allInnerTexts())
      .toEqual([
        'Files · Upload',
        'Files · Metadata update',
        'Files · Tag',
        'Files · Version create',
        'Files · Delete',
      ]);
    expect(await page.locator('.history .count').innerText()).toBe('5 events, oldest first');
    await shoot(page, 'asset-history');
    await page.locator('.timeline-item').last().click();
    await page.locator('.details-list').waitFor();
    expect(await page.locator('section.panel h2').innerText()).toBe('Files · Delete');
    await page.getByRole('button', { name: 'Close details' }).click();
    await page.getByRole('button', { name: /All Media Library events/ }).click();
    await expectRows(page, media());
    await page.goBack();
    await expect.poll(() => page.locator('.timeline-item').count()).toBe(5);
    await context.close();
  });

  it('downloads the stream in the applied date range as NDJSON: full events, in seq order', async () => {
    const from = slot(world.base, 10);
    const to = slot(world.base, 20);
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, `/?from=${from}&to=${to}`);
    const button = page.getByRole('button', { name: 'Export NDJSON' });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^auditlog-.+-to-seq-\d+\.ndjson$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n');
    const exported = lines.map((line) => JSON.parse(line) as { id: string; stream: string; hash: string });
    const expected = world.events
      .filter((e) => e.input.stream === 'central' && e.input.occurredAt >= from && e.input.occurredAt < to)
      .sort((a, b) => a.seq - b.seq);
    expect(expected.length).toBeGreaterThan(5);
    expect(exported.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    for (const event of exported) {
      expect(event).toMatchObject({ stream: 'central', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(event).toHaveProperty('request');
    }
    await expect.poll(() => button.isEnabled()).toBe(true);
    await context.close();
  });

  it('shows the empty state, whose Clear filters returns to every event', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/?q=no-such-thing-anywhere');
    const empty = page.getByRole('status').filter({ hasText: 'No events match these filters' });
    await empty.waitFor();
    await shoot(page, 'empty');
    await empty.getByRole('button', { name: 'Clear filters' }).click();
    await expectRows(page, central().slice(0, 50));
    expect(new URL(page.url()).search).toBe('');
    await context.close();
  });

  it("shows the API's detail when a query is refused", async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/?from=yesterday-ish');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('The audit log could not be loaded');
    expect(text).toContain('from');
    expect(text).toContain('ISO 8601');
    await shoot(page, 'error');
    await context.close();
  });

  it('shows the plan gate, the access gate and the sign-in hint', async () => {
    const cases = [
      { key: world.disabledKey, title: 'Audit logs are available on Enterprise plans', shot: 'feature-off' },
      { key: world.ingestOnlyKey, title: "You don't have access", shot: 'no-access' },
      { key: 'alk_not_a_real_key', title: 'Open this page with a viewer link', shot: 'bad-link' },
      { key: null, title: 'Open this page with a viewer link', shot: 'signed-out' },
    ];
    for (const { key, title, shot } of cases) {
      const { context, page } = await newPage(world);
      if (key) await openSignedIn(page, world, '/', key);
      else await page.goto(`${world.url}/`);
      await page.getByRole('heading', { name: title }).waitFor();
      expect(await page.locator('table').count()).toBe(0);
      await shoot(page, shot);
      await context.close();
    }
  });

  it('collapses the table to cards on a phone-sized screen', async () => {
    const { context, page } = await newPage(world, { width: 390, height: 844 });
    await openSignedIn(page, world, '/');
    await expectRows(page, central().slice(0, 50));
    // The header row is kept for screen readers but takes no room: each cell carries its label.
    expect((await page.locator('thead').boundingBox())!.height).toBeLessThanOrEqual(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const card = await page.locator('tbody tr').first().boundingBox();
    expect(card!.width).toBeLessThanOrEqual(390);
    const labels = await page.evaluate(
      "[...document.querySelectorAll('tbody tr:first-child td')].map((td) => getComputedStyle(td, '::before').content)",
    );
    expect(labels).toEqual(['"User"', '"Time"', '"Operation"', '"Status"', '"API"']);
    await shoot(page, 'narrow');
    await page.locator('[data-row-open]').first().click();
    await page.locator('.details-list').waitFor();
    expect((await page.locator('section.panel').boundingBox())!.width).toBe(390);
    await shoot(page, 'narrow-panel');
    await context.close();
  });
});
