/**
 * @module The common free-text keys come from ANALYZE's statistics of each month's keys index, per
 * account; a term with a key outside them is rare, and a search for it runs its index lookups on
 * their generic plans, while a common term's are still planned for their values. Statistics are
 * read again once they are older than their maximum age.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendOk, referenceList } from '../conformance/helpers.ts';
import { isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import { createCommonKeys, hasRareKey } from './common-keys.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';
import { createReads } from './read.ts';
import { searchKeys } from './search-keys.ts';

const BASE = '2026-06-15T12:00:00.000Z';
const A = 'acc_common_a';
const B = 'acc_common_b';
const ROWS = 600;

/**
 * Account A: "lantern" in every row but the newest 300 (one every 3 hours, ~75 days back), so a
 * search for it passes the windows and reaches the index; "zeppelin" in one old row. Account B:
 * "zeppelin" in every row, so the same word is common there.
 */
function dataset(account: string) {
  return Array.from({ length: ROWS }, (_, i) => {
    const words =
      account === B ? ['zeppelin'] : [...(i >= 300 ? ['lantern'] : []), ...(i === 550 ? ['zeppelin'] : [])];
    const name = [...words, `f${i}`].join('-');
    return makePendingEvent({
      stream: 'media',
      category: 'files',
      operation: 'upload',
      target: { type: 'file', id: `file_${i}`, name: `${name}.jpg`, path: `/library/${name}.jpg` },
      occurredAt: isoPlus(BASE, -i * 3 * 3_600_000),
    });
  });
}

let database: TestDatabase;
let store: PostgresStore;
let admin: pg.Client;
let events: AuditEvent[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  store = createPostgresStore({ connectionString: database.url, clock: () => new Date(BASE) });
  await store.migrate();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await store?.close();
  await database?.drop();
});

/** A pool of one connection, so a test can look at the statements a search prepared on it. */
async function withOneConnection<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

describe('common keys', () => {
  it('are unknown while no month has statistics', async () => {
    await withOneConnection(async (pool) => {
      const common = createCommonKeys(pool);
      expect(await common.current()).toBeUndefined();
      expect(hasRareKey(searchKeys(A, 'zeppelin')!, await common.current())).toBe(false);
    });
  });

  describe('once ANALYZE has run', () => {
    beforeAll(async () => {
      const pending = dataset(A);
      await appendOk(store, A, pending);
      await appendOk(store, B, dataset(B));
      events = pending as unknown as AuditEvent[];
      await admin.query('ANALYZE events');
    });

    it('are the frequent keys of each account', async () => {
      await withOneConnection(async (pool) => {
        const common = await createCommonKeys(pool).current();
        expect(common?.has(`${A}:lan`)).toBe(true);
        expect(common?.has(`${B}:zep`)).toBe(true);
        expect(common?.has(`${A}:zep`)).toBe(false);
        expect(hasRareKey(searchKeys(A, 'zeppelin')!, common)).toBe(true);
        expect(hasRareKey(searchKeys(A, 'lantern')!, common)).toBe(false);
        expect(hasRareKey(searchKeys(B, 'zeppelin')!, common)).toBe(false);
      });
    });

    it('are read again once older than their maximum age', async () => {
      await withOneConnection(async (pool) => {
        let now = 0;
        const common = createCommonKeys(pool, 1000, () => now);
        expect((await common.current())?.has(`${A}:wal`)).toBe(false);
        const walruses = Array.from({ length: ROWS }, (_, i) =>
          makePendingEvent({
            stream: 'media',
            target: { type: 'file', id: `walrus_${i}`, name: 'walrus.jpg', path: '/library/walrus.jpg' },
            occurredAt: isoPlus(BASE, -i * 3_600_000),
          }),
        );
        await appendOk(store, A, walruses);
        events.push(...(walruses as unknown as AuditEvent[]));
        await admin.query('ANALYZE events');
        now = 999;
        expect((await common.current())?.has(`${A}:wal`)).toBe(false);
        now = 1000;
        // Past its age the list is returned as it is while it is read again.
        expect((await common.current())?.has(`${A}:wal`)).toBe(false);
        await common.refresh();
        expect((await common.current())?.has(`${A}:wal`)).toBe(true);
      });
    });

    it('send a rare term’s index lookups to their generic plans, and a common term’s not', async () => {
      await withOneConnection(async (pool) => {
        const reads = createReads({ pool, commonKeys: createCommonKeys(pool) }, () => new Date(BASE));
        const genericRuns = async () => {
          const { rows } = await pool.query<{ runs: number }>(
            `SELECT coalesce(sum(generic_plans), 0)::int AS runs FROM pg_prepared_statements
              WHERE statement LIKE '%(account_id || '''') = $1%' AND custom_plans = 0`,
          );
          return rows[0]!.runs;
        };
        for (const q of ['zeppelin', 'lantern']) {
          const query = { stream: 'media' as const, q, limit: 50 };
          const before = await genericRuns();
          const page = await reads.list(A, query);
          expect(page.events.map((e) => e.id)).toEqual(
            referenceList(events, query)
              .slice(0, 50)
              .map((e) => e.id),
          );
          // zeppelin: the month the windows ended in, then the older months; lantern: neither.
          expect((await genericRuns()) - before).toBe(q === 'zeppelin' ? 2 : 0);
        }
      });
    });
  });
});
