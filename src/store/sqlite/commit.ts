/**
 * @module The group commit of the SQLite engine, built from append.ts's per-batch writes: one
 * IMMEDIATE transaction per call, a SAVEPOINT per batch so that a failing batch rolls back alone,
 * and the WAL sync that makes the outcomes durable. The writer thread runs the committer and leaves
 * the sync to the sync thread (sync-worker.ts); the calling-thread path runs both (createAppender).
 */
import { AuditlogError, isAuditlogError } from '../../errors.ts';
import type { AppendBatch, AppendOutcome } from '../types.ts';
import { type AppendedBatch, appendBatch, indexSearchText, isConstraintError } from './append.ts';
import type { SqliteDatabase, StatementCache } from './database.ts';
import type { DetailDictionaries } from './dictionary.ts';
import type { IngestJournal } from './journal.ts';
import { type BatchVocabulary, createVocabularyWriter } from './vocabulary-writer.ts';
import { createWalSync } from './wal-sync.ts';

/**
 * A group's synchronous half: the transaction, run when called (better-sqlite3), so calls are
 * sequenced in call order. On a WAL database it commits with synchronous=NORMAL, i.e. without
 * syncing the WAL: the caller must sync it (wal-sync.ts) before it acknowledges the outcomes.
 */
export type Committer = (batches: AppendBatch[]) => AppendOutcome[];

/**
 * Builds the committer of the SQLite engine. With a `journal`, the batches it accepts are sealed
 * into it instead of the events table.
 */
export function createCommitter(
  db: SqliteDatabase,
  statements: StatementCache,
  dictionaries: DetailDictionaries,
  journal?: IngestJournal,
): Committer {
  // A transaction function called inside another one runs as a SAVEPOINT (better-sqlite3).
  const inBatchSavepoint = db.transaction((batch: AppendBatch, vocabulary: BatchVocabulary) =>
    appendBatch(statements, dictionaries, vocabulary, batch, journal),
  );
  const vocabulary = createVocabularyWriter(statements);
  const all = db.transaction((batches: AppendBatch[]) => {
    const committed: AppendedBatch[] = [];
    const scopes: BatchVocabulary[] = [];
    const outcomes = batches.map((batch): AppendOutcome => {
      try {
        const scope = vocabulary.batch();
        const appended = inBatchSavepoint(batch, scope);
        committed.push(appended);
        scopes.push(scope);
        return { ok: true, events: appended.events };
      } catch (error) {
        if (isAuditlogError(error)) return { ok: false, error };
        if (isConstraintError(error)) {
          return { ok: false, error: new AuditlogError('EVENT_INVALID', error.message, { cause: error }) };
        }
        // Anything else (I/O error, disk full) is not this batch's fault: abort the whole call.
        throw error;
      }
    });
    indexSearchText(statements, committed);
    return { outcomes, scopes };
  });
  // In WAL mode the commit's fsync is the caller's (see wal-sync.ts); otherwise (an in-memory
  // database) SQLite's own setting stays in force.
  const wal = isWal(db);
  const relaxed = db.prepare('PRAGMA synchronous = NORMAL');
  const full = db.prepare('PRAGMA synchronous = FULL');
  const commitAll = (batches: AppendBatch[]): AppendOutcome[] => {
    const { outcomes, scopes } = all.immediate(batches);
    // Only now do the codes these batches created exist for good.
    vocabulary.commit(scopes);
    return outcomes;
  };
  const commit = (batches: AppendBatch[]): AppendOutcome[] => {
    if (!wal) return commitAll(batches);
    relaxed.run();
    try {
      return commitAll(batches);
    } finally {
      // Every other write of this connection (accounts, keys, retention) keeps synchronous=FULL.
      full.run();
    }
  };
  return (batches) => {
    let outcomes: AppendOutcome[];
    try {
      outcomes = commit(batches);
    } catch (error) {
      throw appendFailed(error);
    }
    // After COMMIT, in a transaction of its own: learning a dictionary never delays or fails an append.
    try {
      dictionaries.learnIfReady();
    } catch {
      // Compression without a dictionary is still correct; the next append tries again.
    }
    return outcomes;
  };
}

/** Whether the connection writes ahead to a WAL (a file database), whose syncs are ours. */
export function isWal(db: SqliteDatabase): boolean {
  return !db.memory && String(db.pragma('journal_mode', { simple: true })) === 'wal';
}

/** Why a whole append call failed, as the error every caller of its group receives. */
function appendFailed(error: unknown): AuditlogError {
  return new AuditlogError('STORE_UNAVAILABLE', `append failed: ${(error as Error).message}`, {
    cause: error,
  });
}

/**
 * Builds the appendBatches of the SQLite engine on the calling thread: the committer, then the
 * WAL sync on libuv's thread pool, which other calls may share; the returned promise resolves once
 * the WAL holding the commit is on disk. (The writer thread syncs on a thread of its own instead:
 * sync-worker.ts.)
 */
export function createAppender(
  db: SqliteDatabase,
  statements: StatementCache,
  dictionaries: DetailDictionaries,
  journal?: IngestJournal,
): (batches: AppendBatch[]) => Promise<AppendOutcome[]> {
  const commit = createCommitter(db, statements, dictionaries, journal);
  const walSync = isWal(db) ? createWalSync(db.name) : undefined;
  return async (batches) => {
    const outcomes = commit(batches);
    try {
      await walSync?.sync();
    } catch (error) {
      throw appendFailed(error);
    }
    return outcomes;
  };
}
