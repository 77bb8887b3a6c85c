/**
 * @module Conformance: retention. purgeExpired removes exactly the events older than each
 * account's retentionDays, leaves seq and the chain head alone, and appending continues the chain.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../events/schema.ts';
import { DAY_MS, FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { Store } from '../types.ts';
import { appendAll, appendOk, expectIntactChain, type StoreRef } from './helpers.ts';

const NOW = new Date(FIXTURE_TIME);
const daysAgo = (days: number) => isoPlus(FIXTURE_TIME, -days * DAY_MS);

async function accountWithEvents(store: Store, label: string, retentionDays: number, ages: number[]) {
  const id = uniqueAccountId(label);
  await store.accounts.create({ id, name: label, plan: 'enterprise', auditLogsEnabled: true, retentionDays });
  const events = await appendAll(
    store,
    id,
    ages.map((age) => makePendingEvent({ occurredAt: daysAgo(age) })),
  );
  return { id, events };
}

async function remainingIds(store: Store, accountId: string): Promise<string[]> {
  const page = await store.events.list(accountId, { stream: 'central', limit: 200 });
  return page.events.map((e) => e.id);
}

/** Declares the retention tests. */
export function describeRetention(store: StoreRef): void {
  describe('purgeExpired', () => {
    it('removes events older than each account’s retention and keeps the rest unchanged', async () => {
      // Ages in days; exactly 30 days old is not yet expired (occurredAt < now - retention expires).
      const short = await accountWithEvents(store(), 'ret_short', 30, [45, 40, 31, 30, 29, 1]);
      const long = await accountWithEvents(store(), 'ret_long', 365, [45, 40, 1]);
      const headBefore = await store().events.head(short.id);

      const result = await store().events.purgeExpired(NOW, { batchSize: 1 });
      expect(typeof result.deletedEvents).toBe('number');
      expect(Array.isArray(result.droppedPartitions)).toBe(true);

      const kept = short.events.slice(3);
      expect(await remainingIds(store(), short.id)).toEqual(kept.map((e) => e.id).reverse());
      for (const gone of short.events.slice(0, 3))
        expect(await store().events.get(short.id, gone.id)).toBeNull();
      for (const event of kept) expect(await store().events.get(short.id, event.id)).toEqual(event);
      expect(await remainingIds(store(), long.id)).toEqual(long.events.map((e) => e.id).reverse());
      expect(await store().events.head(short.id)).toEqual(headBefore);

      await store().events.purgeExpired(NOW);
      expect(await remainingIds(store(), short.id)).toHaveLength(3);

      const [appended] = await appendOk(store(), short.id, [makePendingEvent({ occurredAt: FIXTURE_TIME })]);
      expect(appended!.seq).toBe(7);
      const next = (await store().events.get(short.id, appended!.id))!;
      expectIntactChain([...kept, next], 4, kept[0]!.prevHash);
    });

    it('continues seq and the chain after every event of an account expired', async () => {
      const gone = await accountWithEvents(store(), 'ret_all', 1, [10, 9]);
      const headBefore = await store().events.head(gone.id);
      await store().events.purgeExpired(NOW);
      expect(await remainingIds(store(), gone.id)).toEqual([]);
      expect(await store().events.head(gone.id)).toEqual(headBefore);
      const [appended] = await appendOk(store(), gone.id, [makePendingEvent({ occurredAt: FIXTURE_TIME })]);
      const stored: AuditEvent = (await store().events.get(gone.id, appended!.id))!;
      expect(stored.seq).toBe(3);
      expect(stored.prevHash).toBe(headBefore.hash);
      expectIntactChain([stored], 3, headBefore.hash);
    });
  });
}
