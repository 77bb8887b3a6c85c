/**
 * @module Detail blocks: references round-trip, a batch's documents are deflated together and read
 * back exactly (get and export), and retention leaves nothing of an expired document in a block.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { pageEvents } from '../conformance/export.ts';
import { appendOk } from '../conformance/helpers.ts';
import { DAY_MS, FIXTURE_TIME, isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { Store } from '../types.ts';
import { encodeDetail, inflateDocument } from './codec.ts';
import {
  BLOCK_BUDGET_BYTES,
  blankOutside,
  decodeBlockRef,
  encodeBlockRef,
  planDetails,
} from './detail-blocks.ts';
import { createSqliteStore } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-blocks-'));
let files = 0;
const freshPath = () => join(dir, `blocks-${++files}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ~1 KiB payload unique to `label`, so a block's inflated body shows whose content it holds. */
function payloadEvent(label: string, overrides: Partial<PendingEvent> = {}): PendingEvent {
  const words = ['resize', 'quality', 'origin', 'bucket', 'cache', 'signed', 'format', 'crop'];
  return makePendingEvent({
    request: { note: `${label} ${words.map((w, i) => `${w}-${(label.length * 7 + i) % 13}`).join(' ')}` },
    response: { id: label, items: Array.from({ length: 30 }, (_, i) => `${words[i % 8]}-${label}-${i}`) },
    ...overrides,
  });
}

/** Every block body of the database, inflated, as one string. */
function inflatedBlocks(path: string): string {
  const raw = new Database(path, { readonly: true });
  try {
    const dictionaries = new Map(
      (
        raw.prepare('SELECT id, dictionary FROM detail_dictionaries').all() as {
          id: number;
          dictionary: Buffer;
        }[]
      ).map((r) => [r.id, r.dictionary]),
    );
    const bodies = raw.prepare('SELECT body FROM detail_blocks').pluck().all() as Buffer[];
    return bodies.map((b) => inflateDocument(b, (id) => dictionaries.get(id)!).toString('utf8')).join('\n');
  } finally {
    raw.close();
  }
}

function count(path: string, sql: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare(sql).pluck().get() as number;
  } finally {
    raw.close();
  }
}

async function exportAll(store: Store, accountId: string): Promise<AuditEvent[]> {
  const head = await store.events.head(accountId);
  const page = await store.events.exportPage(accountId, { afterSeq: 0, throughSeq: head.seq, limit: 5000 });
  return pageEvents(page);
}

describe('block references', () => {
  it('round-trip distances, offsets and lengths of any size', () => {
    for (const ref of [
      { distance: 0, offset: 0, length: 0 },
      { distance: 127, offset: 128, length: 16_383 },
      { distance: 99, offset: 1_000_000, length: 70_000 },
    ]) {
      expect(decodeBlockRef(encodeBlockRef(ref))).toEqual(ref);
    }
  });

  it('are told apart from inline documents, and a truncated one is refused', () => {
    expect(decodeBlockRef(encodeDetail(Buffer.from('{"q":1}')))).toBeUndefined();
    expect(decodeBlockRef(encodeDetail(Buffer.from(`{"q":"${'x'.repeat(600)}"}`)))).toBeUndefined();
    expect(() =>
      decodeBlockRef(encodeBlockRef({ distance: 1, offset: 300, length: 2 }).subarray(0, 3)),
    ).toThrow(/truncated/);
  });
});

describe('planDetails', () => {
  const documents = Array.from({ length: 21 }, (_, i) =>
    Buffer.from(`{"q":"${String(i).padStart(1016, '.')}"}`),
  );

  it('cuts blocks at the budget, keeps a lone document inline, and points each event at its bytes', () => {
    expect(documents[0]!.length * 10).toBeGreaterThanOrEqual(BLOCK_BUDGET_BYTES);
    const { details, blocks } = planDetails(documents, undefined);
    expect(blocks.map((b) => b.first)).toEqual([0, 10]);
    expect(details[20]![0]).not.toBe(3);
    for (const [i, detail] of details.slice(0, 20).entries()) {
      const ref = decodeBlockRef(detail)!;
      const block = blocks[i < 10 ? 0 : 1]!;
      expect(ref.distance).toBe(i - block.first);
      const body = inflateDocument(block.body, () => Buffer.alloc(0));
      expect(body.subarray(ref.offset, ref.offset + ref.length)).toEqual(documents[i]);
    }
  });

  it('blanks everything but the kept documents, at their offsets', () => {
    const body = Buffer.from('{"a":1}{"b":2}{"c":3}');
    const kept = blankOutside(body, [{ distance: 1, offset: 7, length: 7 }]);
    expect(kept.toString()).toBe(`${' '.repeat(7)}{"b":2}${' '.repeat(7)}`);
  });
});

