import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, makePendingEvent } from '../store/conformance-fixtures.ts';
import { openStore } from '../store/open-store.ts';
import { startRetentionJob } from './retention.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-retention-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the retention job', () => {
  it('purges as of its clock, and a later clock purges more', async () => {
    const store = await openStore(`file:${join(dir, 'job.db')}`);
    await store.accounts.create({
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    const base = Date.parse('2026-06-01T00:00:00.000Z');
    const at = (days: number) => new Date(base + days * DAY_MS).toISOString();
    const outcome = await store.events.appendBatches([
      {
        accountId: 'acme',
        events: [0, 10, 20].map((d) => makePendingEvent({ occurredAt: at(d), receivedAt: at(d) })),
      },
    ]);
    expect(outcome[0]?.ok).toBe(true);

    let now = new Date(base + 35 * DAY_MS);
    const job = startRetentionJob({ events: store.events, intervalSeconds: 0, clock: () => now });
    // Day 0 is older than 30 days on day 35; days 10 and 20 are not.
    expect((await job.runOnce()).deletedEvents).toBe(1);
    now = new Date(base + 45 * DAY_MS);
    expect((await job.runOnce()).deletedEvents).toBe(1);
    const left = await store.events.list('acme', { stream: 'central', limit: 10 });
    expect(left.events.map((e) => e.occurredAt)).toEqual([at(20)]);
    await job.stop();
    await store.close();
  });

  it('runs on its schedule without being asked', async () => {
    const store = await openStore(`file:${join(dir, 'schedule.db')}`);
    await store.accounts.create({
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 1,
    });
    const old = new Date(Date.now() - 3 * DAY_MS).toISOString();
    await store.events.appendBatches([
      { accountId: 'acme', events: [makePendingEvent({ occurredAt: old })] },
    ]);
    const job = startRetentionJob({ events: store.events, intervalSeconds: 0.05 });
    await expect
      .poll(async () => (await store.events.list('acme', { stream: 'central', limit: 10 })).events.length, {
        timeout: 5000,
      })
      .toBe(0);
    await job.stop();
    await store.close();
  });
});
