/**
 * @module Sealing a call's batches at once: idempotency keys resolve per account, against the
 * database and against the earlier batches of the same call, so the single INSERT of a call never
 * stores a key twice. (A call that did would fail and run again batch by batch, correct but slow:
 * the store-level tests cannot tell the two apart, so this one asks sealBatches itself.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { createPostgresStore } from './index.ts';
import { type Head, sealBatches } from './insert.ts';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  const store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
  await store.close();
  pool = new pg.Pool({ connectionString: database.url, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('sealBatches', () => {
  it('resolves keys per account against the database and the earlier batches of the call', async () => {
    const [a, b] = ['seal_a', 'seal_b'].map(uniqueAccountId) as [string, string];
    const stored = makePendingEvent({ idempotencyKey: 'old' });
    const store = createPostgresStore({ connectionString: database.url });
    await store.events.appendBatches([{ accountId: a, events: [stored] }]);
    const head = await store.events.head(a);
    await store.close();

    const [a1, a2, a3, a4] = ['k1', 'k1', 'k2', 'old'].map((key) =>
      makePendingEvent({ idempotencyKey: key }),
    );
    const b1 = makePendingEvent({ idempotencyKey: 'k1' });
    const heads = new Map<string, Head>([
      [a, head],
      [b, { seq: 0, hash: GENESIS_HASH }],
    ]);
    const client = await pool.connect();
    try {
      const done = await sealBatches(
        client,
        [
          { accountId: a, events: [a1!] },
          { accountId: b, events: [b1] },
          { accountId: a, events: [a2!, a3!, a4!] },
        ],
        heads,
      );
      expect(done.map((batch) => batch.events)).toEqual([
        [{ id: a1!.id, seq: 2, duplicate: false }],
        [{ id: b1.id, seq: 1, duplicate: false }],
        [
          { id: a1!.id, seq: 2, duplicate: true },
          { id: a3!.id, seq: 3, duplicate: false },
          { id: stored.id, seq: 1, duplicate: true },
        ],
      ]);
      // Only new events are sealed, each chained to the one before it in its account.
      expect(done.flatMap((batch) => batch.sealed.map((e) => e.id))).toEqual([a1!.id, b1.id, a3!.id]);
      expect(done[2]!.sealed[0]!.prevHash).toBe(done[0]!.sealed[0]!.hash);
      expect(heads.get(a)).toEqual({ seq: 3, hash: done[2]!.sealed[0]!.hash });
      expect(heads.get(b)).toEqual({ seq: 1, hash: done[1]!.sealed[0]!.hash });
    } finally {
      client.release();
    }
  });
});
