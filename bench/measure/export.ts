/**
 * @module Measurement 5 — export: a whole account read through the HTTP API as a full keyset scan
 * (GET /v1/events, 200 rows a page, following next_cursor), with events/s on the client side and
 * the server process's peak RSS. (There is no export endpoint yet; this is what an export costs
 * today.)
 */
import { openStore } from '../../src/store/open-store.ts';
import { startServerChild } from '../http/server-child.ts';
import { startProgress } from '../support/progress.ts';
import { sampleRss } from '../support/rss.ts';
import { elapsedMs } from '../support/stats.ts';
import { createKeys } from './accounts.ts';

export interface ExportResult {
  events: number;
  pages: number;
  seconds: number;
  eventsPerSecond: number;
  /** Peak RSS of the server process during the scan, sampled every 50 ms. */
  peakRssBytes: number;
  /** The kernel's high-water mark of the server process over its whole life (startup included). */
  highWaterMarkBytes: number | null;
  /** RSS of the idle server before the scan, for comparison. */
  idleRssBytes: number;
  /** Latency of one page request. */
  pageMs: { p50: number; p99: number };
}

interface Page {
  data: unknown[];
  next_cursor: string | null;
}

async function fetchPage(base: string, key: string, stream: string, cursor: string | null): Promise<Page> {
  const url = new URL('/v1/events', base);
  url.searchParams.set('stream', stream);
  url.searchParams.set('limit', '200');
  if (cursor) url.searchParams.set('cursor', cursor);
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok)
    throw new Error(`GET ${url.pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Page;
}

/**
 * Scans every event of `accountId` (central and media streams) through a fresh server on the
 * loaded database.
 *
 * @example
 * const result = await runExport({ databaseUrl, accountId: 'acc_bench_00', expected: 400_000 });
 */
export async function runExport(options: {
  databaseUrl: string;
  accountId: string;
  expected: number;
}): Promise<ExportResult> {
  const store = await openStore(options.databaseUrl);
  const keys = await createKeys(store, [options.accountId], ['read']);
  await store.close();
  const key = keys.get(options.accountId) as string;
  const server = await startServerChild({ mode: 'auditlog', databaseUrl: options.databaseUrl });
  const progress = startProgress('5 export scan', options.expected, 'events');
  try {
    const idle = sampleRss(server.pid).stop().peakBytes;
    const sampler = sampleRss(server.pid);
    const pageMs: number[] = [];
    let events = 0;
    let pages = 0;
    const start = process.hrtime.bigint();
    for (const stream of ['central', 'media']) {
      let cursor: string | null = null;
      do {
        const pageStart = process.hrtime.bigint();
        const page: Page = await fetchPage(server.url, key, stream, cursor);
        pageMs.push(elapsedMs(pageStart));
        events += page.data.length;
        pages++;
        progress.advance(page.data.length);
        cursor = page.next_cursor;
      } while (cursor);
    }
    const seconds = elapsedMs(start) / 1000;
    const rss = sampler.stop();
    progress.done();
    pageMs.sort((a, b) => a - b);
    return {
      events,
      pages,
      seconds,
      eventsPerSecond: events / seconds,
      peakRssBytes: rss.peakBytes,
      highWaterMarkBytes: rss.highWaterMarkBytes,
      idleRssBytes: idle,
      pageMs: {
        p50: pageMs[Math.floor(pageMs.length / 2)] ?? Number.NaN,
        p99: pageMs[Math.ceil(pageMs.length * 0.99) - 1] ?? Number.NaN,
      },
    };
  } finally {
    await server.stop();
  }
}
