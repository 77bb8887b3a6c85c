/**
 * @module Conformance: appending. Sequence numbers, the hash chain, group commit with per-batch
 * atomicity, and idempotency keys.
 */
import { describe, expect, it } from 'vitest';
import { isAuditlogError } from '../../errors.ts';
import { GENESIS_HASH, type PendingEvent, sealEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { AppendBatch } from '../types.ts';
import { appendOk, expectIntactChain, type StoreRef } from './helpers.ts';

function events(n: number, overrides: Partial<PendingEvent> = {}): PendingEvent[] {
  return Array.from({ length: n }, (_, i) =>
    makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, i), ...overrides }),
  );
}

/** Declares the append tests. */
export function describeAppend(store: StoreRef): void {
  describe('appendBatches: sequence and chain', () => {
    it('reports seq 0 and the genesis hash for an account without events', async () => {
      expect(await store().events.head(uniqueAccountId('empty'))).toEqual({ seq: 0, hash: GENESIS_HASH });
    });

    it('assigns gap-free seq from 1 across calls and chains every hash to the previous one', async () => {
      const account = uniqueAccountId('chain');
      const pending = events(6);
      const seqs: number[] = [];
      for (const slice of [pending.slice(0, 2), pending.slice(2, 3), pending.slice(3)]) {
        const appended = await appendOk(store(), account, slice);
        expect(appended.map((a) => a.id)).toEqual(slice.map((p) => p.id));
        expect(appended.every((a) => a.duplicate === false)).toBe(true);
        seqs.push(...appended.map((a) => a.seq));
      }
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
      const stored = await Promise.all(pending.map(async (p) => (await store().events.get(account, p.id))!));
      expectIntactChain(stored);
      expect(await store().events.head(account)).toEqual({ seq: 6, hash: stored[5]!.hash });
    });

    it('stores exactly the event sealEvent() computes', async () => {
      const account = uniqueAccountId('seal');
      const [first, second] = events(2);
      await appendOk(store(), account, [first!, second!]);
      const sealedFirst = sealEvent(first!, account, 1, GENESIS_HASH);
      expect(await store().events.get(account, first!.id)).toEqual(sealedFirst);
      expect(await store().events.get(account, second!.id)).toEqual(
        sealEvent(second!, account, 2, sealedFirst.hash),
      );
    });

    it('normalizes times to millisecond UTC ISO and missing payloads to null before hashing', async () => {
      const account = uniqueAccountId('normal');
      const pending = makePendingEvent({
        occurredAt: '2026-03-01T11:00:00+01:00',
        receivedAt: '2026-03-01T10:00:01Z',
        request: undefined,
        after: undefined,
      });
      await appendOk(store(), account, [pending]);
      const stored = (await store().events.get(account, pending.id))!;
      expect(stored.occurredAt).toBe('2026-03-01T10:00:00.000Z');
      expect(stored.receivedAt).toBe('2026-03-01T10:00:01.000Z');
      expect(stored.request).toBeNull();
      expect(stored.after).toBeNull();
      expectIntactChain([stored]);
    });

    it('keeps seq gap-free and the chain intact under concurrent appendBatches calls', async () => {
      const account = uniqueAccountId('concurrent');
      const other = uniqueAccountId('concurrent_other');
      const calls: AppendBatch[][] = Array.from({ length: 8 }, () => [
        { accountId: account, events: events(3) },
        { accountId: other, events: events(1) },
        { accountId: account, events: events(2) },
      ]);
      const outcomes = (
        await Promise.all(calls.map((batches) => store().events.appendBatches(batches)))
      ).flat();
      const seqs = outcomes
        .filter((_, i) => i % 3 !== 1)
        .flatMap((o) => (o.ok ? o.events.map((e) => e.seq) : []))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const ids = calls.flatMap((batches) => [...batches[0]!.events, ...batches[2]!.events].map((e) => e.id));
      const stored = await Promise.all(ids.map(async (id) => (await store().events.get(account, id))!));
      expectIntactChain(stored);
      expect((await store().events.head(other)).seq).toBe(8);
    });
  });

  describe('appendBatches: per-batch atomicity', () => {
    it('rolls back a failing batch alone and continues the sequence without a gap', async () => {
      const account = uniqueAccountId('atomic');
      const neighbour = uniqueAccountId('atomic_n');
      const [existing] = events(1);
      await appendOk(store(), account, [existing!]);
      const good = events(2);
      const doomed = [makePendingEvent(), makePendingEvent({ id: existing!.id })];
      const sibling = events(1);
      const outcomes = await store().events.appendBatches([
        { accountId: account, events: good },
        { accountId: account, events: doomed },
        { accountId: neighbour, events: sibling },
      ]);
      expect(outcomes).toHaveLength(3);
      expect(outcomes[0]).toEqual({
        ok: true,
        events: good.map((e, i) => ({ id: e.id, seq: 2 + i, duplicate: false })),
      });
      expect(outcomes[1]!.ok).toBe(false);
      if (!outcomes[1]!.ok) expect(isAuditlogError(outcomes[1]!.error)).toBe(true);
      expect(outcomes[2]).toEqual({ ok: true, events: [{ id: sibling[0]!.id, seq: 1, duplicate: false }] });
      expect(await store().events.get(account, doomed[0]!.id)).toBeNull();
      expect((await store().events.get(account, existing!.id))!.seq).toBe(1);

      const [after] = await appendOk(store(), account, events(1));
      expect(after!.seq).toBe(4);
      const all = await Promise.all(
        [existing!, ...good].map(async (e) => (await store().events.get(account, e.id))!),
      );
      all.push((await store().events.get(account, after!.id))!);
      expectIntactChain(all);
    });
  });

  describe('appendBatches: idempotency keys', () => {
    it('stores a key once across calls and returns the first id and seq with duplicate: true', async () => {
      const account = uniqueAccountId('idem');
      const first = makePendingEvent({ idempotencyKey: 'order-42' });
      const retry = makePendingEvent({ idempotencyKey: 'order-42', operation: 'delete' });
      expect(await appendOk(store(), account, [first])).toEqual([{ id: first.id, seq: 1, duplicate: false }]);
      expect(await appendOk(store(), account, [retry])).toEqual([{ id: first.id, seq: 1, duplicate: true }]);
      expect(await store().events.get(account, retry.id)).toBeNull();
      const page = await store().events.list(account, { stream: 'central', limit: 10 });
      expect(page.events.map((e) => e.id)).toEqual([first.id]);
      const [next] = await appendOk(store(), account, [makePendingEvent()]);
      expect(next!.seq).toBe(2);
    });

    it('maps a key repeated within one batch to its first event', async () => {
      const account = uniqueAccountId('idem_batch');
      const a = makePendingEvent({ idempotencyKey: 'k' });
      const b = makePendingEvent({ idempotencyKey: 'k' });
      const c = makePendingEvent();
      expect(await appendOk(store(), account, [a, b, c])).toEqual([
        { id: a.id, seq: 1, duplicate: false },
        { id: a.id, seq: 1, duplicate: true },
        { id: c.id, seq: 2, duplicate: false },
      ]);
      expect(await store().events.get(account, b.id)).toBeNull();
      const stored = await Promise.all([a, c].map(async (e) => (await store().events.get(account, e.id))!));
      expectIntactChain(stored);
    });

    it('scopes keys to the account', async () => {
      const one = uniqueAccountId('idem_one');
      const two = uniqueAccountId('idem_two');
      const a = makePendingEvent({ idempotencyKey: 'shared' });
      const b = makePendingEvent({ idempotencyKey: 'shared' });
      await appendOk(store(), one, [a]);
      expect(await appendOk(store(), two, [b])).toEqual([{ id: b.id, seq: 1, duplicate: false }]);
      const stored: AuditEvent | null = await store().events.get(two, b.id);
      expect(stored?.idempotencyKey).toBe('shared');
    });
  });
}
