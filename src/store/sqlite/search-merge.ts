/**
 * @module Incremental merges of the trigram index (events_fts), for the writer thread to run when
 * appends pause. Every write transaction adds a segment to the index, and a free-text query reads
 * each of its trigrams in every segment; FTS5 merges as it writes, but only in levels of four
 * (automerge), so a busy database keeps dozens. Merging pairs (usermerge = 2, migration 012) in
 * idle time keeps a few, without slowing the appends that add them.
 */
import type { SqliteDatabase } from './database.ts';
import { withRelaxedSync } from './journal-drain.ts';

/**
 * Index pages (~500 bytes each, migration 011) one step writes. A step holds the write lock: ~6.6
 * ms on average on the 5e6 bench data set (1,568 steps in 10.4 s), so an append that arrives
 * during one waits a few milliseconds.
 */
export const MERGE_STEP_PAGES = 200;

/** Runs merge steps of the trigram index. */
export interface SearchMerger {
  /** One step, in a transaction of its own; whether it merged anything (false: nothing to merge). */
  step(): boolean;
}

/**
 * Builds the merger over a connection. A step's commit is not synced by itself (synchronous =
 * NORMAL): a crash that loses it loses only merge work, never an event, and the next commit that
 * is synced covers it (the WAL is a sequence).
 *
 * @example
 * const merger = createSearchMerger(db);
 * while (merger.step()) {} // until nothing is left to merge
 */
export function createSearchMerger(db: SqliteDatabase, pages = MERGE_STEP_PAGES): SearchMerger {
  const merge = db.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('merge', ?)");
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  // FTS5's documented test for "the merge did work": total_changes() grew by 2 or more.
  const step = db.transaction((): boolean => {
    const before = totalChanges.get() as number;
    merge.run(pages);
    return (totalChanges.get() as number) - before >= 2;
  });
  return { step: () => withRelaxedSync(db, () => step.immediate()) };
}

/** The trigram index's segments: what a query reads each trigram in. */
export function searchSegments(db: SqliteDatabase): number {
  return db.prepare('SELECT count(DISTINCT segid) FROM events_fts_idx').pluck().get() as number;
}
