/**
 * @module Retention for PostgreSQL: whole monthly partitions are dropped when every account with
 * events in them has let them expire (a metadata operation at any size); the rest is deleted row by
 * row in bounded batches, each its own short transaction with the purging flag the append-only
 * trigger checks. The only code path that removes events.
 */
import type pg from 'pg';
import type { PurgeResult } from '../types.ts';
import type { PartitionInfo, Partitions } from './partitions.ts';

const DAY_MS = 86_400_000;
/** Serialises purges across servers: two at once would only race each other's DETACH. */
const PURGE_LOCK = 7_370_019_003;

/** Every account's expiry instant: events with occurred_at before it are expired. */
async function cutoffs(pool: pg.Pool, now: Date): Promise<Map<string, Date>> {
  const { rows } = await pool.query<{ account_id: string; retention_days: number }>(
    'SELECT account_id, retention_days FROM accounts',
  );
  return new Map(rows.map((row) => [row.account_id, new Date(now.getTime() - row.retention_days * DAY_MS)]));
}

/** Distinct account ids of one partition, one index probe each (a loose scan of its primary key). */
async function accountsIn(pool: pg.Pool, partition: string): Promise<string[]> {
  const { rows } = await pool.query<{ account_id: string }>(
    `WITH RECURSIVE a AS (
       (SELECT account_id FROM ${partition} ORDER BY account_id LIMIT 1)
       UNION ALL
       SELECT (SELECT p.account_id FROM ${partition} p WHERE p.account_id > a.account_id
                ORDER BY p.account_id LIMIT 1)
         FROM a WHERE a.account_id IS NOT NULL
     )
     SELECT account_id FROM a WHERE account_id IS NOT NULL`,
  );
  return rows.map((row) => row.account_id);
}

/**
 * True when the whole month is expired for every account with rows in it. Rows of an account we
 * have no record of have no known retention, so they keep their month. An empty month goes once
 * it is expired even for the longest retention.
 */
async function expiredMonth(
  pool: pg.Pool,
  partition: PartitionInfo,
  expiry: Map<string, Date>,
): Promise<boolean> {
  const present = await accountsIn(pool, partition.name);
  const ids = present.length > 0 ? present : [...expiry.keys()];
  return ids.every((id) => {
    const cutoff = expiry.get(id);
    return cutoff !== undefined && partition.to.getTime() <= cutoff.getTime();
  });
}

/**
 * Drops the months that are wholly expired. The check runs again after the detach, when no
 * writer can add rows any more; a month that gained rows to keep in between is attached again.
 */
async function dropExpiredMonths(pool: pg.Pool, partitions: Partitions, expiry: Map<string, Date>) {
  const dropped: string[] = [];
  // No month ending after the latest cutoff can be expired for anyone: skip those without a scan.
  const latestCutoff = [...expiry.values()].reduce((max, d) => Math.max(max, d.getTime()), -Infinity);
  for (const partition of await partitions.list()) {
    if (partition.to.getTime() > latestCutoff) continue;
    if (partition.attached && !partition.detachPending && !(await expiredMonth(pool, partition, expiry)))
      continue;
    await partitions.detach(partition);
    if (await expiredMonth(pool, partition, expiry)) {
      await partitions.drop(partition.month);
      dropped.push(partition.name);
    } else {
      await partitions.attach(partition.month);
    }
  }
  return dropped;
}

/** Deletes up to `limit` expired events of one account, with its idempotency keys. */
async function deleteBatch(pool: pg.Pool, accountId: string, cutoff: Date, limit: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN; SET LOCAL auditlog.purging = 'on'");
    const { rows } = await client.query<{ idempotency_key: string | null }>(
      // Any `limit` expired rows, in no order: no index is in time order across streams. The bound
      // on occurred_at limits the search to the months holding expired rows.
      `DELETE FROM events e USING (
         SELECT occurred_at, id FROM events
          WHERE account_id = $1 AND occurred_at < $2::timestamptz LIMIT $3) doomed
        WHERE e.account_id = $1 AND e.id = doomed.id AND e.occurred_at = doomed.occurred_at
       RETURNING e.idempotency_key`,
      [accountId, cutoff.toISOString(), limit],
    );
    const keys = rows.flatMap((row) => (row.idempotency_key ? [row.idempotency_key] : []));
    if (keys.length > 0) {
      await client.query(
        'DELETE FROM event_keys WHERE account_id = $1 AND idempotency_key = ANY($2::text[])',
        [accountId, keys],
      );
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Removes idempotency keys whose events lived in dropped partitions, in bounded batches. */
async function deleteExpiredKeys(
  pool: pg.Pool,
  accountId: string,
  cutoff: Date,
  limit: number,
): Promise<void> {
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM event_keys WHERE account_id = $1 AND idempotency_key IN (
         SELECT idempotency_key FROM event_keys
          WHERE account_id = $1 AND occurred_at < $2::timestamptz LIMIT $3)`,
      [accountId, cutoff.toISOString(), limit],
    );
    if ((rowCount ?? 0) < limit) return;
  }
}

/** Builds purgeExpired() over a pool and the partition manager. */
export function createPurge(pool: pg.Pool, partitions: Partitions) {
  return async function purgeExpired(now: Date, options: { batchSize?: number } = {}): Promise<PurgeResult> {
    const limit = Math.max(1, options.batchSize ?? 1000);
    const result: PurgeResult = { deletedEvents: 0, droppedPartitions: [] };
    const lock = await pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [PURGE_LOCK]);
      const expiry = await cutoffs(pool, now);
      if (expiry.size === 0) return result;
      result.droppedPartitions = await dropExpiredMonths(pool, partitions, expiry);
      for (const [accountId, cutoff] of expiry) {
        for (;;) {
          const deleted = await deleteBatch(pool, accountId, cutoff, limit);
          result.deletedEvents += deleted;
          if (deleted < limit) break;
        }
        await deleteExpiredKeys(pool, accountId, cutoff, limit);
      }
      return result;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK]).catch(() => undefined);
      lock.release();
    }
  };
}
