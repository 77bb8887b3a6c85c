/**
 * @module Conformance: tenant isolation, literal treatment of SQL metacharacters, and actors().
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../events/schema.ts';
import { isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import { appendAll, appendOk, referenceList, type StoreRef } from './helpers.ts';
import { listDataset } from './list.ts';

const ISOLATION_QUERIES: Array<Omit<EventQuery, 'limit'>> = [
  { stream: 'central' },
  { stream: 'media' },
  { stream: 'central', actorIds: ['u1', 'u2'] },
  { stream: 'central', operations: ['delete'] },
  { stream: 'central', categories: ['billing'] },
  { stream: 'central', status: 'failure' },
  { stream: 'media', targetPath: '/products/shoe.jpg' },
  { stream: 'central', requestId: 'req_2' },
  { stream: 'central', q: 'alice' },
  { stream: 'central', q: 'ep' },
];

/** Values that would change a query's meaning if pasted into SQL or a LIKE pattern. */
const NASTY = ['a%b', 'axb', 'a_b', 'a\\b', "x' OR 1=1 --", 'plain'];

const METACHAR_QUERIES: Array<Omit<EventQuery, 'limit'>> = [
  ...['%', '_', '\\', "' OR 1=1 --", 'a%b', 'a_b', 'a\\b', 'x', '%b', "'"].map((q) => ({
    stream: 'media' as const,
    q,
  })),
  ...NASTY.map((v) => ({ stream: 'media' as const, targetPath: `/dir/${v}.jpg` })),
  { stream: 'media', targetPath: '/dir/%' },
  { stream: 'media', actorIds: ['actor a_b'] },
  { stream: 'media', actorIds: ["actor x' OR 1=1 --"] },
  { stream: 'media', actorIds: ['%'] },
  { stream: 'media', requestId: 'req a%b' },
  { stream: 'media', requestId: 'req %' },
  { stream: 'media', operations: ["' OR 1=1 --"] },
  { stream: 'media', categories: ['%'] },
];

/** Declares the isolation, metacharacter and actors() tests. */
export function describeIsolation(store: StoreRef): void {
  describe('isolation between accounts', () => {
    const one = uniqueAccountId('iso_one');
    const two = uniqueAccountId('iso_two');
    let eventsOne: AuditEvent[] = [];
    let eventsTwo: AuditEvent[] = [];

    beforeAll(async () => {
      // Same content (actors, request ids, paths, times) in both accounts; only the ids differ.
      eventsOne = await appendAll(store(), one, listDataset());
      eventsTwo = await appendAll(store(), two, listDataset());
    });

    it.each(ISOLATION_QUERIES)('lists only the account’s own rows for %o', async (query) => {
      for (const [account, own] of [
        [one, eventsOne],
        [two, eventsTwo],
      ] as const) {
        const page = await store().events.list(account, { ...query, limit: 200 });
        expect(page.events.map((e) => e.id)).toEqual(
          referenceList(own, { ...query, limit: 200 }).map((e) => e.id),
        );
      }
    });

    it('gets, heads and actors only within the account', async () => {
      expect(await store().events.get(one, eventsTwo[0]!.id)).toBeNull();
      expect(await store().events.get(two, eventsOne[0]!.id)).toBeNull();
      const [headOne, headTwo] = [await store().events.head(one), await store().events.head(two)];
      expect(headOne.seq).toBe(36);
      expect(headTwo.seq).toBe(36);
      expect(headOne.hash).not.toBe(headTwo.hash);
      await appendOk(store(), one, [makePendingEvent({ actor: { type: 'user', id: 'only-in-one' } })]);
      expect(await store().events.head(two)).toEqual(headTwo);
      expect((await store().events.actors(two, 'central')).map((a) => a.id)).not.toContain('only-in-one');
      expect((await store().events.actors(one, 'central')).map((a) => a.id)).toContain('only-in-one');
    });
  });

  describe('SQL and LIKE metacharacters are literal', () => {
    const account = uniqueAccountId('meta');
    let stored: AuditEvent[] = [];

    beforeAll(async () => {
      stored = await appendAll(
        store(),
        account,
        NASTY.map((v, i) =>
          makePendingEvent({
            stream: 'media',
            category: 'files',
            operation: 'upload',
            actor: { type: 'user', id: `actor ${v}` },
            target: { type: 'file', id: `f${i}`, name: 'file', path: `/dir/${v}.jpg` },
            api: { method: 'POST', route: '/v1/files', path: '/v1/files' },
            requestId: `req ${v}`,
            occurredAt: isoPlus('2026-10-01T00:00:00.000Z', i * 1000),
          }),
        ),
      );
    });

    it.each(METACHAR_QUERIES)('matches %o literally', async (query) => {
      const expected = referenceList(stored, { ...query, limit: 200 }).map((e) => e.id);
      const page = await store().events.list(account, { ...query, limit: 200 });
      expect(page.events.map((e) => e.id)).toEqual(expected);
      expect(expected.length).toBeLessThan(2 + Number(query.q === 'x'));
    });
  });

  describe('actors', () => {
    it('lists distinct actors of a stream by id with their latest email and name', async () => {
      const account = uniqueAccountId('actors');
      const at = (i: number) => isoPlus('2026-09-01T00:00:00.000Z', i * 60_000);
      await appendOk(store(), account, [
        makePendingEvent({
          actor: { type: 'user', id: 'u2', email: 'old@example.com', name: 'Old' },
          occurredAt: at(0),
        }),
        makePendingEvent({ actor: { type: 'user', id: 'u1', email: 'one@example.com' }, occurredAt: at(1) }),
        makePendingEvent({ actor: { type: 'api_key', id: 'key_7', name: 'CI' }, occurredAt: at(2) }),
        makePendingEvent({
          actor: { type: 'user', id: 'u2', email: 'new@example.com', name: 'New' },
          occurredAt: at(3),
        }),
        makePendingEvent({
          stream: 'media',
          category: 'files',
          operation: 'upload',
          actor: { type: 'user', id: 'u9' },
        }),
      ]);
      expect(await store().events.actors(account, 'central')).toEqual([
        { type: 'api_key', id: 'key_7', name: 'CI' },
        { type: 'user', id: 'u1', email: 'one@example.com' },
        { type: 'user', id: 'u2', email: 'new@example.com', name: 'New' },
      ]);
      expect(await store().events.actors(account, 'media')).toEqual([{ type: 'user', id: 'u9' }]);
      expect(await store().events.actors(uniqueAccountId('no_actors'), 'central')).toEqual([]);
    });
  });
}
