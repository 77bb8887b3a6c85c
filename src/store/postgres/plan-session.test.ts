/**
 * @module A plan session runs each statement of a search on one connection, planned as asked:
 * generic statements on their generic plan, the others for their values, even after a generic one.
 * It leaves the pool as it found it: no transaction open, the default plan mode, and a connection
 * whose statement failed closed rather than reused.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { prepared, type SqlQuery } from './list-sql.ts';
import { withPlanSession } from './plan-session.ts';

let database: TestDatabase;
let pool: pg.Pool;

// One parameter, so that PostgreSQL has a choice between a custom and a generic plan.
const statement: SqlQuery = { sql: 'SELECT count(*) AS n FROM plan_session_rows WHERE v < $1', params: [5] };

/** How often the named form of `statement` was planned each way, asked on the session's connection. */
const PLANS: SqlQuery = {
  sql: 'SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = $1',
  params: [prepared(statement).name],
};

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection: every session and every check below runs on the same server process.
  pool = new pg.Pool({ connectionString: database.url, max: 1 });
  await pool.query('CREATE TABLE plan_session_rows AS SELECT generate_series(1, 100) AS v');
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('withPlanSession', () => {
  it('runs generic statements on their generic plan and the others for their values', async () => {
    const plans = await withPlanSession(pool, async (session) => {
      await session.query(statement, 'generic');
      await session.query(statement, 'generic');
      const afterGeneric = await session.query(PLANS, 'values');
      // A named statement left to PostgreSQL is planned for its values for its first five runs.
      await session.query(statement, 'named');
      const afterNamed = await session.query(PLANS, 'values');
      return { afterGeneric, afterNamed };
    });
    expect(plans.afterGeneric).toEqual([{ generic: 2, custom: 0 }]);
    expect(plans.afterNamed).toEqual([{ generic: 2, custom: 1 }]);
  });

  it('returns what the statements return', async () => {
    const rows = await withPlanSession(pool, (session) => session.query<{ n: string }>(statement, 'generic'));
    expect(rows).toEqual([{ n: '4' }]);
  });

  it('leaves no transaction open and the default plan mode', async () => {
    await withPlanSession(pool, (session) => session.query(statement, 'generic'));
    const { rows } = await pool.query<{ mode: string; open: boolean }>(
      "SELECT current_setting('plan_cache_mode') AS mode, now() <> statement_timestamp() AS open",
    );
    expect(rows).toEqual([{ mode: 'auto', open: false }]);
  });

  it('runs only reads in its generic transaction', async () => {
    const write: SqlQuery = { sql: 'INSERT INTO plan_session_rows VALUES ($1)', params: [1] };
    await expect(withPlanSession(pool, (session) => session.query(write, 'generic'))).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it('closes a connection whose statement failed, and the pool goes on', async () => {
    const { rows: before } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const broken: SqlQuery = { sql: 'SELECT 1 / $1::int', params: [0] };
    await expect(withPlanSession(pool, (session) => session.query(broken, 'generic'))).rejects.toThrow(
      /division by zero/,
    );
    const { rows: after } = await pool.query<{ pid: number; mode: string }>(
      "SELECT pg_backend_pid() AS pid, current_setting('plan_cache_mode') AS mode",
    );
    expect(after[0]!.pid).not.toBe(before[0]!.pid);
    expect(after[0]!.mode).toBe('auto');
  });
});