describe('SQLite store with detail blocks', () => {
  it('deflates a batch together, smaller than one by one, and reads every payload back exactly', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const account = uniqueAccountId('blocks');
    const pending = Array.from({ length: 40 }, (_, i) => payloadEvent(`event-${i}`));
    await appendOk(store, account, pending);

    for (const p of pending) {
      const stored = (await store.events.get(account, p.id))!;
      expect([stored.request, stored.response, stored.userAgent]).toEqual([
        p.request,
        p.response,
        p.userAgent,
      ]);
    }
    const exported = await exportAll(store, account);
    expect(exported.map((e) => e.response)).toEqual(pending.map((p) => p.response));
    await store.close();

    expect(count(path, 'SELECT count(*) FROM detail_blocks')).toBeGreaterThanOrEqual(2);
    expect(count(path, "SELECT count(*) FROM events WHERE substr(detail, 1, 1) = x'03'")).toBeGreaterThan(30);
    const stored = count(
      path,
      'SELECT (SELECT sum(length(body)) FROM detail_blocks) + (SELECT sum(length(detail)) FROM events)',
    );
    const oneByOne = exported.reduce(
      (sum, e) =>
        sum +
        encodeDetail({
          request: e.request,
          response: e.response,
          before: e.before,
          after: e.after,
          userAgent: e.userAgent,
        }).length,
      0,
    );
    expect(stored).toBeLessThan(oneByOne * 0.8);
  });

  it('keeps a single-event batch inline, readable next to blocks', async () => {
    const path = freshPath();
    // The direct path: on the writer thread, a lone event is journaled and drained together with
    // its neighbours into one block (journal.test.ts).
    const store = createSqliteStore({ path, writerThread: false });
    await store.migrate();
    const account = uniqueAccountId('single');
    const lone = payloadEvent('alone');
    await appendOk(store, account, [lone]);
    await appendOk(store, account, [payloadEvent('pair-1'), payloadEvent('pair-2')]);
    expect((await store.events.get(account, lone.id))?.response).toEqual(lone.response);
    expect((await exportAll(store, account)).map((e) => e.seq)).toEqual([1, 2, 3]);
    await store.close();
    expect(count(path, "SELECT count(*) FROM events WHERE substr(detail, 1, 1) = x'03'")).toBe(2);
  });

  it('retention blanks the expired documents of a block and deletes the block with its last event', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const account = uniqueAccountId('purge');
    await store.accounts.create({
      id: account,
      name: 'P',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    // One batch: even positions are 90 days old (expired), odd ones a day old.
    const pending = Array.from({ length: 12 }, (_, i) =>
      payloadEvent(i % 2 === 0 ? `expired-secret-${i}` : `kept-${i}`, {
        occurredAt: isoPlus(FIXTURE_TIME, -(i % 2 === 0 ? 90 : 1) * DAY_MS),
      }),
    );
    await appendOk(store, account, pending);
    expect(inflatedBlocks(path)).toContain('expired-secret-0');

    const result = await store.events.purgeExpired(new Date(FIXTURE_TIME), { batchSize: 4 });
    expect(result.deletedEvents).toBe(6);
    for (const [i, p] of pending.entries()) {
      const stored = await store.events.get(account, p.id);
      if (i % 2 === 0) expect(stored).toBeNull();
      else expect(stored?.response).toEqual(p.response);
    }
    const left = inflatedBlocks(path);
    expect(left).not.toContain('expired-secret');
    expect(left).toContain('kept-11');

    await store.events.purgeExpired(new Date(Date.parse(FIXTURE_TIME) + 60 * DAY_MS));
    expect(await exportAll(store, account)).toEqual([]);
    await store.close();
    expect(count(path, 'SELECT count(*) FROM detail_blocks')).toBe(0);
  });
});
