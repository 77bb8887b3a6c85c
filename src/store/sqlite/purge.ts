/**
 * @module Retention for SQLite: deletes each account's events older than its retentionDays, in
 * bounded batches, each its own short IMMEDIATE transaction, yielding to the event loop between
 * batches so appends (and HTTP requests) interleave instead of waiting for the whole purge.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { PurgeResult } from '../types.ts';
import { ALL_STREAM_CODES } from './codec.ts';
import type { SqliteDatabase } from './database.ts';

const DAY_MS = 86_400_000;
/** Rows per delete transaction unless the caller says otherwise. */
export const DEFAULT_PURGE_BATCH = 5000;

/**
 * The statements of one purge batch, each run as its own IMMEDIATE transaction. A batch picks up
 * to `limit` expired rows (any order: the time index finds them), keeps the hash of each as the
 * prevHash link of the row after it, deletes them, then drops the links of the deleted rows
 * themselves. A temp table carries the batch between statements, in SQL, because row keys exceed
 * 2^53.
 */
function prepareBatches(db: SqliteDatabase) {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_batch (row_key INTEGER PRIMARY KEY)');
  const clearBatch = db.prepare('DELETE FROM temp.purge_batch');
  const pickBatch = db.prepare(
    `INSERT INTO temp.purge_batch (row_key)
     SELECT row_key FROM events INDEXED BY events_by_time
     WHERE account_key = ? AND stream = ? AND occurred_at < ? LIMIT ?`,
  );
  const keepLinks = db.prepare(
    `INSERT OR REPLACE INTO chain_links (row_key, prev_hash)
     SELECT e.row_key + 1, e.hash FROM temp.purge_batch b JOIN events e ON e.row_key = b.row_key`,
  );
  const deleteBatch = db.prepare(
    'DELETE FROM events WHERE row_key IN (SELECT row_key FROM temp.purge_batch)',
  );
  const dropLinks = db.prepare(
    'DELETE FROM chain_links WHERE row_key IN (SELECT row_key FROM temp.purge_batch)',
  );
  // An actor form no remaining event carries is personal data past its retention: it goes.
  const pruneActorRefs = db.prepare(
    `DELETE FROM event_actor_refs WHERE account_key = ? AND NOT EXISTS (
       SELECT 1 FROM events INDEXED BY events_by_actor
       WHERE events.account_key = event_actor_refs.account_key AND events.stream = event_actor_refs.stream
         AND events.actor_ref = event_actor_refs.actor_ref)`,
  );
  // Actors left without any form (so without any event) disappear from the actors filter too.
  const pruneActors = db.prepare(
    `DELETE FROM event_actors WHERE account_key = ? AND NOT EXISTS (
       SELECT 1 FROM event_actor_refs r
       WHERE r.account_key = event_actors.account_key AND r.stream = event_actors.stream
         AND r.actor_id = event_actors.actor_id)`,
  );
  const deleteOnce = db.transaction((accountKey: number, stream: number, cutoff: number, limit: number) => {
    clearBatch.run();
    const picked = pickBatch.run(accountKey, stream, cutoff, limit).changes;
    if (picked > 0) {
      keepLinks.run();
      deleteBatch.run();
      dropLinks.run();
    }
    clearBatch.run();
    return picked;
  });
  const pruneOnce = db.transaction((accountKey: number) => {
    pruneActorRefs.run(accountKey);
    pruneActors.run(accountKey);
  });
  return {
    deleteBatch: (accountKey: number, stream: number, cutoff: number, limit: number): number =>
      deleteOnce.immediate(accountKey, stream, cutoff, limit),
    pruneActors: (accountKey: number): void => {
      pruneOnce.immediate(accountKey);
    },
  };
}

/**
 * Builds purgeExpired(). Only accounts in the accounts table have a retention, so only their
 * events expire. The chain head (event_accounts) is never touched, and chain_links keeps the
 * prevHash of the first surviving event: after a purge, even of every event, get() still returns
 * verifiable events and the next append continues seq and the chain.
 */
export function createPurger(
  db: SqliteDatabase,
): (now: Date, options?: { batchSize?: number }) => Promise<PurgeResult> {
  const accounts = db.prepare(
    `SELECT ea.account_key AS accountKey, a.retention_days AS retentionDays
     FROM accounts a JOIN event_accounts ea ON ea.account_id = a.id ORDER BY ea.account_key`,
  );
  const batches = prepareBatches(db);

  return async (now, options = {}) => {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_PURGE_BATCH));
    let deletedEvents = 0;
    const retained = accounts.all() as Array<{ accountKey: number; retentionDays: number }>;
    for (const { accountKey, retentionDays } of retained) {
      const cutoff = now.getTime() - retentionDays * DAY_MS;
      let deletedHere = 0;
      for (const stream of ALL_STREAM_CODES) {
        for (;;) {
          const deleted = batches.deleteBatch(accountKey, stream, cutoff, batchSize);
          deletedHere += deleted;
          await yieldToEventLoop();
          if (deleted < batchSize) break;
        }
      }
      if (deletedHere > 0) batches.pruneActors(accountKey);
      deletedEvents += deletedHere;
    }
    return { deletedEvents, droppedPartitions: [] };
  };
}
