/**
 * @module The browser suites' world: the page built once with Vite, a real Auditlog server on a
 * temporary SQLite file (with a clock the test moves) and the seed sent through the ingest API,
 * members and viewer tokens minted through the API, and one Chromium. Helpers read
 * what the page shows (row ids, counts) so tests compare it with what the seed says it must be.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/server/app.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Role, Store } from '../../src/store/types.ts';
import { type SeededEvent, seed } from './seed.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');

/** The viewer's zone in every test: not UTC, and not a whole hour off it. */
export const TIME_ZONE = 'Asia/Kolkata';
const ZONE_OFFSET_MS = 330 * 60_000;

const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
// In node_modules (ignored, same filesystem as web/, so the finished build moves in with a rename).
const CACHE = join(ROOT, 'node_modules', '.cache');
const BUILD_LOCK = join(CACHE, 'auditlog-web-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

async function newestSourceTime(): Promise<number> {
  const entries = await readdir(join(WEB, 'src'), { recursive: true, withFileTypes: true });
  const files = [
    join(WEB, 'index.html'),
    join(WEB, 'vite.config.ts'),
    ...entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)),
  ];
  const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
  return Math.max(...times);
}

async function isBuilt(): Promise<boolean> {
  try {
    return (await stat(join(DIST, 'index.html'))).mtimeMs >= (await newestSourceTime());
  } catch {
    return false;
  }
}

