/**
 * @module Conformance: list(). Every filter and combination is compared with the reference model
 * in helpers.ts, on one page and page by page; pagination is checked for exactly-once visits, ties
 * and stability while new events arrive.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import type { Actor, AuditEvent } from '../../events/schema.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import { appendAll, appendOk, listAll, referenceList, type StoreRef, toSummary } from './helpers.ts';

const ACTORS: Actor[] = [
  { type: 'user', id: 'u1', email: 'alice@Example.com', name: 'Alice Liddell' },
  { type: 'user', id: 'u2', email: 'bob@example.com', name: 'Bob' },
  { type: 'user', id: 'u3', name: 'Carol' },
  { type: 'api_key', id: 'key_7', name: 'Deploy key' },
];
const CENTRAL = ['url_endpoints', 'settings', 'billing'] as const;
const MEDIA_PATHS = ['/products/shoe.jpg', '/products/Hat.PNG', '/archive/old.jpg'];

/** 36 events: both streams, four actors, pairs sharing an occurredAt, every fourth a failure. */
export function listDataset(): PendingEvent[] {
  return Array.from({ length: 36 }, (_, i) => {
    const media = i % 3 === 2;
    const category = media ? 'files' : CENTRAL[Math.floor(i / 2) % 3]!;
    const slug = category.replace('_', '-');
    const path = MEDIA_PATHS[(i >> 2) % 3]!;
    return makePendingEvent({
      stream: media ? 'media' : 'central',
      category,
      operation: media
        ? ['upload', 'move', 'delete'][(i % 4) % 3]!
        : ['create', 'update', 'delete'][(i % 5) % 3]!,
      actor: ACTORS[i % 4]!,
      target: media
        ? { type: 'file', id: `file_${i}`, name: path.slice(path.lastIndexOf('/') + 1), path }
        : { type: category, id: `ep_${i}`, name: `Item ${i}` },
      api: { method: 'PATCH', route: `/v1/${slug}/:id`, path: `/v1/${slug}/ep_${i}` },
      status: i % 4 === 3 ? 'failure' : 'success',
      httpStatus: i % 4 === 3 ? 422 : 200,
      requestId: `req_${i % 5}`,
      occurredAt: isoPlus(FIXTURE_TIME, -Math.floor(i / 2) * 60_000),
    });
  });
}

const t = (i: number) => isoPlus(FIXTURE_TIME, -i * 60_000);

/** [label, query without limit, whether an empty result is the expected answer]. */
const QUERIES: Array<[string, Omit<EventQuery, 'limit'>, boolean?]> = [
  ['stream central', { stream: 'central' }],
  ['stream media', { stream: 'media' }],
  ['one actor', { stream: 'central', actorIds: ['u1'] }],
  ['several actors', { stream: 'central', actorIds: ['u1', 'u3'] }],
  ['one operation', { stream: 'central', operations: ['delete'] }],
  ['several operations', { stream: 'central', operations: ['create', 'delete'] }],
  ['one category', { stream: 'central', categories: ['billing'] }],
  ['several categories', { stream: 'central', categories: ['url_endpoints', 'settings'] }],
  ['status failure', { stream: 'central', status: 'failure' }],
  ['status success', { stream: 'media', status: 'success' }],
  ['from (inclusive)', { stream: 'central', from: t(5) }],
  ['to (exclusive)', { stream: 'central', to: t(5) }],
  ['from and to', { stream: 'central', from: t(12), to: t(4) }],
  ['target path', { stream: 'media', targetPath: '/products/shoe.jpg' }],
  ['request id', { stream: 'central', requestId: 'req_3' }],
  ['q in the api path, other case', { stream: 'central', q: 'URL-ENDPOINTS' }],
  ['q in the target name and path', { stream: 'media', q: 'hat.png' }],
  ['q in the actor email', { stream: 'central', q: 'ALICE@example' }],
  ['q in the actor name only', { stream: 'central', q: 'carol' }],
  ['q of two characters', { stream: 'central', q: 'Li' }],
  ['q of one character', { stream: 'central', q: 'b' }],
  ['q matching nothing', { stream: 'central', q: 'zzz-nothing' }, true],
  [
    'actors, operations and from',
    { stream: 'central', actorIds: ['u1', 'u2'], operations: ['update', 'delete'], from: t(14) },
  ],
  [
    'categories, status and q',
    { stream: 'central', categories: ['url_endpoints', 'billing'], status: 'success', q: 'ep_1' },
  ],
  [
    'actor, target path and q',
    { stream: 'media', actorIds: ['u2', 'u3', 'key_7'], targetPath: '/archive/old.jpg', q: 'old' },
  ],
  ['request id and to', { stream: 'central', requestId: 'req_1', to: t(10) }],
];

