/**
 * @module One connection for every statement of a search, each planned the way the search asks.
 *
 * PostgreSQL chooses between planning a named statement for its values every time and reusing one
 * generic plan; it cannot be told per statement. A search knows better for some of its statements
 * (search.ts), so those run in a read-only transaction with `SET LOCAL plan_cache_mode`, switched
 * only when the next statement wants the other mode: a search whose statements all run generic pays
 * two round trips (BEGIN, COMMIT) for all of them.
 *
 * Why one connection rather than a second pool set to generic plans: a server process faults in
 * each page of the shared buffer pool the first time it reads it (~2 faults per 8 kB buffer,
 * ~8 µs each on this VM), so work spread over more processes pays those faults more often. Measured
 * at 5M events, a month's lookup reading 970 cached buffers took 18 ms in a fresh process and
 * 2.2 ms after; with a second pool, one search step kept running in 20–35 ms instead of ~10.
 */
import type pg from 'pg';
import { prepared, type SqlQuery } from './list-sql.ts';

/** How a statement is planned: for its values each time, as a named statement (PostgreSQL decides), or generic. */
export type Plan = 'values' | 'named' | 'generic';

/** Runs the statements of one search, in order, on one connection. */
export interface PlanSession {
  query<R extends pg.QueryResultRow>(statement: SqlQuery, plan: Plan): Promise<R[]>;
}

// Parallel workers cost more to start than these statements take; a generic plan's row estimates,
// made for any values, would sometimes ask for them.
const BEGIN_GENERIC =
  'BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL max_parallel_workers_per_gather = 0';
const TO_GENERIC = 'SET LOCAL plan_cache_mode = force_generic_plan';
// Unnamed statements are plan-cached too, so 'values' needs the default mode back.
const TO_AUTO = 'SET LOCAL plan_cache_mode = auto';

/**
 * Runs `work` with a session on one connection of `pool`, then commits the transaction it opened,
 * if any. A connection left in a failed transaction (or a broken one) is closed, not reused.
 *
 * @example
 * const rows = await withPlanSession(pool, (session) => session.query(statement, 'generic'));
 */
export async function withPlanSession<T>(
  pool: pg.Pool,
  work: (session: PlanSession) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let mode: 'none' | 'auto' | 'generic' = 'none';
  const session: PlanSession = {
    async query<R extends pg.QueryResultRow>(statement: SqlQuery, plan: Plan): Promise<R[]> {
      if (plan === 'generic' && mode !== 'generic') {
        await client.query(mode === 'none' ? BEGIN_GENERIC : TO_GENERIC);
        mode = 'generic';
      } else if (plan !== 'generic' && mode === 'generic') {
        await client.query(TO_AUTO);
        mode = 'auto';
      }
      const config =
        plan === 'values' ? { text: statement.sql, values: statement.params } : prepared(statement);
      return (await client.query<R>(config)).rows;
    },
  };
  try {
    const result = await work(session);
    if (mode !== 'none') await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}
