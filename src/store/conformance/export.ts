/**
 * @module Conformance: exportPage(). An account's whole events come back in seq order, exactly as
 * get() returns them, forming a chain that verifies; pages resume after any seq, stop at
 * throughSeq, honour the stream and time filters, and never hold another account's rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stream } from '../../events/catalog.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { DAY_MS, FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { ExportPage, ExportQuery, Store } from '../types.ts';
import { appendAll, expectIntactChain, type StoreRef } from './helpers.ts';

/**
 * A page's events, parsed from its lines. A line holding a newline would break NDJSON, and each
 * must be compact JSON, as JSON.stringify writes it.
 */
export function pageEvents(page: ExportPage): AuditEvent[] {
  return page.lines.map((line) => {
    expect(line.json).not.toContain('\n');
    const event = JSON.parse(line.json) as AuditEvent;
    expect(JSON.stringify(event)).toBe(line.json);
    expect(line.stream).toBe(event.stream);
    return event;
  });
}

/** Follows `next` from `query.afterSeq` to the end, checking every page on the way. */
export async function exportAll(
  store: Store,
  accountId: string,
  query: Partial<ExportQuery> & { throughSeq: number },
): Promise<AuditEvent[]> {
  const limit = query.limit ?? 4;
  const events: AuditEvent[] = [];
  let afterSeq = query.afterSeq ?? 0;
  for (let call = 0; call < 10_000; call++) {
    const page = await store.events.exportPage(accountId, { ...query, limit, afterSeq });
    const pageOfEvents = pageEvents(page);
    expect(pageOfEvents.length).toBeLessThanOrEqual(limit);
    for (const event of pageOfEvents) {
      expect(event.seq).toBeGreaterThan(afterSeq);
      expect(event.seq).toBeLessThanOrEqual(query.throughSeq);
      afterSeq = event.seq;
    }
    events.push(...pageOfEvents);
    if (page.next === null) return events;
    expect(page.next).toBeGreaterThanOrEqual(afterSeq);
    expect(page.next).toBeLessThan(query.throughSeq);
    if (pageOfEvents.length === 0) expect(page.next).toBeGreaterThan(afterSeq);
    afterSeq = page.next;
  }
  throw new Error('exportPage did not terminate');
}

const STREAM_CYCLE: Stream[] = ['central', 'media', 'central', 'access', 'media'];

/** 25 events over three streams and 25 minutes, appended in five batches. */
function mixedEvents() {
  return Array.from({ length: 25 }, (_, i) =>
    makePendingEvent({
      stream: STREAM_CYCLE[i % STREAM_CYCLE.length]!,
      occurredAt: isoPlus(FIXTURE_TIME, i * 60_000),
      request: { index: i, nested: { list: [i, `v${i}`, null] } },
      response: i % 3 === 0 ? null : { ok: i % 2 === 0 },
    }),
  );
}