/** Declares the list() tests. */
export function describeList(store: StoreRef): void {
  describe('list: filters', () => {
    const account = uniqueAccountId('list');
    let stored: AuditEvent[] = [];

    beforeAll(async () => {
      stored = await appendAll(store(), account, listDataset());
    });

    it.each(QUERIES)('filters by %s', async (_label, query, emptyExpected) => {
      const expected = referenceList(stored, { ...query, limit: 200 });
      expect(expected.length === 0).toBe(emptyExpected === true);
      const page = await store().events.list(account, { ...query, limit: 200 });
      expect(page.events.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      expect(page.next).toBeNull();
      const paged = await listAll(store(), account, { ...query, limit: 3 });
      expect(paged.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    });

    it('returns rows shaped exactly as EventSummary', async () => {
      const page = await store().events.list(account, { stream: 'media', limit: 200 });
      const expected = referenceList(stored, { stream: 'media', limit: 200 });
      expect(page.events).toEqual(expected.map(toSummary));
    });

    it('honours the limit and points next at the last row', async () => {
      const page = await store().events.list(account, { stream: 'central', limit: 5 });
      expect(page.events).toHaveLength(5);
      const last = page.events[4]!;
      expect(page.next).toEqual({ occurredAt: last.occurredAt, id: last.id });
    });
  });

  describe('list: keyset pagination', () => {
    it('returns next = null when the rows end exactly at a page boundary', async () => {
      const account = uniqueAccountId('boundary');
      await appendOk(
        store(),
        account,
        Array.from({ length: 6 }, (_, i) => makePendingEvent({ occurredAt: t(i) })),
      );
      const first = await store().events.list(account, { stream: 'central', limit: 3 });
      expect(first.next).not.toBeNull();
      const second = await store().events.list(account, { stream: 'central', limit: 3, after: first.next! });
      expect(second.events).toHaveLength(3);
      expect(second.next).toBeNull();
      expect((await store().events.list(account, { stream: 'central', limit: 6 })).next).toBeNull();
    });

    it('breaks ties on occurredAt by id, descending, across pages', async () => {
      const account = uniqueAccountId('ties');
      const pending = Array.from({ length: 7 }, () => makePendingEvent({ occurredAt: FIXTURE_TIME }));
      // Append in an order unrelated to id order, so seq order cannot stand in for id order.
      const shuffled = [3, 0, 6, 1, 5, 2, 4].map((i) => pending[i]!);
      for (const event of shuffled) await appendOk(store(), account, [event]);
      const rows = await listAll(store(), account, { stream: 'central', limit: 2 });
      expect(rows.map((r) => r.id)).toEqual(
        pending
          .map((p) => p.id)
          .sort()
          .reverse(),
      );
    });

    it('visits every row once while newer and older events are appended between pages', async () => {
      const account = uniqueAccountId('stable');
      const original = await appendAll(
        store(),
        account,
        Array.from({ length: 12 }, (_, i) => makePendingEvent({ occurredAt: t(Math.floor(i / 3)) })),
      );
      const older: AuditEvent[] = [];
      const rows = await listAll(store(), account, { stream: 'central', limit: 4 }, async (page) => {
        await appendOk(store(), account, [
          makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, 3_600_000 + page) }),
        ]);
        older.push(
          ...(await appendAll(store(), account, [makePendingEvent({ occurredAt: t(1000 + page) })])),
        );
      });
      const ids = rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(
        referenceList([...original, ...older], { stream: 'central', limit: 1 }).map((e) => e.id),
      );
    });
  });
}