/** Runs `fn` holding a lock shared by every test process (mkdir is atomic); a stale lock is taken over. */
async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  const giveUpAt = Date.now() + 2 * STALE_LOCK_MS;
  for (;;) {
    try {
      await mkdir(BUILD_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(BUILD_LOCK).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_LOCK_MS) await rm(BUILD_LOCK, { recursive: true, force: true });
      else if (Date.now() > giveUpAt) throw new Error(`web build lock ${BUILD_LOCK} is held too long`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await fn();
  } finally {
    await rm(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds web/ into web/dist as `npm run build:web` does (production mode), unless it is already
 * newer than every source file. Several browser suites run at once: one builds while the others
 * wait, then find it built — none empties web/dist while another suite's server is reading it.
 */
export async function buildPage(): Promise<void> {
  await withBuildLock(async () => {
    if (await isBuilt()) return;
    const out = join(CACHE, `auditlog-web-dist-${process.pid}`);
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const args = ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn', '--outDir', out];
    const child = spawn(process.execPath, [vite, ...args, '--emptyOutDir'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`vite build exited with ${code}`);
    await rm(DIST, { recursive: true, force: true });
    await rename(out, DIST).catch(async (error: NodeJS.ErrnoException) => {
      // node_modules on another filesystem (a mounted cache): copy instead of moving.
      if (error.code !== 'EXDEV') throw error;
      await cp(out, DIST, { recursive: true });
      await rm(out, { recursive: true, force: true });
    });
  });
}

/** The test's clock: the server's "now" (token expiry, receipt times) moves only when told. */
export interface TestClock {
  now(): Date;
  /** Moves the server's time forward, e.g. past a viewer token's expiry. */
  advance(ms: number): void;
}

function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

/** A running server with the seeded account and credentials for each state the page handles. */
export interface World {
  url: string;
  store: Store;
  browser: Browser;
  events: SeededEvent[];
  base: number;
  /** ingest + read on the enterprise account. */
  key: string;
  /** read on an account with audit logs off. */
  disabledKey: string;
  /** ingest only: reading is refused. */
  ingestOnlyKey: string;
  /** admin on the enterprise account: mints viewer tokens. */
  adminKey: string;
  /** The server's clock. */
  clock: TestClock;
  /** Adds (or replaces) a member of the enterprise account, straight in the store (nothing recorded). */
  member(id: string, role: Role, name: string): Promise<void>;
  /** Mints a viewer token for a member through POST /v1/viewer-tokens, as a host backend does. */
  viewerToken(memberId: string, ttlSeconds?: number): Promise<string>;
  /** Uncaught errors of any page (a test asserts there were none). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with nothing that reaches beyond 127.0.0.1. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Members of the enterprise account, and viewer tokens minted for them as a host backend does. */
function viewerHelpers(store: Store, url: string, adminKey: string): Pick<World, 'member' | 'viewerToken'> {
  return {
    async member(id, role, name) {
      const email = `${id.replace(/^u_/, '')}@acme.test`;
      await store.members.upsert({ accountId: 'acme', id, email, name, role });
    },
    async viewerToken(memberId, ttlSeconds) {
      const response = await fetch(`${url}/v1/viewer-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ memberId, ...(ttlSeconds && { ttlSeconds }) }),
      });
      if (response.status !== 201)
        throw new Error(`minting failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { data: { token: string } }).data.token;
    },
  };
}

/** Starts everything; `close()` undoes it. */
export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'auditlog-web-'));
  const store = createSqliteStore({ path: join(dir, 'events.db') });
  await store.migrate();
  const account = (id: string, enabled: boolean) =>
    store.accounts.create({
      id,
      name: id,
      plan: enabled ? 'enterprise' : 'free',
      auditLogsEnabled: enabled,
      retentionDays: 365,
    });
  await account('acme', true);
  await account('smallco', false);
  const key = (await createApiKey(store.accounts, 'acme', ['ingest', 'read'], 'web')).key;
  const disabledKey = (await createApiKey(store.accounts, 'smallco', ['read'], 'web')).key;
  const ingestOnlyKey = (await createApiKey(store.accounts, 'acme', ['ingest'], 'producer')).key;
  const adminKey = (await createApiKey(store.accounts, 'acme', ['admin'], 'host backend')).key;
  const clock = testClock();
  // Hash (not mask) secrets at ingest, so the page shows both kinds of redaction: the server's
  // keyed hash, and the mask a producer applied before sending.
  const app = await createApp({
    store,
    config: loadConfig({}, { logLevel: 'silent' }),
    redaction: { action: 'hash', hmacKey: 'browser-suite-hmac-key-0123456789' },
    clock: () => clock.now(),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // Whole hours, two days back: every seeded instant is in the past and on a minute boundary.
  const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 86_400_000;
  const events = await seed(url, key, base);
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser = await launchChromium();
  return {
    url,
    store,
    browser,
    events,
    base,
    key,
    disabledKey,
    ingestOnlyKey,
    adminKey,
    clock,
    pageErrors: [],
    ...viewerHelpers(store, url, adminKey),
    async close() {
      await browser.close();
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser context (its own sessionStorage) and page, at a desktop size unless told. */
export async function newPage(
  world: World,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({ viewport, timezoneId: TIME_ZONE, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => world.pageErrors.push(`${page.url()}: ${error.message}`));
  return { context, page };
}

/** Opens `path` signed in with `key` (the viewer-link way: `?token=`). */
export async function openSignedIn(page: Page, world: World, path: string, key = world.key): Promise<void> {
  const url = new URL(path, world.url);
  url.searchParams.set('token', key);
  await page.goto(url.toString());
}

/** The event ids of the rows on screen, top to bottom. */
export function shownIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-row-open]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-row-open') ?? ''));
}

/** Waits until the rows on screen are exactly `ids` (in order). */
export async function expectRows(page: Page, ids: string[]): Promise<void> {
  await expect.poll(() => shownIds(page), { timeout: 10_000 }).toEqual(ids);
}

/** The text of the row count line, once present. */
export async function countText(page: Page): Promise<string> {
  return (await page.locator('.count').textContent({ timeout: 10_000 })) ?? '';
}

/** A `datetime-local` value for an instant, in the suite's time zone (no DST there). */
export function localInput(iso: string): string {
  return new Date(Date.parse(iso) + ZONE_OFFSET_MS).toISOString().slice(0, 16);
}

/** Saves a screenshot of the current page. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Ticks options in a multi-select: `[group, option]` pairs, or option names for ungrouped lists. */
export async function pick(page: Page, label: string, choices: (string | [string, string])[]): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  for (const choice of choices) {
    const scope = Array.isArray(choice) ? page.getByRole('group', { name: choice[0], exact: true }) : page;
    const name = Array.isArray(choice) ? choice[1] : choice;
    await scope.getByRole('checkbox', { name: new RegExp(`^${name}`) }).check();
  }
  await page.getByRole('button', { name: 'Done' }).click();
}
