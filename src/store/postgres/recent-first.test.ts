/**
 * @module List pages read recent months first (recent-first.ts): pages that the recent months
 * fill, pages that continue into older months, ranges and keysets on either side of the split,
 * and events dated after the store's clock all equal the reference model; the first step is
 * planned over the recent partitions only.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreFixture, type StoreFixture } from '../../../test/support/postgres-store.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendOk, listAll, referenceList } from '../conformance/helpers.ts';
import { DAY_MS, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import type { PostgresStore } from './index.ts';
import { listSql } from './list-sql.ts';
import { splitPoint } from './recent-first.ts';

const NOW = '2026-12-03T09:00:00.000Z';
/** The split of a page without bounds at NOW: the start of the month before. */
const SPLIT = '2026-11-01T00:00:00.000Z';

/**
 * Six months of events, one every 8 hours, newest 40 days after NOW (clock skew, or a clock
 * that is behind): actor u0 only before the split, u1 everywhere, u2 a few times in each month.
 */
function dataset() {
  return Array.from({ length: 560 }, (_, i) => {
    const occurredAt = isoPlus(NOW, 40 * DAY_MS - i * 8 * 3_600_000);
    const recent = occurredAt >= SPLIT;
    const actor = i % 30 === 0 ? 'u2' : recent || i % 2 === 0 ? 'u1' : 'u0';
    return makePendingEvent({
      stream: i % 4 === 3 ? 'media' : 'central',
      category: i % 3 === 0 ? 'billing' : 'settings',
      operation: 'update',
      actor: { type: 'user', id: actor },
      target: { type: 'file', id: `f_${i % 20}`, path: `/library/f_${i % 20}.jpg` },
      requestId: `req_${i}`,
      occurredAt,
    });
  });
}

let fixture: StoreFixture;
let store: PostgresStore;
let client: pg.Client;
const account = uniqueAccountId('recent');
let events: AuditEvent[] = [];

beforeAll(async () => {
  fixture = await openStoreFixture({ clock: () => new Date(NOW) });
  ({ store, client } = fixture);
  const pending = dataset();
  await appendOk(store, account, pending);
  events = pending as unknown as AuditEvent[];
});

afterAll(() => fixture?.close());

const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
const middle = isoPlus(SPLIT, -45 * DAY_MS);

/** [label, query without limit]. */
const QUERIES: Array<[string, Omit<EventQuery, 'limit'>]> = [
  ['the first page (recent months fill it)', { stream: 'central' }],
  ['an actor seen only before the split', { stream: 'central', actorIds: ['u0'] }],
  ['an actor seen a few times a month', { stream: 'central', actorIds: ['u2'] }],
  ['several actors', { stream: 'central', actorIds: ['u0', 'u2'] }],
  ['a category in the other stream', { stream: 'media', categories: ['billing'] }],
  ['failures only (none)', { stream: 'central', status: 'failure' }],
  ['from a date before the split', { stream: 'central', from: middle }],
  ['from a date after the split', { stream: 'central', from: isoPlus(SPLIT, 10 * DAY_MS) }],
  ['up to a date in an older month', { stream: 'central', to: middle }],
  ['within a range across the split', { stream: 'central', from: middle, to: isoPlus(SPLIT, DAY_MS) }],
  ['an asset path', { stream: 'central', targetPath: '/library/f_4.jpg' }],
  ['an asset path within a range', { stream: 'central', targetPath: '/library/f_4.jpg', from: middle }],
  ['an asset path and an actor', { stream: 'central', targetPath: '/library/f_4.jpg', actorIds: ['u1'] }],
  ['a request id', { stream: 'central', requestId: 'req_300' }],
];

describe('recent months first: pages equal the reference', () => {
  it.each(QUERIES)('%s, on one page', async (_label, query) => {
    const page = await store.events.list(account, { ...query, limit: 50 });
    if (query.targetPath) expect(page.events.length).toBeGreaterThan(0);
    expect(ids(page.events)).toEqual(ids(referenceList(events, { ...query, limit: 50 }).slice(0, 50)));
  });

  it.each(QUERIES)('%s, page by page', async (_label, query) => {
    const rows = await listAll(store, account, { ...query, limit: 9 });
    expect(ids(rows)).toEqual(ids(referenceList(events, { ...query, limit: 9 })));
  });

  it('continues after a keyset in an older month', async () => {
    const query = { stream: 'central' as const, actorIds: ['u1'], limit: 20 };
    const all = referenceList(events, query);
    const at = all.findIndex((e) => e.occurredAt < middle);
    const after = { occurredAt: all[at]!.occurredAt, id: all[at]!.id };
    const page = await store.events.list(account, { ...query, after });
    expect(ids(page.events)).toEqual(ids(all.slice(at + 1, at + 21)));
  });
});

describe('splitPoint', () => {
  const now = new Date(NOW);
  const base = { stream: 'central' as const, limit: 50 };

  it('is the start of the month before now without an upper bound', () => {
    expect(splitPoint(base, now)).toBe(SPLIT);
    expect(splitPoint(base, new Date('2026-01-01T00:00:00.000Z'))).toBe('2025-12-01T00:00:00.000Z');
  });

  it("is the start of the keyset's month, else of the month before `to`", () => {
    const after = { occurredAt: '2026-07-19T10:00:00.000Z', id: '01J' };
    expect(splitPoint({ ...base, after }, now)).toBe('2026-07-01T00:00:00.000Z');
    expect(splitPoint({ ...base, to: '2026-05-02T00:00:00.000Z' }, now)).toBe('2026-05-01T00:00:00.000Z');
    expect(splitPoint({ ...base, to: '2026-05-01T00:00:00.000Z' }, now)).toBe('2026-04-01T00:00:00.000Z');
  });
});

describe('the recent step', () => {
  it('is planned over the partitions from the split on, future months included', async () => {
    const { sql, params } = listSql(account, { stream: 'central', limit: 50 }, { from: SPLIT });
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    const scanned = new Set(
      rows.flatMap((r) => /\bon (events_\d{4}_\d{2})\b/.exec(r['QUERY PLAN'])?.[1] ?? []),
    );
    expect([...scanned].sort()).toEqual([
      'events_2026_11',
      'events_2026_12',
      'events_2027_01',
      'events_2027_02',
      'events_2027_03',
    ]);
  });
});