/** Declares the exportPage() tests. */
export function describeExport(store: StoreRef): void {
  describe('exportPage', () => {
    const account = uniqueAccountId('export');
    const neighbour = uniqueAccountId('export_nb');
    let stored: AuditEvent[] = [];

    beforeAll(async () => {
      // Interleaved with another account's appends, so its seqs and rows sit right beside ours.
      const ours = mixedEvents();
      for (let i = 0; i < ours.length; i += 5) {
        stored.push(...(await appendAll(store(), account, ours.slice(i, i + 5))));
        await appendAll(store(), neighbour, mixedEvents().slice(0, 3));
      }
      stored = stored.sort((a, b) => a.seq - b.seq);
    });

    it('returns every event in seq order, exactly as get() does, in a chain that verifies', async () => {
      for (const limit of [1, 4, 25, 1000]) {
        const events = await exportAll(store(), account, { throughSeq: 25, limit });
        expect(events).toEqual(stored);
      }
      expectIntactChain(stored);
    });

    it('resumes after any seq with the prevHash linking to what came before', async () => {
      for (const afterSeq of [0, 1, 7, 24]) {
        const events = await exportAll(store(), account, { throughSeq: 25, afterSeq });
        expect(events).toEqual(stored.slice(afterSeq));
        expectIntactChain(events, afterSeq + 1, afterSeq === 0 ? GENESIS_HASH : stored[afterSeq - 1]!.hash);
      }
      expect(await store().events.exportPage(account, { afterSeq: 25, throughSeq: 25, limit: 10 })).toEqual({
        lines: [],
        next: null,
      });
    });

    it('stops at throughSeq, even when later events exist', async () => {
      expect(await exportAll(store(), account, { throughSeq: 10, limit: 3 })).toEqual(stored.slice(0, 10));
      expect(await exportAll(store(), account, { throughSeq: 1000 })).toEqual(stored);
    });

    it('keeps only the asked streams, each event still carrying its chain link', async () => {
      for (const streams of [['media'], ['central', 'access'], ['access']] as Stream[][]) {
        const events = await exportAll(store(), account, { throughSeq: 25, streams, limit: 2 });
        expect(events).toEqual(stored.filter((e) => streams.includes(e.stream)));
      }
      expect(await exportAll(store(), account, { throughSeq: 25, streams: [] })).toEqual([]);
    });

    it('keeps only events from `from` (inclusive) to `to` (exclusive)', async () => {
      const from = isoPlus(FIXTURE_TIME, 5 * 60_000);
      const to = isoPlus(FIXTURE_TIME, 12 * 60_000);
      const inRange = (e: AuditEvent) => e.occurredAt >= from && e.occurredAt < to;
      expect(await exportAll(store(), account, { throughSeq: 25, from, to })).toEqual(stored.filter(inRange));
      expect(await exportAll(store(), account, { throughSeq: 25, from, streams: ['media'] })).toEqual(
        stored.filter((e) => e.occurredAt >= from && e.stream === 'media'),
      );
    });

    it('moves on through a long stretch that matches nothing, in bounded calls', async () => {
      const sparse = uniqueAccountId('export_sparse');
      const events = Array.from({ length: 60 }, (_, i) =>
        makePendingEvent({ stream: i === 59 ? 'media' : 'central' }),
      );
      const all = await appendAll(store(), sparse, events);
      let calls = 0;
      let afterSeq = 0;
      const found: AuditEvent[] = [];
      for (let next: number | null = 0; next !== null; calls++) {
        const page = await store().events.exportPage(sparse, {
          afterSeq,
          throughSeq: 60,
          limit: 1,
          streams: ['media'],
        });
        found.push(...pageEvents(page));
        next = page.next;
        afterSeq = next ?? afterSeq;
      }
      expect(found).toEqual([all[59]]);
      expect(calls).toBeGreaterThan(1);
    });

    it('never returns another account’s rows, and nothing for an account without events', async () => {
      const theirs = await exportAll(store(), neighbour, { throughSeq: 1000 });
      expect(theirs.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect(theirs.every((e) => e.accountId === neighbour)).toBe(true);
      const ids = new Set(stored.map((e) => e.id));
      expect(theirs.some((e) => ids.has(e.id))).toBe(false);
      expectIntactChain(theirs);
      const empty = uniqueAccountId('export_empty');
      expect(await store().events.exportPage(empty, { afterSeq: 0, throughSeq: 100, limit: 10 })).toEqual({
        lines: [],
        next: null,
      });
    });

    it('exports unusual values exactly as get() does: odd ids, escapes, absent members', async () => {
      const id = uniqueAccountId('export_odd');
      const odd = 'quote " backslash \\ tab \t newline \n soh \u0001 bell \u0007 é 漢字 😀 \u2028';
      const events = [
        makePendingEvent({ id: 'evt-not-a-ulid', target: null, api: null, requestId: odd }),
        makePendingEvent({
          actor: { type: 'api_key', id: 'key_1' },
          target: { type: 'asset', id: odd, path: '/a/ü/"b"' },
          ip: null,
          httpStatus: null,
          idempotencyKey: 'idem-1',
          status: 'failure',
          userAgent: null,
          request: { text: odd, list: [1, -2.5, true, null, { 'k"ey': 'ü' }] },
          response: 'a string payload',
        }),
        ...Array.from({ length: 6 }, (_, i) =>
          makePendingEvent({
            api: { method: 'GET', route: '/v1/a b/:id', path: i === 0 ? 'null' : `/v1/${odd}` },
            target: { type: 'asset', id: `a${i}`, name: i % 2 === 0 ? 'null' : odd },
            request: { index: i, text: i % 2 === 0 ? 'ascii only' : odd, pad: 'x'.repeat(300 * i) },
            before: i === 3 ? { nested: { deep: [odd] } } : null,
          }),
        ),
      ];
      // One event alone (its detail kept inline), then batches whose details share blocks.
      const stored = [
        ...(await appendAll(store(), id, events.slice(0, 1))),
        ...(await appendAll(store(), id, events.slice(1))),
      ];
      for (const limit of [1, 3, 100]) {
        expect(await exportAll(store(), id, { throughSeq: stored.length, limit })).toEqual(stored);
      }
    });

    it('links the first event left after retention to the hash of the purged one', async () => {
      const id = uniqueAccountId('export_ret');
      await store().accounts.create({
        id,
        name: 'export retention',
        plan: 'enterprise',
        auditLogsEnabled: true,
        retentionDays: 30,
      });
      const ages = [60, 50, 40, 10, 5];
      const events = await appendAll(
        store(),
        id,
        ages.map((age) => makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, -age * DAY_MS) })),
      );
      await store().events.purgeExpired(new Date(FIXTURE_TIME));
      const left = await exportAll(store(), id, { throughSeq: 5, limit: 1 });
      expect(left).toEqual(events.slice(3));
      expectIntactChain(left, 4, events[2]!.hash);
    });
  });
}
