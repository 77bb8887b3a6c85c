/**
 * @module The database itself keeps events append-only: raw UPDATE, DELETE and TRUNCATE through
 * `pg` are refused, on the partitioned table and on a partition directly; only a transaction that
 * set the purge flag may delete.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreFixture, type StoreFixture } from '../../../test/support/postgres-store.ts';
import { FIXTURE_TIME, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { PostgresStore } from './index.ts';
import { monthOf, partitionName } from './partitions.ts';

let fixture: StoreFixture;
let store: PostgresStore;
let client: pg.Client;
const account = uniqueAccountId('guard');
const partition = partitionName(monthOf(new Date(FIXTURE_TIME)));

async function count(): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM events WHERE account_id = $1',
    [account],
  );
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  fixture = await openStoreFixture();
  ({ store, client } = fixture);
  const [outcome] = await store.events.appendBatches([
    { accountId: account, events: [makePendingEvent(), makePendingEvent()] },
  ]);
  expect(outcome?.ok).toBe(true);
});

afterAll(() => fixture?.close());

describe('append-only guards', () => {
  it.each([
    ['UPDATE events', "UPDATE events SET operation = 'delete' WHERE account_id = $1"],
    ['UPDATE a partition', `UPDATE ${partition} SET hash = 'forged' WHERE account_id = $1`],
    ['DELETE from events', 'DELETE FROM events WHERE account_id = $1'],
    ['DELETE from a partition', `DELETE FROM ${partition} WHERE account_id = $1`],
  ])('refuses %s', async (_label, sql) => {
    await expect(client.query(sql, [account])).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('append-only'),
    });
    expect(await count()).toBe(2);
  });

  it.each([
    ['events', 'TRUNCATE events'],
    ['a partition', `TRUNCATE ${partition}`],
  ])('refuses TRUNCATE of %s', async (_label, sql) => {
    await expect(client.query(sql)).rejects.toMatchObject({ code: '42501' });
    expect(await count()).toBe(2);
  });

  it('refuses UPDATE even inside a purge transaction', async () => {
    await client.query("BEGIN; SET LOCAL auditlog.purging = 'on'");
    try {
      await expect(
        client.query("UPDATE events SET status = 'failure' WHERE account_id = $1", [account]),
      ).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('lets a transaction with the purge flag delete (the path purgeExpired takes), and only it', async () => {
    await client.query("BEGIN; SET LOCAL auditlog.purging = 'on'");
    const { rowCount } = await client.query('DELETE FROM events WHERE account_id = $1', [account]);
    await client.query('ROLLBACK');
    expect(rowCount).toBe(2);
    expect(await count()).toBe(2);
    // SET LOCAL ended with the transaction: the next plain DELETE is refused again.
    await expect(client.query('DELETE FROM events WHERE account_id = $1', [account])).rejects.toMatchObject({
      code: '42501',
    });
  });
});
