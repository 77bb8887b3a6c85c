import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePendingEvent, uniqueAccountId } from '../store/conformance-fixtures.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import type { AppendBatch, EventStore, Store } from '../store/types.ts';
import { createGroupCommitter } from './group-commit.ts';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlog-group-'));
  store = createSqliteStore({ path: join(dir, 'events.db') });
  await store.migrate();
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The real event store, with a record of each appendBatches call (observation, not a stand-in). */
function counting(events: EventStore): { events: EventStore; calls: AppendBatch[][] } {
  const calls: AppendBatch[][] = [];
  const proxy = new Proxy(events, {
    get(target, prop, receiver) {
      if (prop === 'appendBatches') {
        return (batches: AppendBatch[]) => {
          calls.push(batches);
          return target.appendBatches(batches);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { events: proxy, calls };
}

describe('createGroupCommitter', () => {
  it('merges 200 concurrent submits into few transactions; each caller gets its own gap-free seq', async () => {
    const { events, calls } = counting(store.events);
    const committer = createGroupCommitter(events);
    const account = uniqueAccountId('group');
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        committer.submit({ accountId: account, events: [makePendingEvent()] }),
      ),
    );
    expect(calls.length).toBeLessThan(20);
    const seqs = outcomes.map((o) => (o.ok ? o.events[0]!.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect((await store.events.head(account)).seq).toBe(200);
  });

  it('bounds a group by event count and keeps accounts apart', async () => {
    const { events, calls } = counting(store.events);
    const committer = createGroupCommitter(events, { maxEvents: 10 });
    const a = uniqueAccountId('ga');
    const b = uniqueAccountId('gb');
    const batch = (accountId: string) => ({
      accountId,
      events: [makePendingEvent(), makePendingEvent(), makePendingEvent(), makePendingEvent()],
    });
    const outcomes = await Promise.all([a, b, a, b, a, b].map((id) => committer.submit(batch(id))));
    for (const call of calls) expect(call.reduce((n, x) => n + x.events.length, 0)).toBeLessThanOrEqual(10);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await store.events.head(a)).seq).toBe(12);
    expect((await store.events.head(b)).seq).toBe(12);
  });

  it('a failing batch fails alone; the rest of its group commits', async () => {
    const committer = createGroupCommitter(store.events);
    const account = uniqueAccountId('gfail');
    const dupe = makePendingEvent();
    const [good, bad] = await Promise.all([
      committer.submit({ accountId: account, events: [makePendingEvent()] }),
      // The same id twice in one batch cannot be stored: the batch must fail as a whole.
      committer.submit({ accountId: account, events: [dupe, { ...dupe }] }),
    ]);
    expect(good?.ok).toBe(true);
    expect(bad?.ok).toBe(false);
    expect((await store.events.head(account)).seq).toBe(1);
  });

  it('flush resolves once everything submitted is durable', async () => {
    const committer = createGroupCommitter(store.events);
    const account = uniqueAccountId('gflush');
    const pending = Array.from({ length: 5 }, () =>
      committer.submit({ accountId: account, events: [makePendingEvent()] }),
    );
    await committer.flush();
    expect((await store.events.head(account)).seq).toBe(5);
    await Promise.all(pending);
    await committer.flush();
  });

  it('rejects every caller of a group when the whole transaction fails', async () => {
    const closedDir = await mkdtemp(join(tmpdir(), 'auditlog-group-closed-'));
    const closed = createSqliteStore({ path: join(closedDir, 'events.db') });
    await closed.migrate();
    await closed.close();
    const committer = createGroupCommitter(closed.events);
    const results = await Promise.allSettled(
      [1, 2].map(() => committer.submit({ accountId: 'x', events: [makePendingEvent()] })),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await rm(closedDir, { recursive: true, force: true });
  });
});
