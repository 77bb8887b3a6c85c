/**
 * @module The SQLite writer thread: appends run off the main thread, their outcomes (and errors)
 * cross back intact, and close() lets appends in flight finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isAuditlogError } from '../../errors.ts';
import type { Stream } from '../../events/catalog.ts';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { createSqliteStore } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function openFresh() {
  const path = join(dir, `writer-${++files}.db`);
  const store = createSqliteStore({ path });
  await store.migrate();
  return { store, path };
}

describe('the SQLite writer thread', () => {
  it('writes on another thread: the call returns before the rows are written', async () => {
    const { store, path } = await openFresh();
    await store.events.appendBatches([{ accountId: 'acme', events: [makePendingEvent()] }]);
    const reader = new Database(path, { readonly: true });
    const count = reader.prepare('SELECT count(*) FROM events').pluck();
    const events = Array.from({ length: 3000 }, () =>
      makePendingEvent({ request: { note: 'x'.repeat(600) } }),
    );
    // On the main thread the whole transaction would be committed before appendBatches returned.
    const appending = store.events.appendBatches([{ accountId: 'acme', events }]);
    expect(count.get()).toBe(1);
    const [outcome] = await appending;
    expect(outcome?.ok).toBe(true);
    expect(count.get()).toBe(3001);
    reader.close();
    await store.close();
  });

  it('writes on the calling thread when the writer thread is turned off (one-shot commands)', async () => {
    const path = join(dir, `writer-${++files}.db`);
    const store = createSqliteStore({ path, writerThread: false });
    await store.migrate();
    const reader = new Database(path, { readonly: true });
    const appending = store.events.appendBatches([{ accountId: 'acme', events: [makePendingEvent()] }]);
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    await appending;
    reader.close();
    await store.close();
  });

  it('returns each batch its own outcome, with coded errors rebuilt on this side', async () => {
    const { store } = await openFresh();
    const good = makePendingEvent();
    const outcomes = await store.events.appendBatches([
      { accountId: 'acme', events: [good] },
      { accountId: 'acme', events: [makePendingEvent({ stream: 'nowhere' as Stream })] },
    ]);
    expect(outcomes[0]).toEqual({ ok: true, events: [{ id: good.id, seq: 1, duplicate: false }] });
    const failed = outcomes[1];
    expect(failed?.ok).toBe(false);
    if (failed?.ok !== false) throw new Error('unreachable');
    expect(isAuditlogError(failed.error)).toBe(true);
    expect(failed.error.code).toBe('EVENT_INVALID');
    expect(failed.error.violations).toEqual([
      expect.objectContaining({ field: '/events/0/stream', index: 0 }),
    ]);
    expect(await store.events.get('acme', good.id)).toMatchObject({ id: good.id, seq: 1 });
    await store.close();
  });

  it('lets appends in flight finish on close, and they survive a reopen', async () => {
    const { store, path } = await openFresh();
    const calls = Array.from({ length: 8 }, () =>
      store.events.appendBatches([{ accountId: 'acme', events: [makePendingEvent(), makePendingEvent()] }]),
    );
    await store.close();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every(([o]) => o?.ok)).toBe(true);
    const reopened = createSqliteStore({ path });
    expect((await reopened.events.head('acme')).seq).toBe(16);
    await expect(
      reopened.events.appendBatches([{ accountId: 'acme', events: [makePendingEvent()] }]),
    ).resolves.toEqual([expect.objectContaining({ ok: true })]);
    await reopened.close();
  });
});
