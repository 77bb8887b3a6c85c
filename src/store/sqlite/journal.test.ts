/**
 * @module The ingest journal: a journaled event is readable at once, survives a crash before its
 * drain, keeps idempotency and the gap-free chain across journaled and direct appends, is drained
 * into exactly the rows the direct path writes, and expires like any other event.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../events/schema.ts';
import { pageEvents } from '../conformance/export.ts';
import { appendOk, expectIntactChain } from '../conformance/helpers.ts';
import { DAY_MS, FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { AppendedEvent, Store } from '../types.ts';
import { createAppender } from './commit.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createDetailDictionaries } from './dictionary.ts';
import { createSqliteStore } from './index.ts';
import { createIngestJournal } from './journal.ts';
import { createJournalDrain } from './journal-drain.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-journal-'));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows waiting in the journal, read on a connection of its own (no drain). */
function journaled(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM ingest_journal').pluck().get() as number;
  } finally {
    raw.close();
  }
}

async function exported(store: Store, accountId: string): Promise<AuditEvent[]> {
  const { seq } = await store.events.head(accountId);
  return pageEvents(await store.events.exportPage(accountId, { afterSeq: 0, throughSeq: seq, limit: 1000 }));
}

async function opened(path: string, writerThread = true): Promise<Store> {
  const store = createSqliteStore({ path, writerThread });
  await store.migrate();
  return store;
}

