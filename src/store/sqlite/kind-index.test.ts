/**
 * @module The operation and category filters on one index of (category, operation) pairs
 * (migrations/009_kind_index.sql): every filter is the exact set of pairs it names, read page by
 * page in order, and a database created before 009 migrates with its events still found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendAll, listAll, referenceList, toSummary } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { EventQuery, Store } from '../types.ts';
import { openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { loadMigrations, migrate } from './migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `store-${++files}`, 'auditlog.db');

const FILE_OPERATIONS = ['upload', 'move', 'rename', 'delete', 'restore', 'copy', 'tag', 'untag'];
const CENTRAL_CATEGORIES = ['settings', 'billing', 'url_endpoints', 'webhooks'];

/**
 * 120 events: 'files' with eight operations in the media stream, four central categories sharing
 * create/update/delete (billing also refunds), and runs of five events with one occurredAt, so
 * pages end inside a run.
 */
function kindDataset(): PendingEvent[] {
  return Array.from({ length: 120 }, (_, i) => {
    const media = i % 3 === 0;
    const category = media ? 'files' : CENTRAL_CATEGORIES[i % 4]!;
    const shared = ['create', 'update', 'delete'][i % 7 === 1 ? 2 : Math.floor(i / 4) % 3]!;
    const operation = media
      ? FILE_OPERATIONS[(i >> 1) % 8]!
      : category === 'billing' && i % 5 === 0
        ? 'refund'
        : shared;
    return makePendingEvent({
      stream: media ? 'media' : 'central',
      category,
      operation,
      occurredAt: isoPlus(FIXTURE_TIME, -Math.floor(i / 5) * 60_000),
    });
  });
}

/** Filters of one or both sides; every result is compared with the reference model. */
const QUERIES: Array<[string, Omit<EventQuery, 'limit'>]> = [
  ['a category across its many operations', { stream: 'media', categories: ['files'] }],
  ['an operation shared by several categories', { stream: 'central', operations: ['delete'] }],
  ['several operations across categories', { stream: 'central', operations: ['create', 'refund'] }],
  ['several categories', { stream: 'central', categories: ['billing', 'webhooks'] }],
  ['a category and an operation', { stream: 'central', categories: ['billing'], operations: ['update'] }],
  [
    'categories and operations: their intersection',
    { stream: 'central', categories: ['billing', 'settings'], operations: ['refund', 'create'] },
  ],
  [
    'a category with a time range',
    { stream: 'media', categories: ['files'], from: isoPlus(FIXTURE_TIME, -600_000) },
  ],
  ['an operation with a status', { stream: 'central', operations: ['update'], status: 'success' }],
  // A value named twice is one range, not two (a merge of both would list each event twice).
  [
    'repeated values',
    { stream: 'central', categories: ['billing', 'billing'], operations: ['create', 'create'] },
  ],
  ['a repeated category', { stream: 'media', categories: ['files', 'files'] }],
];

describe('operation and category filters on the kind index', () => {
  let store: Store;
  let appended: AuditEvent[];

  beforeAll(async () => {
    store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    appended = await appendAll(store, 'acme', kindDataset());
    // Another account's events of the same kinds must never leak in.
    await appendAll(store, 'globex', kindDataset());
    return () => store.close();
  });

  it.each(QUERIES)(
    '%s: every matching event once, newest first, on one page and page by page',
    async (_l, q) => {
      const expected = referenceList(appended, { ...q, limit: 1000 }).map(toSummary);
      expect(expected.length).toBeGreaterThan(3);
      expect((await store.events.list('acme', { ...q, limit: 1000 })).events).toEqual(expected);
      // Pages of 4 end inside runs of five events that share their occurredAt.
      expect(await listAll(store, 'acme', { ...q, limit: 4 })).toEqual(expected);
    },
  );

  it('spans every operation of the category', async () => {
    const { events } = await store.events.list('acme', {
      stream: 'media',
      categories: ['files'],
      limit: 1000,
    });
    expect(new Set(events.map((e) => e.operation))).toEqual(new Set(FILE_OPERATIONS));
  });

  it('finds nothing for a category and an operation that each exist but never together', async () => {
    const query: EventQuery = {
      stream: 'central',
      categories: ['settings'],
      operations: ['refund'],
      limit: 10,
    };
    expect(await store.events.list('acme', query)).toEqual({ events: [], next: null });
    // 'upload' exists, but only in the media stream.
    const other: EventQuery = { stream: 'central', operations: ['upload'], limit: 10 };
    expect(await store.events.list('acme', other)).toEqual({ events: [], next: null });
  });

  it('finds a pair as soon as its first event is appended (pairs are never cached)', async () => {
    const query: EventQuery = {
      stream: 'central',
      categories: ['webhooks'],
      operations: ['refund'],
      limit: 10,
    };
    expect((await store.events.list('globex', query)).events).toEqual([]);
    const [event] = await appendAll(store, 'globex', [
      makePendingEvent({ category: 'webhooks', operation: 'refund' }),
    ]);
    expect((await store.events.list('globex', query)).events).toEqual([toSummary(event!)]);
  });
});

describe('a filter matching more pairs than are merged', () => {
  it('reads them along the time index instead, still exactly', async () => {
    const store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    // 9 categories of the filter x 8 operations: 72 pairs, more than list-sql.ts merges (64).
    const categories = Array.from({ length: 10 }, (_, c) => `category_${c}`);
    const pending = Array.from({ length: 144 }, (_, i) =>
      makePendingEvent({
        category: categories[i % 10]!,
        operation: FILE_OPERATIONS[Math.floor(i / 10) % 8]!,
        occurredAt: isoPlus(FIXTURE_TIME, -Math.floor(i / 3) * 60_000),
      }),
    );
    const appended = await appendAll(store, 'acme', pending);
    const query: EventQuery = { stream: 'central', categories: categories.slice(1), limit: 10 };
    const expected = referenceList(appended, { ...query, limit: 1000 }).map(toSummary);
    expect(expected.length).toBe(129);
    expect(await listAll(store, 'acme', query)).toEqual(expected);
    await store.close();
  });
});

describe('migration 009 (kind index)', () => {
  it('replaces the operation and category indexes of a database created at 008, and its events are still found', async () => {
    const path = freshPath();
    const db = openDatabase(path);
    // Every migration but 009: 010's span bounds, which every append writes, do not depend on it.
    migrate(
      db,
      loadMigrations().filter((m) => m.version !== 9),
    );
    db.close();
    // The events table is the same at 008 and 009: the store appends before it migrates.
    const store = createSqliteStore({ path, writerThread: false });
    const before = await appendAll(store, 'acme', kindDataset());
    await store.migrate();
    for (const [, q] of QUERIES) {
      const expected = referenceList(before, { ...q, limit: 1000 }).map(toSummary);
      expect(await listAll(store, 'acme', { ...q, limit: 7 })).toEqual(expected);
    }
    await store.close();

    const raw = new Database(path, { readonly: true });
    try {
      const indexes = raw
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'events_by_%' ORDER BY name",
        )
        .pluck()
        .all();
      expect(indexes).toEqual([
        'events_by_actor',
        'events_by_kind',
        'events_by_request',
        'events_by_target_path',
        'events_by_time',
      ]);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });
});
