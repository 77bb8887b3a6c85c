/**
 * @module The coded columns (migrations/006_coded_columns.sql): an old database migrates in place
 * and reads back exactly the events it held, and codes created by a batch that rolls back are never
 * trusted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type PendingEvent, sealEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { pageEvents } from '../conformance/export.ts';
import { appendOk, expectIntactChain, toSummary } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { insertLegacyEvents } from './legacy-rows.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { createVocabulary } from './vocabulary.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-coded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `store-${++files}`, 'auditlog.db');

/** Seals pending events into a chain of `accountId`, as the appender would store them. */
function chain(accountId: string, pending: PendingEvent[]): AuditEvent[] {
  let prev = GENESIS_HASH;
  return pending.map((p, i) => {
    const event = sealEvent(p, accountId, i + 1, prev);
    prev = event.hash;
    return event;
  });
}

/** Events of two accounts: a renamed actor, absent and empty names, both streams, payloads. */
function oldEvents(): Map<string, AuditEvent[]> {
  const at = (minutes: number) => isoPlus(FIXTURE_TIME, minutes * 60_000);
  const acme = chain('acme', [
    makePendingEvent({
      occurredAt: at(1),
      actor: { type: 'user', id: 'u1', email: 'ann@old.example', name: 'Ann' },
    }),
    makePendingEvent({
      occurredAt: at(2),
      actor: { type: 'user', id: 'u1', email: 'ann@new.example', name: 'Ann' },
    }),
    makePendingEvent({ occurredAt: at(3), actor: { type: 'api_key', id: 'key_1' }, target: null, api: null }),
    makePendingEvent({ occurredAt: at(4), actor: { type: 'user', id: 'u2', name: '' }, operation: 'delete' }),
    makePendingEvent({
      occurredAt: at(5),
      stream: 'media',
      category: 'files',
      operation: 'upload',
      target: { type: 'file', id: 'f1', name: 'shoe.jpg', path: '/products/shoe.jpg' },
      api: { method: 'POST', route: '/v1/files', path: '/v1/files' },
      request: { big: 'x'.repeat(3000) },
      idempotencyKey: 'idem-1',
      requestId: 'req_1',
    }),
  ]);
  const globex = chain('globex', [
    makePendingEvent({ occurredAt: at(1), actor: { type: 'user', id: 'u1', email: 'bob@globex.example' } }),
    makePendingEvent({ occurredAt: at(2), status: 'failure', httpStatus: 500, ip: null, userAgent: null }),
  ]);
  return new Map([
    ['acme', acme],
    ['globex', globex],
  ]);
}

