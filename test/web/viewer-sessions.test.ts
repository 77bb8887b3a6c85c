/**
 * The Audit Logs page signed in with real viewer tokens, minted through the API for members of each
 * role, in real Chromium against a real server: who is signed in and what they may open (an auditor
 * reads the Dashboard and the Media Library but not Log access; an owner sees Log access, where
 * their own reads appear; a developer is refused by the API), and a session that ends mid-use —
 * the token expiring (the server's clock moved past it) or the member removed.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), which we want (rendered text)
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/events/schema.ts';
import {
  buildPage,
  expectRows,
  newPage,
  openSignedIn,
  shoot,
  shownIds,
  startWorld,
  type World,
} from './harness.ts';
import { expectedIds } from './seed.ts';

let world: World;
const central = (keep: (e: EventInput) => boolean = () => true) =>
  expectedIds(world.events, (e) => e.stream === 'central' && keep(e));
const media = () => expectedIds(world.events, (e) => e.stream === 'media');

/** The access stream as stored, newest first (as the API lists it). */
async function accessRows() {
  return (await world.store.events.list('acme', { stream: 'access', limit: 200 })).events;
}

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Audit log views' }).getByRole('link');
const signedInAs = (page: Page) => page.getByRole('region', { name: 'Signed in as' });
/** Rendered text with its line breaks (between flex items, say) as single spaces. */
const flat = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  await buildPage();
  world = await startWorld();
  await world.member('u_olivia', 'owner', 'Olivia Owner');
  await world.member('u_ada', 'auditor', 'Ada Auditor');
  await world.member('u_dev', 'developer', 'Dev Patel');
}, 90_000);

afterAll(async () => {
  await world?.close();
});

afterEach(() => {
  expect(world.pageErrors).toEqual([]);
});

describe('the page signed in with a viewer token', () => {
  it('shows an auditor who they are, the Dashboard and the Media Library, but not who read the log', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/', await world.viewerToken('u_ada'));
    await expectRows(page, central().slice(0, 50));
    await expect.poll(() => signedInAs(page).innerText()).toMatch(/Ada Auditor\s+ada@acme\.test\s+Auditor/);
    await expect.poll(() => tabs(page).allInnerTexts()).toEqual(['Dashboard', 'Media Library']);
    await shoot(page, 'viewer-auditor');

    await tabs(page).getByText('Media Library').click();
    await expectRows(page, media());

    // A pasted Log access link: the API refuses it, and the page says why.
    await page.goto(`${world.url}/access`);
    const gate = page.getByRole('status').filter({ hasText: "You don't have access" });
    await gate.waitFor();
    expect(await gate.innerText()).toContain('only owners and admins may');
    expect(await page.locator('table').count()).toBe(0);
    await shoot(page, 'viewer-auditor-log-access');

    // Both lists the auditor read are in the access stream, attributed to them.
    const reads = (await accessRows()).filter((row) => row.actor.id === 'u_ada');
    expect(reads.map((row) => `${row.operation} ${row.target?.id} ${row.status}`)).toEqual([
      'list media success',
      'list central success',
    ]);
    await context.close();
  });

  it('shows an owner Log access, where the event they just opened appears', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/', await world.viewerToken('u_olivia'));
    await expect.poll(() => tabs(page).allInnerTexts()).toEqual(['Dashboard', 'Media Library', 'Log access']);
    await expect.poll(() => signedInAs(page).innerText()).toMatch(/Olivia Owner\s+olivia@acme\.test\s+Owner/);

    // Two reads of the Dashboard: a filtered list, then one event opened from it.
    await page.getByLabel('Status').selectOption('failure');
    await page.getByRole('button', { name: 'Submit' }).click();
    const failures = central((e) => e.status === 'failure');
    await expectRows(page, failures);
    const opened = failures[2]!;
    await page.locator(`[data-row-open="${opened}"]`).click();
    await page.locator('.details-list').waitFor();
    const openedType = await page.locator('section.panel h2').innerText();
    await page.getByRole('button', { name: 'Close details' }).click();

    await tabs(page).getByText('Log access').click();
    expect(new URL(page.url()).pathname).toBe('/access');
    const recorded = await accessRows();
    await expectRows(
      page,
      recorded.map((row) => row.id),
    );
    // Newest first: the event opened, then the filtered list; each says what was read, compactly.
    const [view, list] = await page.locator('tbody tr').all();
    await expect.poll(() => view!.innerText()).toMatch(/Olivia Owner[\s\S]*View[\s\S]*Success · 200/);
    expect(await flat(view!.locator('.read'))).toBe(`Dashboard · ${openedType} ${opened}`);
    await expect.poll(() => flat(list!.locator('.read'))).toBe('Dashboard status failure');
    expect(await list!.innerText()).toMatch(/Olivia Owner[\s\S]*List/);
    // Looking at Log access recorded nothing more (no loop).
    expect((await accessRows()).length).toBe(recorded.length);
    await shoot(page, 'log-access');

    // The list row opens like any event: the request payload holds the filters as recorded.
    await list!.click();
    const request = page.getByRole('region', { name: 'Request payload' });
    await expect.poll(() => request.innerText()).toContain('"failure"');
    expect(await request.innerText()).toContain('"owner"');
    await shoot(page, 'log-access-details');
    await page.getByRole('button', { name: 'Close details' }).click();

    // On a phone the header wraps (tabs, then who is signed in) and the rows become cards.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect((await signedInAs(page).boundingBox())!.width).toBeLessThanOrEqual(390);
    await shoot(page, 'log-access-narrow');
    expect((await accessRows()).length).toBe(recorded.length);
    await context.close();
  });

  it("tells a developer they don't have access, from the API's own refusal", async () => {
    const before = (await accessRows()).length;
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/', await world.viewerToken('u_dev'));
    const gate = page.getByRole('status').filter({ hasText: "You don't have access" });
    await gate.waitFor();
    expect(await gate.innerText()).toContain('Your role (developer) does not allow reading audit logs');
    await expect.poll(() => signedInAs(page).innerText()).toMatch(/Dev Patel\s+dev@acme\.test\s+Developer/);
    expect(await tabs(page).count()).toBe(0);
    expect(await page.locator('table').count()).toBe(0);
    await shoot(page, 'viewer-developer');

    // The refusal was the server's ROLE_NOT_ALLOWED, recorded as a failed read.
    const after = await accessRows();
    const refused = after.slice(0, after.length - before);
    expect(refused.map((row) => [row.actor.id, row.operation, row.status, row.httpStatus])).toEqual([
      ['u_dev', 'list', 'failure', 403],
    ]);
    const event = await world.store.events.get('acme', refused[0]!.id);
    expect(event?.response).toEqual({ code: 'ROLE_NOT_ALLOWED' });
    await context.close();
  });

  it('keeps working with a server key: no one to name, tabs from its scopes', async () => {
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/', world.key);
    await expectRows(page, central().slice(0, 50));
    await expect.poll(() => tabs(page).allInnerTexts()).toEqual(['Dashboard', 'Media Library', 'Log access']);
    expect(await signedInAs(page).count()).toBe(0);
    await context.close();
  });
});

