/**
 * @module PostgreSQL export: each line is the text JSON.stringify gives the event get() reads,
 * member for member, whichever optional members are absent. And its read-ahead: the next page is
 * queried as soon as a page is read, taken only by the request that asks for exactly that page
 * (same account, same query), read again when the read-ahead failed or waited too long, and never
 * handed to another account's export.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { exportAll, pageEvents } from '../conformance/export.ts';
import { appendOk } from '../conformance/helpers.ts';
import { isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { ExportQuery } from '../types.ts';
import { createExport } from './export.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';

const BASE = '2026-06-15T12:00:00.000Z';
const PER_ACCOUNT = 120;

let database: TestDatabase;
let store: PostgresStore;
const accounts = [uniqueAccountId('export_a'), uniqueAccountId('export_b')] as const;
const stored = new Map<string, AuditEvent[]>();

/** A real pool whose export queries are counted, and which can fail the ones `fail` picks. */
function countingPool(fail: (index: number) => boolean = () => false) {
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  const counter = { pool, queries: 0 };
  pool.query = ((config: pg.QueryConfig) => {
    const index = counter.queries++;
    return fail(index) ? Promise.reject(new Error('injected failure')) : query(config);
  }) as typeof pool.query;
  return counter;
}

const firstPage = (limit: number): ExportQuery => ({ afterSeq: 0, throughSeq: PER_ACCOUNT, limit });

beforeAll(async () => {
  database = await createTestDatabase();
  store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
  for (const [n, account] of accounts.entries()) {
    const pending = Array.from({ length: PER_ACCOUNT }, (_, i) =>
      makePendingEvent({ occurredAt: isoPlus(BASE, (i * 2 + n) * 60_000), request: { i, account } }),
    );
    await appendOk(store, account, pending);
    stored.set(account, await exportAll(store, account, { throughSeq: PER_ACCOUNT }));
  }
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe('export lines (PostgreSQL)', () => {
  it('writes each line as JSON.stringify writes the event get() reads, in its member order', async () => {
    const account = uniqueAccountId('export_lines');
    const odd = 'quote " backslash \\ newline \n soh \u0001 é 😀 \u2028';
    const actors = [
      { type: 'user', id: 'u1', email: 'u1@example.com', name: odd },
      { type: 'user', id: 'u2', email: 'u2@example.com' },
      { type: 'user', id: 'u3', name: 'Three' },
      { type: 'api_key', id: 'key_1' },
    ] as const;
    const targets = [
      { type: 'asset', id: 'a1', name: 'One', path: '/a/1' },
      { type: 'asset', id: 'a2', path: `/a/${odd}` },
      { type: 'asset', id: 'a3', name: 'Three' },
      { type: 'asset', id: 'a4' },
      null,
    ];
    const pending = actors.flatMap((actor, a) =>
      targets.map((target, t) =>
        makePendingEvent({
          actor,
          target,
          api: t === 4 ? null : { method: 'DELETE', route: '/v1/a/:id', path: `/v1/a/${t}` },
          httpStatus: t === 3 ? null : 204,
          ip: a === 1 ? null : '2001:db8::7',
          requestId: t % 2 === 0 ? odd : null,
          userAgent: a === 2 ? null : odd,
          idempotencyKey: `k-${a}-${t}`,
          occurredAt: isoPlus(BASE, (a * 5 + t) * 1000),
        }),
      ),
    );
    await appendOk(store, account, pending);
    const page = await store.events.exportPage(account, {
      afterSeq: 0,
      throughSeq: pending.length,
      limit: 100,
    });
    expect(page.lines).toHaveLength(pending.length);
    for (const line of page.lines) {
      const { id } = JSON.parse(line.json) as AuditEvent;
      expect(line.json).toBe(JSON.stringify(await store.events.get(account, id)));
    }
  });
});

describe('export read-ahead (PostgreSQL)', () => {
  it('queries the next page while this one is built, and each page once', async () => {
    const counter = countingPool();
    const exportPage = createExport(counter.pool);
    try {
      const first = await exportPage(accounts[0], firstPage(25));
      expect(counter.queries).toBe(2); // this page, and the next read ahead
      const second = await exportPage(accounts[0], { ...firstPage(25), afterSeq: first.next! });
      expect(counter.queries).toBe(3); // the second came from the read-ahead; the third is ahead
      expect([...pageEvents(first), ...pageEvents(second)]).toEqual(stored.get(accounts[0])!.slice(0, 50));
      // A page nobody read ahead (another start, another limit) is queried on the spot.
      const other = await exportPage(accounts[0], { ...firstPage(10), afterSeq: 7 });
      expect(counter.queries).toBe(5);
      expect(pageEvents(other)).toEqual(stored.get(accounts[0])!.slice(7, 17));
    } finally {
      await counter.pool.end();
    }
  });

  it('never hands one account’s read-ahead to another account’s export of the same range', async () => {
    const counter = countingPool();
    const exportPage = createExport(counter.pool);
    const read = new Map<string, AuditEvent[]>(accounts.map((account) => [account, []]));
    const after = new Map<string, number | null>(accounts.map((account) => [account, 0]));
    try {
      // Both exports step through the same seqs with the same query, page by page, interleaved,
      // the order flipped every round: the second to read a page is the first to ask for the next.
      for (let round = 0; accounts.some((account) => after.get(account) !== null); round++) {
        for (const account of round % 2 === 0 ? accounts : [...accounts].reverse()) {
          const afterSeq = after.get(account);
          if (afterSeq === null || afterSeq === undefined) continue;
          const page = await exportPage(account, { ...firstPage(16), afterSeq });
          read.get(account)!.push(...pageEvents(page));
          after.set(account, page.next);
        }
      }
      for (const account of accounts) {
        expect(read.get(account)).toEqual(stored.get(account));
        expect(read.get(account)!.every((event) => event.accountId === account)).toBe(true);
      }
    } finally {
      await counter.pool.end();
    }
  });

  it('reads a page again when its read-ahead failed', async () => {
    const counter = countingPool((index) => index === 1); // the first read-ahead
    const exportPage = createExport(counter.pool);
    try {
      const first = await exportPage(accounts[1], firstPage(30));
      const second = await exportPage(accounts[1], { ...firstPage(30), afterSeq: first.next! });
      expect(counter.queries).toBe(4); // page 1, its failed read-ahead, page 2 again, page 3 ahead
      expect(pageEvents(second)).toEqual(stored.get(accounts[1])!.slice(30, 60));
    } finally {
      await counter.pool.end();
    }
  });

  it('reads a page again when its read-ahead waited too long', async () => {
    const counter = countingPool();
    const exportPage = createExport(counter.pool, 0); // every read-ahead is already too old
    try {
      const first = await exportPage(accounts[0], firstPage(40));
      const second = await exportPage(accounts[0], { ...firstPage(40), afterSeq: first.next! });
      expect(counter.queries).toBe(4); // page 1, its read-ahead, page 2 again, page 3 ahead
      expect(pageEvents(second)).toEqual(stored.get(accounts[0])!.slice(40, 80));
    } finally {
      await counter.pool.end();
    }
  });

  it('lets a store close while a page it read ahead is still unclaimed', async () => {
    const own = createPostgresStore({ connectionString: database.url });
    const page = await own.events.exportPage(accounts[0], firstPage(10));
    expect(page.next).toBe(10);
    await expect(own.close()).resolves.toBeUndefined();
  });
});