describe('migration 006 (coded columns)', () => {
  it('converts a database in place: every event reads back as before, and free text still works', async () => {
    const path = freshPath();
    const db = openDatabase(path);
    migrate(db, loadMigrations().slice(0, 5));
    const before = oldEvents();
    let key = 0;
    for (const events of before.values()) insertLegacyEvents(db, ++key, events);
    db.close();

    const store = createSqliteStore({ path });
    await store.migrate();
    for (const [accountId, events] of before) {
      for (const e of events) expect(await store.events.get(accountId, e.id)).toEqual(e);
      const page = await store.events.exportPage(accountId, { afterSeq: 0, throughSeq: 99, limit: 100 });
      expect(pageEvents(page)).toEqual(events);
      expectIntactChain(pageEvents(page));
      for (const stream of ['central', 'media'] as const) {
        const listed = await store.events.list(accountId, { stream, limit: 100 });
        const expected = events.filter((e) => e.stream === stream).reverse();
        expect(listed.events).toEqual(expected.map(toSummary));
      }
    }
    const acme = before.get('acme')!;
    const ids = async (query: Parameters<typeof store.events.list>[1]) =>
      (await store.events.list('acme', query)).events.map((e) => e.id);
    expect(await ids({ stream: 'central', actorIds: ['u1'], limit: 10 })).toEqual([acme[1]!.id, acme[0]!.id]);
    expect(await ids({ stream: 'central', q: 'ann@old', limit: 10 })).toEqual([acme[0]!.id]);
    expect(await ids({ stream: 'media', q: 'shoe', limit: 10 })).toEqual([acme[4]!.id]);
    expect(await ids({ stream: 'central', operations: ['delete'], limit: 10 })).toEqual([acme[3]!.id]);
    expect((await store.events.actors('acme', 'central')).map((a) => a.email)).toEqual([
      undefined,
      'ann@new.example',
      undefined,
    ]);
    // The chain continues, and a new event reuses the codes and the actor form the old ones carried.
    const [next] = await appendOk(store, 'acme', [makePendingEvent({ actor: acme[1]!.actor })]);
    expect(next!.seq).toBe(6);
    await store.close();

    const raw = openDatabase(path);
    try {
      // The index was rebuilt from the view's terms (migration 013); it must still match them.
      expect(() =>
        raw.exec("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)"),
      ).not.toThrow();
      // u1's forms: two in acme's central stream, one in its media stream, two in globex. The new
      // event reused its form.
      expect(raw.prepare('SELECT count(*) FROM event_actor_refs WHERE actor_id = ?').pluck().get('u1')).toBe(
        5,
      );
      const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'event_actor_names'").all();
      expect(tables).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('never keeps a code created by a batch that rolled back', async () => {
    const store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    // The first batch creates a category and an actor form, then fails; the second, in the same
    // transaction, gets the freed codes for other values.
    const failing = [
      makePendingEvent({ category: 'ghost_category', actor: { type: 'user', id: 'ghost' } }),
      makePendingEvent({ occurredAt: 'not a date' }),
    ];
    const good = makePendingEvent({
      category: 'billing',
      operation: 'refund',
      actor: { type: 'user', id: 'u5' },
    });
    const [bad, ok] = await store.events.appendBatches([
      { accountId: 'acme', events: failing },
      { accountId: 'acme', events: [good] },
    ]);
    expect(bad?.ok).toBe(false);
    expect(ok?.ok).toBe(true);
    // A later append of the rolled-back values must create them again, not reuse stale codes.
    const retried = makePendingEvent({ category: 'ghost_category', actor: { type: 'user', id: 'ghost' } });
    await appendOk(store, 'acme', [retried]);
    const again = makePendingEvent({
      category: 'billing',
      operation: 'refund',
      actor: { type: 'user', id: 'u5' },
    });
    await appendOk(store, 'acme', [again]);
    for (const e of [good, retried, again]) {
      const stored = await store.events.get('acme', e.id);
      expect([stored?.category, stored?.operation, stored?.actor]).toEqual([
        e.category,
        e.operation,
        e.actor,
      ]);
    }
    const ghosts = await store.events.list('acme', {
      stream: 'central',
      categories: ['ghost_category'],
      limit: 10,
    });
    expect(ghosts.events.map((e) => e.id)).toEqual([retried.id]);
    await store.close();
  });

  it('reads codes the writer thread created after this thread last looked, and caches no absence', async () => {
    const store = createSqliteStore({ path: freshPath() });
    await store.migrate();
    await appendOk(store, 'acme', [makePendingEvent()]);
    const late: EventQuery = { stream: 'central', categories: ['late_category'], limit: 10 };
    expect((await store.events.list('acme', late)).events).toEqual([]);
    // Appended on the writer thread's connection: its codes are new to this thread's caches.
    const pending = makePendingEvent({
      category: 'late_category',
      actor: { type: 'user', id: 'u9', name: 'Late' },
      api: { method: 'DELETE', route: '/v1/late/:id', path: '/v1/late/1' },
    });
    await appendOk(store, 'acme', [pending]);
    const [summary] = (await store.events.list('acme', late)).events;
    expect([summary?.id, summary?.actor, summary?.api]).toEqual([pending.id, pending.actor, pending.api]);
    await store.close();
  });

  it('forgets a cached actor form once retention has deleted it', () => {
    const db = openDatabase(freshPath());
    migrate(db, loadMigrations());
    const statements = createStatementCache(db);
    const vocabulary = createVocabulary(statements);
    const ref = db
      .prepare(
        `INSERT INTO event_actor_refs (account_key, stream, actor_id, actor_type, actor_name)
         VALUES (1, 1, 'u1', 'user', 'Ann') RETURNING actor_ref`,
      )
      .pluck()
      .get() as number;
    const row = {
      actor_ref: ref,
      category_code: 0,
      operation_code: 0,
      target_type_code: null,
      api_code: null,
    };
    db.prepare("INSERT INTO event_terms (code, kind, value) VALUES (0, 1, 'settings')").run();
    expect(vocabulary.expand({ ...row }).actor_name).toBe('Ann');
    // What retention does to a form no remaining event carries.
    db.prepare('DELETE FROM event_actor_refs WHERE actor_ref = ?').run(ref);
    expect(vocabulary.expand({ ...row }).actor_name).toBe('Ann');
    vocabulary.forgetActors();
    expect(() => vocabulary.expand({ ...row })).toThrow(/actor .* is missing/);
    db.close();
  });
});