describe('a session that ends mid-use', () => {
  it('says the session expired when the token expires, and when the member is removed', async () => {
    const expiring = await world.viewerToken('u_ada', 60);
    const { context, page } = await newPage(world);
    await openSignedIn(page, world, '/', expiring);
    await expectRows(page, central().slice(0, 50));

    world.clock.advance(61_000);
    await page.getByLabel('Status').selectOption('failure');
    await page.getByRole('button', { name: 'Submit' }).click();
    const expired = page.getByRole('status').filter({ hasText: 'Your session has expired' });
    await expired.waitFor();
    expect(await expired.innerText()).toContain('Open the Audit Logs page again from the dashboard.');
    expect(await page.locator('table').count()).toBe(0);
    expect(await tabs(page).count()).toBe(0);
    expect(await signedInAs(page).count()).toBe(0);
    // The dead token is not kept: a reload asks for a fresh link.
    expect(await page.evaluate("sessionStorage.getItem('auditlog.token')")).toBe(null);
    await shoot(page, 'session-expired');
    await page.reload();
    await page.getByRole('heading', { name: 'Open this page with a viewer link' }).waitFor();

    // Opening a link whose token already expired says the same: the token was genuine.
    const late = await newPage(world);
    await openSignedIn(late.page, world, '/media', expiring);
    await late.page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    await late.context.close();

    // A member removed while reading: their next request is refused, and the session has ended.
    await world.member('u_temp', 'auditor', 'Temp Auditor');
    const removed = await newPage(world);
    await openSignedIn(removed.page, world, '/', await world.viewerToken('u_temp'));
    await expectRows(removed.page, central().slice(0, 50));
    await world.store.members.remove('acme', 'u_temp');
    await tabs(removed.page).getByText('Media Library').click();
    await removed.page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    expect(await shownIds(removed.page)).toEqual([]);
    await removed.context.close();
    await context.close();
  });
});
