/**
 * @module Monthly partitions: the month arithmetic, the window created at migrate, and months
 * created on demand when an event falls outside it.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreFixture, type StoreFixture } from '../../../test/support/postgres-store.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';
import { monthOf, monthStart, parsePartitionName, partitionName } from './partitions.ts';

describe('month arithmetic', () => {
  it('names, parses and bounds months in UTC', () => {
    const november = monthOf(new Date('2026-11-30T23:59:59.999Z'));
    expect(partitionName(november)).toBe('events_2026_11');
    expect(parsePartitionName('events_2026_11')).toBe(november);
    expect(monthStart(november).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(monthStart(november + 2).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthOf(new Date('2026-12-01T00:00:00.000Z'))).toBe(november + 1);
  });

  it('handles years below 100, which Date.UTC would shift to the 1900s', () => {
    const month = monthOf(new Date('0042-03-10T00:00:00.000Z'));
    expect(partitionName(month)).toBe('events_0042_03');
    expect(monthStart(month).toISOString()).toBe('0042-03-01T00:00:00.000Z');
  });

  it('rejects names that are not monthly partitions', () => {
    expect(parsePartitionName('events_2026_13')).toBeNull();
    expect(parsePartitionName('events_2026_1')).toBeNull();
    expect(parsePartitionName('event_keys')).toBeNull();
  });
});

describe('partitions in the database', () => {
  let fixture: StoreFixture;
  let store: PostgresStore;
  let client: pg.Client;

  async function partitions(): Promise<Array<{ name: string; bound: string }>> {
    const { rows } = await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass ORDER BY c.relname`,
    );
    return rows;
  }

  beforeAll(async () => {
    fixture = await openStoreFixture({ clock: () => new Date('2026-11-28T10:00:00Z') });
    ({ store, client } = fixture);
  });

  afterAll(() => fixture?.close());

  it('creates 13 months back to 3 ahead at migrate, and no DEFAULT partition', async () => {
    const names = (await partitions()).map((p) => p.name);
    expect(names).toHaveLength(17);
    expect(names[0]).toBe('events_2025_10');
    expect(names.at(-1)).toBe('events_2027_02');
    const november = (await partitions()).find((p) => p.name === 'events_2026_11')!;
    expect(november.bound).toContain("FROM ('2026-11-01");
    expect(november.bound).toContain("TO ('2026-12-01");
    expect((await partitions()).some((p) => p.bound === 'DEFAULT')).toBe(false);
  });

  it('creates a month on demand for an event outside the window, and stores the event in it', async () => {
    const account = uniqueAccountId('far');
    const old = makePendingEvent({ occurredAt: '2019-03-04T05:06:07.089Z' });
    const future = makePendingEvent({ occurredAt: '2031-01-31T23:59:59.999Z' });
    const [outcome] = await store.events.appendBatches([{ accountId: account, events: [old, future] }]);
    expect(outcome?.ok).toBe(true);
    const names = (await partitions()).map((p) => p.name);
    expect(names).toContain('events_2019_03');
    expect(names).toContain('events_2031_01');
    const { rows } = await client.query<{ name: string }>(
      'SELECT tableoid::regclass::text AS name FROM events WHERE account_id = $1 ORDER BY occurred_at',
      [account],
    );
    expect(rows.map((r) => r.name)).toEqual(['events_2019_03', 'events_2031_01']);
    expect((await store.events.get(account, old.id))?.occurredAt).toBe(old.occurredAt);
  });

  it('creates the same new month once when two stores race for it', async () => {
    const other = createPostgresStore({ connectionString: fixture.database.url });
    try {
      const results = await Promise.all(
        [store, other].map((s) =>
          s.events.appendBatches([
            {
              accountId: uniqueAccountId('race'),
              events: [makePendingEvent({ occurredAt: '2033-07-07T00:00:00.000Z' })],
            },
          ]),
        ),
      );
      expect(results.flat().every((o) => o.ok)).toBe(true);
      expect((await partitions()).filter((p) => p.name === 'events_2033_07')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('ensurePartitions(now) extends the window as time passes', async () => {
    await store.ensurePartitions(new Date('2027-06-15T00:00:00Z'));
    const names = (await partitions()).map((p) => p.name);
    expect(names).toContain('events_2027_09');
    expect(names).not.toContain('events_2027_10');
  });
});
