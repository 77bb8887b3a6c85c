/**
 * @module Retention on PostgreSQL: whole months expired for every account in them are dropped,
 * partly expired months lose only their expired rows, months holding rows of an account with
 * unknown retention stay, and a partition left detached by an interrupted purge is resolved.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreFixture, type StoreFixture } from '../../../test/support/postgres-store.ts';
import type { PendingEvent } from '../../events/chain.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';

const NOW = new Date('2026-11-28T00:00:00.000Z');

let fixture: StoreFixture;
let store: PostgresStore;
let client: pg.Client;

async function partitionNames(): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relkind = 'r' AND c.relname ~ '^events_[0-9]{4}_[0-9]{2}$' ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function append(accountId: string, events: PendingEvent[]): Promise<void> {
  const [outcome] = await store.events.appendBatches([{ accountId, events }]);
  expect(outcome?.ok).toBe(true);
}

async function account(label: string, retentionDays: number): Promise<string> {
  const id = uniqueAccountId(label);
  await store.accounts.create({ id, name: label, plan: 'enterprise', auditLogsEnabled: true, retentionDays });
  return id;
}

beforeAll(async () => {
  fixture = await openStoreFixture({ clock: () => NOW });
  ({ store, client } = fixture);
});

afterAll(() => fixture?.close());

describe('purgeExpired on partitions', () => {
  it('drops wholly expired months, deletes expired rows elsewhere and keeps unknown accounts’ months', async () => {
    const short = await account('p_short', 30); // expired before 2026-10-29
    const long = await account('p_long', 400); // expired before 2025-10-24
    const orphan = uniqueAccountId('p_orphan'); // no account record: retention unknown
    const ev = (occurredAt: string, idempotencyKey: string | null = null) =>
      makePendingEvent({ occurredAt, idempotencyKey });
    const shortEvents = [
      ev('2020-05-05T00:00:00.000Z'),
      ev('2026-01-10T00:00:00.000Z', 'k-dropped'),
      ev('2026-10-20T00:00:00.000Z', 'k-deleted'),
      ev('2026-11-10T00:00:00.000Z'),
    ];
    const longEvents = [ev('2025-10-01T00:00:00.000Z'), ev('2026-02-01T00:00:00.000Z')];
    await append(short, shortEvents);
    await append(long, longEvents);
    await append(orphan, [ev('2024-12-05T00:00:00.000Z')]);
    const headBefore = await store.events.head(short);

    const result = await store.events.purgeExpired(NOW, { batchSize: 1 });

    expect(result.droppedPartitions.sort()).toEqual(['events_2020_05', 'events_2026_01']);
    expect(result.deletedEvents).toBe(2);
    const names = await partitionNames();
    expect(names).not.toContain('events_2020_05');
    expect(names).not.toContain('events_2026_01');
    // Empty months stay while the 400-day account could still receive late events for them.
    expect(names).toContain('events_2026_04');
    expect(names).toContain('events_2024_12');
    const kept = async (id: string, e: PendingEvent) => (await store.events.get(id, e.id)) !== null;
    expect(await Promise.all(shortEvents.map((e) => kept(short, e)))).toEqual([false, false, false, true]);
    expect(await Promise.all(longEvents.map((e) => kept(long, e)))).toEqual([false, true]);
    expect((await store.events.list(orphan, { stream: 'central', limit: 10 })).events).toHaveLength(1);
    expect(await store.events.head(short)).toEqual(headBefore);

    // The idempotency keys of purged events are released with them.
    const again = [ev('2026-11-27T00:00:00.000Z', 'k-dropped'), ev('2026-11-27T00:00:01.000Z', 'k-deleted')];
    const [outcome] = await store.events.appendBatches([{ accountId: short, events: again }]);
    expect(outcome).toEqual({
      ok: true,
      events: again.map((e, i) => ({ id: e.id, seq: headBefore.seq + 1 + i, duplicate: false })),
    });
  });

  it('re-attaches a month left detached with rows to keep, and drops one with only expired rows', async () => {
    const short = await account('d_short', 30);
    const long = await account('d_long', 400);
    const keep = makePendingEvent({ occurredAt: '2025-11-05T00:00:00.000Z' });
    const expired = makePendingEvent({ occurredAt: '2026-03-03T00:00:00.000Z' });
    await append(long, [keep]);
    await append(short, [expired]);
    // As an interrupted purge would leave them: detached, not dropped.
    await client.query('ALTER TABLE events DETACH PARTITION events_2025_11');
    await client.query('ALTER TABLE events DETACH PARTITION events_2026_03');
    expect(await store.events.get(long, keep.id)).toBeNull();

    const result = await store.events.purgeExpired(NOW);

    expect(result.droppedPartitions).toContain('events_2026_03');
    expect(result.droppedPartitions).not.toContain('events_2025_11');
    expect(await partitionNames()).not.toContain('events_2026_03');
    expect((await store.events.get(long, keep.id))?.id).toBe(keep.id);
    const [outcome] = await store.events.appendBatches([
      { accountId: long, events: [makePendingEvent({ occurredAt: '2025-11-06T00:00:00.000Z' })] },
    ]);
    expect(outcome?.ok).toBe(true);
  });

  it('serialises purges of two servers and removes each event once', async () => {
    const short = await account('c_short', 10);
    await append(
      short,
      Array.from({ length: 6 }, (_, i) =>
        makePendingEvent({ occurredAt: `2026-11-0${i + 1}T00:00:00.000Z` }),
      ),
    );
    const other = createPostgresStore({ connectionString: fixture.database.url });
    try {
      const results = await Promise.all(
        [store, other].map((s) => s.events.purgeExpired(NOW, { batchSize: 2 })),
      );
      expect(results.reduce((sum, r) => sum + r.deletedEvents, 0)).toBe(6);
    } finally {
      await other.close();
    }
    expect((await store.events.list(short, { stream: 'central', limit: 10 })).events).toEqual([]);
  });
});