describe('SQLite ingest journal', () => {
  it('journals a single event and reads it back at once through get, list and export', async () => {
    const path = freshPath();
    const store = await opened(path);
    const account = uniqueAccountId('read');
    const pending = makePendingEvent();
    const [appended] = await appendOk(store, account, [pending]);
    // Acknowledged, not drained yet (the writer waits for 100 ms without appends).
    expect(journaled(path)).toBe(1);
    expect((await store.events.get(account, pending.id))?.seq).toBe(appended!.seq);
    expect(journaled(path)).toBe(0);
    const page = await store.events.list(account, { stream: 'central', limit: 10 });
    expect(page.events.map((e) => e.id)).toEqual([pending.id]);
    expect((await exported(store, account)).map((e) => e.id)).toEqual([pending.id]);
    await store.close();
  });

  it('keeps acknowledged journaled events through SIGKILL: gap-free, chained, drained on reopen', async () => {
    const path = freshPath();
    const account = uniqueAccountId('crash');
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./journal-crash-child.ts', import.meta.url)),
        path,
        account,
        '40',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.signal).toBe('SIGKILL');
    const acknowledged = JSON.parse(child.stdout) as AppendedEvent[];
    expect(acknowledged).toHaveLength(40);
    expect(journaled(path)).toBeGreaterThan(0);
    const store = await opened(path);
    const events = await exported(store, account);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expectIntactChain(events);
    for (const a of acknowledged) expect((await store.events.get(account, a.id))?.seq).toBe(a.seq);
    expect(journaled(path)).toBe(0);
    await store.close();
  });

  it('answers an idempotent retry with the original event, journaled or drained', async () => {
    const path = freshPath();
    const store = await opened(path);
    const account = uniqueAccountId('retry');
    const [first] = await appendOk(store, account, [makePendingEvent({ idempotencyKey: 'k1' })]);
    const [whileJournaled] = await appendOk(store, account, [makePendingEvent({ idempotencyKey: 'k1' })]);
    expect(whileJournaled).toEqual({ id: first!.id, seq: first!.seq, duplicate: true });
    await store.events.head(account); // drains
    expect(journaled(path)).toBe(0);
    const [afterDrain] = await appendOk(store, account, [makePendingEvent({ idempotencyKey: 'k1' })]);
    expect(afterDrain).toEqual({ id: first!.id, seq: first!.seq, duplicate: true });
    expect((await exported(store, account)).map((e) => e.seq)).toEqual([1]);
    await store.close();
  });

  it('keeps seq gap-free and the chain intact across journaled and direct appends', async () => {
    const path = freshPath();
    const store = await opened(path);
    const account = uniqueAccountId('mixed');
    await appendOk(store, account, [makePendingEvent()]);
    await appendOk(
      store,
      account,
      Array.from({ length: 20 }, () => makePendingEvent()),
    ); // direct
    await Promise.all(Array.from({ length: 5 }, () => appendOk(store, account, [makePendingEvent()])));
    await appendOk(
      store,
      account,
      Array.from({ length: 12 }, () => makePendingEvent()),
    ); // direct
    await appendOk(store, account, [makePendingEvent()]);
    const events = await exported(store, account);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
    expectIntactChain(events);
    await store.close();
  });

  it('drains into exactly the events the direct path stores', async () => {
    const account = uniqueAccountId('same');
    const names = ['Ann', 'Ann', 'Anne', 'Bob', 'Anne', 'Anne'];
    const pending = names.map((name, i) =>
      makePendingEvent({
        actor: { type: 'user', id: `u${i % 2}`, name },
        request: { note: `request ${i} `.repeat(40) },
        target: { type: 'asset', id: `a${i}`, name: `photo-${i}.jpg`, path: `/media/photo-${i}.jpg` },
        idempotencyKey: i % 2 === 0 ? `key-${i}` : null,
      }),
    );
    const direct = await opened(freshPath(), false);
    const journal = await opened(freshPath());
    for (const p of pending) {
      await appendOk(direct, account, [p]);
      await appendOk(journal, account, [p]);
    }
    for (const p of pending) {
      expect(await journal.events.get(account, p.id)).toEqual(await direct.events.get(account, p.id));
    }
    const query = { stream: 'central' as const, limit: 50, q: 'photo' };
    expect(await journal.events.list(account, query)).toEqual(await direct.events.list(account, query));
    expect(await journal.events.actors(account, 'central')).toEqual(
      await direct.events.actors(account, 'central'),
    );
    expect(await exported(journal, account)).toEqual(await exported(direct, account));
    await direct.close();
    await journal.close();
  });

  it('drains in slices: whole accounts while they fit, in key order, the oldest of an account too large', async () => {
    const path = freshPath();
    await (await opened(path)).close();
    const db = openDatabase(path);
    const statements = createStatementCache(db);
    const dictionaries = createDetailDictionaries(db, () => new Date());
    const journal = createIngestJournal(statements);
    const append = createAppender(db, statements, dictionaries, journal);
    const accounts = ['a', 'b', 'c'].map((name) => uniqueAccountId(`slice-${name}`));
    const pending = new Map(
      accounts.map((a) => [a, [makePendingEvent(), makePendingEvent(), makePendingEvent()]]),
    );
    for (let i = 0; i < 3; i++) {
      for (const accountId of accounts) {
        const [outcome] = await append([{ accountId, events: [pending.get(accountId)![i]!] }]);
        expect(outcome?.ok).toBe(true);
      }
    }
    const waiting = () =>
      db
        .prepare('SELECT account_key, count(*) AS events FROM ingest_journal GROUP BY 1 ORDER BY 1')
        .all() as Array<{
        account_key: number;
        events: number;
      }>;
    const keys = waiting().map((row) => row.account_key);
    expect(waiting().map((row) => row.events)).toEqual([3, 3, 3]);
    expect(journal.pending()).toBe(9);

    const drainer = createJournalDrain(db, statements, dictionaries, journal);
    // The first account alone holds more than 2: its 2 oldest, and the next slice starts there again.
    expect(drainer.drainAccounts(-1, 2)).toBe(-1);
    expect(waiting()).toEqual([
      { account_key: keys[0], events: 1 },
      { account_key: keys[1], events: 3 },
      { account_key: keys[2], events: 3 },
    ]);
    expect(journal.pending()).toBe(7);
    expect(db.prepare('SELECT seq FROM ingest_journal WHERE account_key = ?').pluck().all(keys[0])).toEqual([
      3,
    ]);
    // Whole accounts while they fit in 3: the first's last one; the second's 3 would make 4.
    expect(drainer.drainAccounts(-1, 3)).toBe(keys[0]);
    expect(waiting()).toEqual([
      { account_key: keys[1], events: 3 },
      { account_key: keys[2], events: 3 },
    ]);
    expect(drainer.drainAccounts(keys[0]!, 4)).toBe(keys[1]);
    expect(waiting()).toEqual([{ account_key: keys[2], events: 3 }]);
    expect(drainer.drainAccounts(keys[1]!, 4)).toBe(keys[2]);
    expect(waiting()).toEqual([]);
    expect(drainer.drainAccounts(keys[2]!, 4)).toBeNull();
    expect(journal.pending()).toBe(0);
    db.close();

    const store = await opened(path);
    for (const accountId of accounts) {
      const events = await exported(store, accountId);
      expect(events.map((e) => e.id)).toEqual(pending.get(accountId)!.map((p) => p.id));
      expectIntactChain(events);
    }
    await store.close();
  });

  it('purges expired journaled events once drained, leaving a verifiable chain', async () => {
    const path = freshPath();
    const store = await opened(path);
    const account = uniqueAccountId('purge');
    await store.accounts.create({
      id: account,
      name: 'P',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    const old = makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, -90 * DAY_MS) });
    const recent = makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, -DAY_MS) });
    await appendOk(store, account, [old]);
    await appendOk(store, account, [recent]);
    const result = await store.events.purgeExpired(new Date(FIXTURE_TIME));
    expect(result.deletedEvents).toBe(1);
    expect(await store.events.get(account, old.id)).toBeNull();
    const kept = await store.events.get(account, recent.id);
    expect(kept?.seq).toBe(2);
    expect(kept?.prevHash).not.toBeNull();
    expect(journaled(path)).toBe(0);
    await store.close();
  });

  it('drains on close: a closed store holds every event in the events table', async () => {
    const path = freshPath();
    const store = await opened(path);
    const account = uniqueAccountId('close');
    await Promise.all(Array.from({ length: 10 }, () => appendOk(store, account, [makePendingEvent()])));
    await store.close();
    expect(journaled(path)).toBe(0);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM events').pluck().get()).toBe(10);
    raw.close();
  });
});
