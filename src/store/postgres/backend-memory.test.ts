/**
 * @module A connection warmed by keepFreedMemory keeps the memory its statements free: planning a
 * search over a year of partitions, again and again, costs its server process few page faults,
 * where a connection without it takes hundreds each time. Page faults are read from /proc, so the
 * test server must run on this machine, as the test suites' private server does.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { keepFreedMemory } from './backend-memory.ts';
import { createPostgresStore } from './index.ts';
import { trigramSql } from './list-sql.ts';
import { searchKeys } from './search-keys.ts';

const RUNS = 20;

/** Minor page faults of a server process so far (field 10 of /proc/<pid>/stat). */
function minorFaults(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[7]);
}

/** Page faults of a pooled connection's server process per planning of an older-months search. */
async function faultsPerRun(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    return await measure(client);
  } finally {
    client.release();
  }
}

async function measure(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  const query = { stream: 'media' as const, q: 'bag-35001', limit: 50 };
  const { sql, params } = trigramSql(
    'acc_1',
    query,
    searchKeys('acc_1', query.q)!,
    { to: '2026-11-01T00:00:00Z' },
    51,
  );
  await client.query(sql, params);
  const before = minorFaults(pid);
  for (let i = 0; i < RUNS; i++) await client.query(sql, params);
  return (minorFaults(pid) - before) / RUNS;
}

describe('keepFreedMemory', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const store = createPostgresStore({
      connectionString: database.url,
      clock: () => new Date('2026-11-15T00:00:00Z'),
    });
    await store.migrate();
    await store.close();
  });

  afterAll(() => database?.drop());

  it('spares a connection the page faults of getting freed memory back', async () => {
    const plain = new pg.Pool({ connectionString: database.url, max: 1 });
    const warmed = new pg.Pool({ connectionString: database.url, max: 1, onConnect: keepFreedMemory });
    try {
      // Measured 301 against 6 on the development machine.
      const withoutIt = await faultsPerRun(plain);
      const withIt = await faultsPerRun(warmed);
      expect(withoutIt).toBeGreaterThan(100);
      expect(withIt).toBeLessThan(withoutIt / 3);
    } finally {
      await plain.end();
      await warmed.end();
    }
  });
});
