/**
 * @module Measurement 7 — middleware overhead: per-request latency of a dashboard write route with
 * the @auditlog/client plugin (publishing to our server in a child process) against the same
 * dashboard without the `auditlog` option. Requests alternate between the two, one at a time, so
 * both see the same machine state; the difference of the percentiles is the added cost.
 */
import { join } from 'node:path';
import { startDashboard } from '../../examples/dashboard/src/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { World } from '../generator/world.ts';
import { startServerChild } from '../http/server-child.ts';
import { startProgress } from '../support/progress.ts';
import { elapsedMs, type LatencySummary, summarize } from '../support/stats.ts';
import { createKeys, ensureAccounts } from './accounts.ts';

export interface MiddlewareResult {
  audited: LatencySummary;
  plain: LatencySummary;
  route: string;
}

/** A settings write by the account owner: an audited PATCH that does real work in the dashboard. */
async function patchSettings(base: string, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  const response = await fetch(new URL('/v1/settings', base), {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-demo-user': 'usr_alice' },
    body: JSON.stringify({ security: { sessionTimeoutMinutes: 30 + (n % 600) } }),
  });
  await response.arrayBuffer();
  const ms = elapsedMs(start);
  if (!response.ok) throw new Error(`PATCH /v1/settings answered ${response.status}`);
  return ms;
}

/**
 * Sends `count` requests to each dashboard (after a short warm-up) and summarises their latency.
 *
 * @example
 * await runMiddleware({ workDir, world, databaseUrl, count: 500 });
 */
export async function runMiddleware(options: {
  workDir: string;
  world: World;
  databaseUrl: string;
  count: number;
}): Promise<MiddlewareResult> {
  const accountId = options.world.largest.id;
  const store = await openStore(options.databaseUrl);
  await ensureAccounts(store, options.world);
  const apiKey = (await createKeys(store, [accountId], ['ingest'])).get(accountId) as string;
  await store.close();
  const server = await startServerChild({ mode: 'auditlog', databaseUrl: options.databaseUrl });
  const stamp = Date.now().toString(36);
  const opened: { close(): Promise<void> }[] = [];
  try {
    const audited = await startDashboard({
      dbPath: join(options.workDir, `dash-audited-${stamp}.db`),
      auditlog: { url: server.url, apiKey, outboxPath: join(options.workDir, `outbox-${stamp}`) },
    });
    opened.push(audited);
    const plain = await startDashboard({ dbPath: join(options.workDir, `dash-plain-${stamp}.db`) });
    opened.push(plain);
    return await measure(audited.url, plain.url, options.count);
  } finally {
    for (const dashboard of opened) await dashboard.close();
    await server.stop();
  }
}

async function measure(auditedUrl: string, plainUrl: string, count: number): Promise<MiddlewareResult> {
  const progress = startProgress('7 middleware', count * 2, 'requests');
  for (let i = 0; i < 20; i++) {
    await patchSettings(auditedUrl, i);
    await patchSettings(plainUrl, i);
  }
  const withPlugin: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      withPlugin.push(await patchSettings(auditedUrl, i));
      without.push(await patchSettings(plainUrl, i));
    } else {
      without.push(await patchSettings(plainUrl, i));
      withPlugin.push(await patchSettings(auditedUrl, i));
    }
    progress.advance(2);
  }
  progress.done();
  return { audited: summarize(withPlugin), plain: summarize(without), route: 'PATCH /v1/settings' };
}
