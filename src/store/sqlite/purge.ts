/**
 * @module Retention for SQLite: deletes each account's events older than its retentionDays, in
 * bounded batches, each its own short IMMEDIATE transaction, yielding to the event loop between
 * batches so appends (and HTTP requests) interleave instead of waiting for the whole purge.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { PurgeResult } from '../types.ts';
import { ALL_STREAM_CODES, encodeDetail, inflateDocument } from './codec.ts';
import type { SqliteDatabase } from './database.ts';
import {
  BLOCK_BODY_SQL,
  type BlockRef,
  blankOutside,
  decodeBlockRef,
  MAX_BLOCK_DOCUMENTS,
} from './detail-blocks.ts';
import type { DetailDictionaries } from './dictionary.ts';

const DAY_MS = 86_400_000;
/** Rows per delete transaction unless the caller says otherwise. */
export const DEFAULT_PURGE_BATCH = 5000;

/**
 * What retention does to the detail blocks of deleted events (005_detail_blocks.sql): `blocksOf`
 * names, before the delete, the blocks the batch's events point into; `settle`, after it, deletes
 * each block none of whose events remain, and rewrites the others with only the survivors'
 * documents left readable.
 */
function prepareBlockPruning(db: SqliteDatabase, dictionaries: DetailDictionaries) {
  const referencing = db.prepare(
    `SELECT e.account_key, e.seq, e.detail FROM temp.purge_batch b JOIN events e ON e.row_key = b.row_key
     WHERE substr(e.detail, 1, 1) = x'03'`,
  );
  const candidates = db.prepare(
    `SELECT seq, detail FROM events WHERE row_key BETWEEN (? << 40) | ? AND (? << 40) | ?
       AND substr(detail, 1, 1) = x'03'`,
  );
  const body = db.prepare(BLOCK_BODY_SQL).pluck();
  const remove = db.prepare('DELETE FROM detail_blocks WHERE block_key = (? << 40) | ?');
  const rewrite = db.prepare('UPDATE detail_blocks SET body = ? WHERE block_key = (? << 40) | ?');

  const settleBlock = (accountKey: number, firstSeq: number): void => {
    const lastSeq = firstSeq + MAX_BLOCK_DOCUMENTS - 1;
    const rows = candidates.all(accountKey, firstSeq, accountKey, lastSeq) as {
      seq: number;
      detail: Buffer;
    }[];
    const survivors: BlockRef[] = [];
    for (const row of rows) {
      const ref = decodeBlockRef(row.detail)!;
      if (row.seq - ref.distance === firstSeq) survivors.push(ref);
    }
    if (survivors.length === 0) {
      remove.run(accountKey, firstSeq);
      return;
    }
    const stored = body.get(accountKey, firstSeq) as Buffer;
    const blanked = blankOutside(inflateDocument(stored, dictionaries.byId), survivors);
    rewrite.run(encodeDetail(blanked, dictionaries.current()), accountKey, firstSeq);
  };

  return {
    blocksOf(): Array<[accountKey: number, firstSeq: number]> {
      const blocks = new Map<string, [number, number]>();
      for (const row of referencing.all() as { account_key: number; seq: number; detail: Buffer }[]) {
        const firstSeq = row.seq - decodeBlockRef(row.detail)!.distance;
        blocks.set(`${row.account_key}:${firstSeq}`, [row.account_key, firstSeq]);
      }
      return [...blocks.values()];
    },
    settle(blocks: Array<[number, number]>): void {
      for (const [accountKey, firstSeq] of blocks) settleBlock(accountKey, firstSeq);
    },
  };
}

/**
 * The statements of one purge batch, each run as its own IMMEDIATE transaction. A batch picks up
 * to `limit` expired rows (any order: the time index finds them), keeps the hash of each as the
 * prevHash link of the row after it, deletes them, then drops the links of the deleted rows
 * themselves. A temp table carries the batch between statements, in SQL, because row keys exceed
 * 2^53.
 */
function prepareBatches(db: SqliteDatabase, dictionaries: DetailDictionaries) {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_batch (row_key INTEGER PRIMARY KEY)');
  const blocks = prepareBlockPruning(db, dictionaries);
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
  // The span bounds (span-bounds.ts) of spans with no event left go: no candidate can come from
  // them. Should a later event take a seq in one (the newest span), its insert records it again.
  const pruneSpanBounds = db.prepare(
    `DELETE FROM event_span_bounds AS b WHERE account_key = ? AND NOT EXISTS (
       SELECT 1 FROM events WHERE row_key BETWEEN ((b.account_key << 40) | (b.span << 10))
         AND ((b.account_key << 40) | ((b.span << 10) + 1023)))`,
  );
  const deleteOnce = db.transaction((accountKey: number, stream: number, cutoff: number, limit: number) => {
    clearBatch.run();
    const picked = pickBatch.run(accountKey, stream, cutoff, limit).changes;
    if (picked > 0) {
      const touched = blocks.blocksOf();
      keepLinks.run();
      deleteBatch.run();
      dropLinks.run();
      blocks.settle(touched);
    }
    clearBatch.run();
    return picked;
  });
  const pruneOnce = db.transaction((accountKey: number) => {
    pruneActorRefs.run(accountKey);
    pruneActors.run(accountKey);
    pruneSpanBounds.run(accountKey);
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
  dictionaries: DetailDictionaries,
): (now: Date, options?: { batchSize?: number }) => Promise<PurgeResult> {
  const accounts = db.prepare(
    `SELECT ea.account_key AS accountKey, a.retention_days AS retentionDays
     FROM accounts a JOIN event_accounts ea ON ea.account_id = a.id ORDER BY ea.account_key`,
  );
  const batches = prepareBatches(db, dictionaries);

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
