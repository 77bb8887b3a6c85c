/**
 * @module The SQLite engine against the store conformance suite, plus what only SQLite has:
 * durability settings, the append-only trigger, reopening the file, migrations run twice, the
 * detail dictionary and the chain links retention leaves behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealEvent } from '../../events/chain.ts';
import { appendOk, expectIntactChain } from '../conformance/helpers.ts';
import { describeStoreConformance } from '../conformance.ts';
import { DAY_MS, FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { insertLegacyEvents } from './legacy-rows.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { searchTerm } from './search-terms.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `store-${++files}`, 'auditlog.db');

describeStoreConformance('sqlite', async () => {
  const store = createSqliteStore({ path: join(dir, 'nested', 'conformance.db') });
  await store.migrate();
  return store;
});

describe('SQLite engine', () => {
  it('opens with WAL, synchronous=FULL, a busy timeout and foreign keys', () => {
    const db = openDatabase(freshPath());
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('page_size', { simple: true })).toBe(16384);
    } finally {
      db.close();
    }
  });

  it('applies migrations once, however often migrate() runs', () => {
    const db = openDatabase(freshPath());
    try {
      expect(migrate(db)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      expect(migrate(db)).toEqual([]);
      expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
        { version: 1, name: 'init' },
        { version: 2, name: 'members' },
        { version: 3, name: 'search_without_trigger' },
        { version: 4, name: 'search_actors_apart' },
        { version: 5, name: 'detail_blocks' },
        { version: 6, name: 'coded_columns' },
        { version: 7, name: 'ingest_journal' },
        { version: 8, name: 'zstd_dictionaries' },
        { version: 9, name: 'kind_index' },
        { version: 10, name: 'span_bounds' },
        { version: 11, name: 'search_leaf_size' },
        { version: 12, name: 'search_merge_pairs' },
        { version: 13, name: 'search_terms_by_account' },
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses any UPDATE of an event at the database level', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    await appendOk(store, 'acme', [makePendingEvent()]);
    await store.close();
    const raw = new Database(path);
    try {
      expect(() => raw.prepare('UPDATE events SET operation_code = 1').run()).toThrow(/append-only/);
      expect(() => raw.prepare('UPDATE events SET status = 0').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });

  it('keeps the free-text index in step with the events: interleaved accounts, failed batches, replays, purge', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const byAccount = (account: string, n: number, stem: string) =>
      Array.from({ length: n }, (_, i) =>
        makePendingEvent({
          target: {
            type: 'file',
            id: `f${i}`,
            name: `${stem}-${i}.png`,
            path: `/${account}/${stem}-${i}.png`,
          },
          idempotencyKey: `${account}-${stem}-${i}`,
        }),
      );
    const zeta = byAccount('zeta', 3, 'sunset');
    // Accounts created in the order zeta, alpha, mid: one group holds them out of key order, one of
    // its batches fails (a duplicate id) and rolls back, and a replay of zeta's events adds nothing.
    await appendOk(store, 'zeta', zeta.slice(0, 1));
    const outcomes = await store.events.appendBatches([
      { accountId: 'mid', events: byAccount('mid', 2, 'harbour') },
      { accountId: 'zeta', events: zeta },
      { accountId: 'alpha', events: byAccount('alpha', 2, 'meadow') },
      {
        accountId: 'alpha',
        events: [makePendingEvent({ id: zeta[0]!.id }), makePendingEvent({ id: zeta[0]!.id })],
      },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    const page = await store.events.list('zeta', { stream: 'central', q: 'SUNSET-2', limit: 10 });
    expect(page.events.map((e) => e.target?.name)).toEqual(['sunset-2.png']);
    expect(
      (await store.events.list('alpha', { stream: 'central', q: 'meadow', limit: 10 })).events,
    ).toHaveLength(2);
    await store.close();

    // openDatabase: checking the index and deleting events call search_terms().
    const raw = openDatabase(path);
    try {
      // Throws SQLITE_CORRUPT_VTAB when the index and the events_search_terms view disagree.
      const check = () =>
        raw.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)").run();
      expect(check).not.toThrow();
      // "sun" in any account: a term per account.
      const keys = raw.prepare('SELECT account_key FROM event_accounts').pluck().all() as number[];
      const sun = keys.map((key) => searchTerm(key, 'sun')).join(' OR ');
      const sunRows = () =>
        raw.prepare('SELECT count(*) FROM events_fts WHERE events_fts MATCH ?').pluck().get(sun);
      expect(sunRows()).toBe(3);
      raw.prepare('DELETE FROM events WHERE seq = 1').run();
      expect(check).not.toThrow();
      expect(sunRows()).toBe(2);
    } finally {
      raw.close();
    }
  });

  it("writes an actor's row only when its form changes, and lists the newest form", async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const account = uniqueAccountId('forms');
    const form = (name: string) => ({ type: 'user' as const, id: 'u9', email: 'u9@example.com', name });
    const names = ['Ann', 'Ann', 'Anne', 'Anne', 'Anne'];
    for (const name of names) await appendOk(store, account, [makePendingEvent({ actor: form(name) })]);
    expect(await store.events.actors(account, 'central')).toEqual([form('Anne')]);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      // seq 3 set the form Anne; seqs 2, 4 and 5 repeated the stored form and wrote nothing.
      expect(raw.prepare('SELECT last_seq FROM event_actors').pluck().all()).toEqual([3]);
    } finally {
      raw.close();
    }
  });

  it('finds actors by every name their events carried, and forgets a name with its last event', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const old = makePendingEvent({
      actor: { type: 'user', id: 'u7', email: 'maria@old.example', name: 'Maria Old' },
      occurredAt: isoPlus(FIXTURE_TIME, -40 * DAY_MS),
    });
    const renamed = makePendingEvent({
      actor: { type: 'user', id: 'u7', email: 'maria@new.example', name: 'Maria New' },
    });
    await appendOk(store, 'names', [old, renamed]);
    const ids = async (q: string) =>
      (await store.events.list('names', { stream: 'central', q, limit: 10 })).events.map((e) => e.id);
    expect(await ids('OLD.example')).toEqual([old.id]);
    expect(await ids('maria@')).toEqual([renamed.id, old.id]);
    expect(await ids('u7')).toEqual([renamed.id, old.id]);
    // The actor filter takes the id: it matches the events of every form the actor had.
    const byActor = await store.events.list('names', { stream: 'central', actorIds: ['u7'], limit: 10 });
    expect(byActor.events.map((e) => [e.id, e.actor.name])).toEqual([
      [renamed.id, 'Maria New'],
      [old.id, 'Maria Old'],
    ]);
    await store.accounts.create({
      id: 'names',
      name: 'Names',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    await store.events.purgeExpired(new Date(Date.parse(FIXTURE_TIME) + DAY_MS));
    expect(await ids('maria@')).toEqual([renamed.id]);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      // Retention removes the old email itself, not only the events that carried it.
      expect(raw.prepare('SELECT actor_email FROM event_actor_refs').pluck().all()).toEqual([
        'maria@new.example',
      ]);
    } finally {
      raw.close();
    }
  });

  it('upgrades a database from before 004: existing events stay searchable by actor and target', async () => {
    const path = freshPath();
    const db = openDatabase(path);
    migrate(db, loadMigrations().slice(0, 3));
    const first = sealEvent(
      makePendingEvent({ actor: { type: 'user', id: 'u9', email: 'olga@corp.example', name: 'Olga' } }),
      'acme',
      1,
      GENESIS_HASH,
    );
    const second = sealEvent(
      makePendingEvent({ target: { type: 'file', id: 'f1', name: 'sunset.png', path: '/blog/sunset.png' } }),
      'acme',
      2,
      first.hash,
    );
    insertLegacyEvents(db, 1, [first, second]);
    db.close();

    const store = createSqliteStore({ path });
    await store.migrate();
    const ids = async (q: string) =>
      (await store.events.list('acme', { stream: 'central', q, limit: 10 })).events.map((e) => e.id);
    expect(await ids('olga@corp')).toEqual([first.id]);
    expect(await ids('sunset')).toEqual([second.id]);
    const [third] = await appendOk(store, 'acme', [makePendingEvent()]);
    expect(third!.seq).toBe(3);
    await store.close();
  });

  it('keeps every event, the chain head and accounts when the file is reopened', async () => {
    const path = freshPath();
    const first = createSqliteStore({ path });
    await first.migrate();
    const pending = makePendingEvent({ request: { big: 'x'.repeat(5000) } });
    await appendOk(first, 'acme', [pending]);
    await first.accounts.create({
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    await first.close();

    const second = createSqliteStore({ path });
    await second.migrate();
    expect(await second.events.get('acme', pending.id)).toEqual(sealEvent(pending, 'acme', 1, GENESIS_HASH));
    expect((await second.accounts.get('acme'))?.retentionDays).toBe(30);
    const [next] = await appendOk(second, 'acme', [makePendingEvent()]);
    expect(next!.seq).toBe(2);
    await second.close();
  });

  it('learns a detail dictionary and still returns every payload exactly, also after reopening', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const words = ['quality', 'format', 'resize', 'crop', 'cache', 'origin', 'bucket', 'signed', 'webp'];
    const pending = Array.from({ length: 700 }, (_, i) =>
      makePendingEvent({
        request: {
          description: Array.from({ length: 60 }, (_, j) => words[(i * 7 + j * 3) % 9]).join(' '),
          i,
        },
        response: { ok: true, tags: words.slice(i % 5) },
      }),
    );
    for (let i = 0; i < pending.length; i += 100) await appendOk(store, 'dict', pending.slice(i, i + 100));
    await store.close();

    const raw = new Database(path, { readonly: true });
    const dictionaries = raw.prepare('SELECT count(*) FROM detail_dictionaries').pluck().get();
    const withDictionary = raw
      .prepare("SELECT count(*) FROM detail_blocks WHERE substr(body, 1, 1) = x'04'")
      .pluck()
      .get();
    raw.close();
    expect(dictionaries).toBe(1);
    expect(withDictionary).toBeGreaterThan(0);

    const reopened = createSqliteStore({ path });
    await reopened.migrate();
    for (const index of [0, 350, 699]) {
      const stored = await reopened.events.get('dict', pending[index]!.id);
      expect(stored?.request).toEqual(pending[index]!.request);
      expect(stored?.response).toEqual(pending[index]!.response);
    }
    await reopened.close();
  });

  it('keeps the prevHash of an event whose predecessor retention removed', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const account = uniqueAccountId('links');
    await store.accounts.create({
      id: account,
      name: 'L',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    // seq 2 is old, its neighbours are recent: purge removes a hole from the middle of the chain.
    const ages = [1, 90, 2, 91, 92, 3];
    const pending = ages.map((days) =>
      makePendingEvent({ occurredAt: isoPlus(FIXTURE_TIME, -days * DAY_MS) }),
    );
    await appendOk(store, account, pending);
    const before = await Promise.all(pending.map(async (p) => (await store.events.get(account, p.id))!));

    const result = await store.events.purgeExpired(new Date(FIXTURE_TIME), { batchSize: 2 });
    expect(result).toEqual({ deletedEvents: 3, droppedPartitions: [] });
    const kept = [0, 2, 5].map((i) => before[i]!);
    for (const event of kept) expect(await store.events.get(account, event.id)).toEqual(event);
    for (const i of [1, 3, 4]) expect(await store.events.get(account, before[i]!.id)).toBeNull();

    const [appended] = await appendOk(store, account, [makePendingEvent({ occurredAt: FIXTURE_TIME })]);
    const last = (await store.events.get(account, appended!.id))!;
    expectIntactChain([before[5]!, last], 6, before[4]!.hash);
    await store.close();

    // The trigram index forgot exactly the deleted rows: it still matches its content.
    const raw = openDatabase(path);
    try {
      expect(() =>
        raw.exec("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)"),
      ).not.toThrow();
      expect(raw.prepare('SELECT count(*) FROM chain_links').pluck().get()).toBe(2);
    } finally {
      raw.close();
    }
  });

  it('stores an IPv4 address as 4 bytes, keeps IPv6 as text, and both read back and verify', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const account = uniqueAccountId('ips');
    const events = [makePendingEvent({ ip: '203.0.113.7' }), makePendingEvent({ ip: '2001:db8::7' })];
    await appendOk(store, account, events);
    const stored = await Promise.all(events.map(async (e) => (await store.events.get(account, e.id))!));
    expect(stored.map((e) => e.ip)).toEqual(events.map((e) => e.ip));
    expectIntactChain(stored);
    const listed = await store.events.list(account, { stream: 'central', limit: 5 });
    expect(listed.events.map((e) => e.ip).sort()).toEqual(['2001:db8::7', '203.0.113.7']);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      const columns = raw
        .prepare('SELECT typeof(ip) AS type, length(ip) AS bytes FROM events ORDER BY seq')
        .all();
      expect(columns).toEqual([
        { type: 'blob', bytes: 4 },
        { type: 'text', bytes: 11 },
      ]);
    } finally {
      raw.close();
    }
  });

  it('round-trips ids that are not ULIDs and rejects an invalid occurredAt with its field', async () => {
    const store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    const custom = makePendingEvent({ id: 'evt-custom-42' });
    await appendOk(store, 'ids', [custom]);
    expect((await store.events.get('ids', 'evt-custom-42'))?.id).toBe('evt-custom-42');
    expect((await store.events.list('ids', { stream: 'central', limit: 5 })).events[0]?.id).toBe(
      'evt-custom-42',
    );

    const [outcome] = await store.events.appendBatches([
      { accountId: 'ids', events: [makePendingEvent(), makePendingEvent({ occurredAt: 'yesterday' })] },
    ]);
    expect(outcome?.ok).toBe(false);
    if (outcome && !outcome.ok) {
      expect(outcome.error.code).toBe('EVENT_INVALID');
      expect(outcome.error.violations).toEqual([
        { field: '/events/1/occurredAt', rule: 'must be an ISO 8601 date-time', index: 1 },
      ]);
    }
    expect((await store.events.head('ids')).seq).toBe(1);
    await store.close();
  });
});
