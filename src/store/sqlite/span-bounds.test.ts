/**
 * @module Span bounds (span-bounds.ts): every way an event reaches the events table records the
 * latest occurredAt of its span, a bound is never lowered, the migration's backfill agrees with
 * what appends record, and lateSpans names exactly the spans a late event may sit in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOk } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { loadMigrations } from './migrate.ts';
import { lateSpans, SPAN_SIZE, spanOfRowKey, spanOfSeq, spanStart } from './span-bounds.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-span-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A migrated store on a new file; `journal` appends single events through the writer thread's journal. */
async function freshStore(journal = false) {
  const path = join(dir, `bounds-${files++}.db`);
  const store = createSqliteStore({ path, writerThread: journal });
  await store.migrate();
  return { path, store };
}

type Bound = { account_key: number; span: number; latest_occurred_at: number };

function readBounds(path: string): Bound[] {
  const raw = new Database(path, { readonly: true });
  try {
    return raw
      .prepare('SELECT account_key, span, latest_occurred_at FROM event_span_bounds ORDER BY 1, 2')
      .all() as Bound[];
  } finally {
    raw.close();
  }
}

/** What the bounds must be: the latest occurredAt of each span's events, computed from the rows. */
function boundsOfRows(path: string): Bound[] {
  const raw = new Database(path, { readonly: true });
  try {
    return raw
      .prepare(`SELECT account_key, seq / ${SPAN_SIZE} AS span, max(occurred_at) AS latest_occurred_at
        FROM events GROUP BY 1, 2 ORDER BY 1, 2`)
      .all() as Bound[];
  } finally {
    raw.close();
  }
}

/** `count` events whose times go up, except every 7th, which occurred a day before the others. */
function events(count: number, offset = 0) {
  return Array.from({ length: count }, (_, i) =>
    makePendingEvent({
      occurredAt: isoPlus(FIXTURE_TIME, (offset + i) * 1000 - (i % 7 === 3 ? 86_400_000 : 0)),
    }),
  );
}

describe('span bounds', () => {
  it('spans are 1,024 seqs, counted from seq 0, also beyond 32 bits', () => {
    expect([0, 1023, 1024, 2047, 2048].map(spanOfSeq)).toEqual([0, 0, 1, 1, 2]);
    expect(spanOfSeq(2 ** 39 + 5)).toBe(2 ** 29);
    const rowKey = (7n << 40n) | BigInt(2 ** 39 + 5);
    expect(spanOfRowKey(rowKey)).toBe(2 ** 29);
    expect(spanStart(7, 2 ** 29)).toBe((7n << 40n) | BigInt(2 ** 39));
  });

  it('batches record the latest occurredAt of each span, and an older event never lowers it', async () => {
    const { path, store } = await freshStore();
    await appendOk(store, 'acme', events(2500));
    await appendOk(store, 'other', events(10, 5000));
    // An event that occurred long before the others of its span.
    await appendOk(store, 'other', [makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, -(10 ** 9)) })]);
    await store.close();
    const bounds = readBounds(path);
    expect(bounds.map((b) => b.span)).toEqual([0, 1, 2, 0]);
    expect(bounds).toEqual(boundsOfRows(path));
  });

  it('single events, journaled and drained, record their spans too', async () => {
    const { path, store } = await freshStore(true);
    const pending = events(40);
    // One event per call, in reverse order of time: each one occurred before the one stored before it.
    for (const event of pending.reverse()) await appendOk(store, 'acme', [event]);
    await store.events.list('acme', { stream: 'central', limit: 1 }); // a read drains the journal
    await store.close();
    expect(readBounds(path)).toEqual([
      { account_key: 1, span: 0, latest_occurred_at: Date.parse(isoPlus(FIXTURE_TIME, 39_000)) },
    ]);
    expect(readBounds(path)).toEqual(boundsOfRows(path));
  });

  it('the migration computes from existing events the bounds appends record', async () => {
    const { path, store } = await freshStore();
    await appendOk(store, 'acme', events(3000));
    await appendOk(store, 'other', events(1100, 77));
    await store.close();
    const recorded = readBounds(path);

    const db = openDatabase(path);
    try {
      const migration = loadMigrations().find((m) => m.name === 'span_bounds')!;
      db.exec('DROP TABLE event_span_bounds');
      db.exec(migration.sql);
    } finally {
      db.close();
    }
    expect(readBounds(path)).toEqual(recorded);
    expect(recorded).toHaveLength(5);
  });

  it('retention drops the bounds of spans it emptied, and keeps the others', async () => {
    const { path, store } = await freshStore();
    await store.accounts.create({
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    const now = Date.parse(FIXTURE_TIME) + 40 * 86_400_000;
    // Seqs 1..1100 occurred 40 days before `now`, the rest just before it.
    const pending = events(2 * SPAN_SIZE + 52).map((event, i) =>
      i < 1100 ? event : { ...event, occurredAt: isoPlus(FIXTURE_TIME, 39 * 86_400_000 + i) },
    );
    await appendOk(store, 'acme', pending);
    expect(readBounds(path).map((b) => b.span)).toEqual([0, 1, 2]);
    expect((await store.events.purgeExpired(new Date(now))).deletedEvents).toBe(1100);
    await store.close();
    expect(readBounds(path).map((b) => b.span)).toEqual([1, 2]);
  });

  it('lateSpans lists, newest first, the spans at or below a row key whose bound reaches a time', async () => {
    const { path, store } = await freshStore();
    // Spans 0 and 2 hold an event that occurred after every event of span 1.
    const pending = events(3 * SPAN_SIZE);
    pending[5] = makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, 10 ** 7) });
    pending[2 * SPAN_SIZE + 5] = makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, 2 * 10 ** 7) });
    await appendOk(store, 'acme', pending);
    await appendOk(store, 'other', [makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, 3 * 10 ** 7) })]);
    await store.close();

    const db = openDatabase(path);
    try {
      const statements = createStatementCache(db);
      const accountKey = db
        .prepare("SELECT account_key FROM event_accounts WHERE account_id = 'acme'")
        .pluck()
        .get() as number;
      const rowKeyOf = (seq: number) => (BigInt(accountKey) << 40n) | BigInt(seq);
      // After every event of the account but the two planted ones.
      const late = Date.parse(isoPlus(FIXTURE_TIME, 5 * 10 ** 6));
      expect(lateSpans(statements, accountKey, rowKeyOf(3 * SPAN_SIZE), late)).toEqual([2, 0]);
      expect(lateSpans(statements, accountKey, rowKeyOf(2 * SPAN_SIZE - 1), late)).toEqual([0]);
      const afterBoth = Date.parse(isoPlus(FIXTURE_TIME, 2 * 10 ** 7 + 1));
      expect(lateSpans(statements, accountKey, rowKeyOf(3 * SPAN_SIZE), afterBoth)).toEqual([]);
      expect(lateSpans(statements, accountKey, rowKeyOf(3 * SPAN_SIZE), 0)).toEqual([3, 2, 1, 0]);
    } finally {
      db.close();
    }
  });
});
