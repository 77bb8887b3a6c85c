/**
 * @module The drain of the ingest journal (journal.ts): moves journaled events into the events
 * table in runs of one account's consecutive seqs, through the same insert as a direct append
 * (append.ts's insertSealed: detail blocks, rows), then their actors and free text, and deletes
 * the journal rows, all in one transaction. Many events of an account drained together share
 * index pages (every index key starts with account_key) and detail blocks, where single events
 * appended one group at a time dirtied pages of their own.
 *
 * The drain's commit is not synced by itself: the journal rows it deletes were synced when their
 * events were acknowledged, and a crash that loses the drain's commit leaves them in the journal,
 * to be drained again. The WAL is a sequence, so no later commit can survive without it.
 */
import type { AuditEvent } from '../../events/schema.ts';
import { INDEX_SEARCH_TEXT_SQL, insertSealed, recordActors, type SealedEvent } from './append.ts';
import type { SqliteDatabase, StatementCache } from './database.ts';
import type { DetailDictionaries } from './dictionary.ts';
import { type IngestJournal, journalEvent } from './journal.ts';
import { type BatchVocabulary, createVocabularyWriter } from './vocabulary-writer.ts';

/** Journal rows per drain transaction: bounds its memory and how long it holds the write lock. */
export const DRAIN_CHUNK = 5000;

const SQL = {
  pick: 'SELECT journal_key, account_key, event FROM ingest_journal ORDER BY journal_key LIMIT ?',
  remove: 'DELETE FROM ingest_journal WHERE journal_key <= ?',
  // Covering: ingest_journal_id starts with account_key.
  accountsAfter: `SELECT account_key, count(*) AS events FROM ingest_journal INDEXED BY ingest_journal_id
    WHERE account_key > ? GROUP BY account_key ORDER BY account_key`,
  pickAccounts: `SELECT journal_key, account_key, event FROM ingest_journal
    WHERE account_key IN (SELECT value FROM json_each(?))`,
  removeAccounts: 'DELETE FROM ingest_journal WHERE account_key IN (SELECT value FROM json_each(?))',
  // Arrival order is seq order within an account (seqs are handed out at commit).
  pickOldestOf: `SELECT journal_key, account_key, event FROM ingest_journal
    WHERE account_key = ? ORDER BY journal_key LIMIT ?`,
  removeKeys: 'DELETE FROM ingest_journal WHERE journal_key IN (SELECT value FROM json_each(?))',
};

interface JournalRow {
  journal_key: number;
  account_key: number;
  event: string;
}

interface Drained {
  accountKey: number;
  event: AuditEvent;
}

/**
 * Splits events sorted by account then seq into runs of one account's consecutive seqs: a detail
 * block holds consecutive events (a block reference is a distance in seqs), and a direct append
 * may have taken the seqs between two journaled events.
 */
function consecutiveRuns(events: readonly Drained[]): Drained[][] {
  const runs: Drained[][] = [];
  let run: Drained[] = [];
  for (const e of events) {
    const last = run.at(-1);
    if (last && (last.accountKey !== e.accountKey || last.event.seq + 1 !== e.event.seq)) {
      runs.push(run);
      run = [];
    }
    run.push(e);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Drains the journal of a database; `journal` (the writer's) is told when it is empty. */
export interface JournalDrain {
  /** Moves every journaled event into the events table; returns how many. */
  drain(): number;
  /**
   * Moves journaled events of the accounts after `afterAccount` (by key), at most `events`, in one
   * transaction: whole accounts while they fit, or the oldest `events` of the first account when it
   * alone holds more. Returns the account key to continue after (`afterAccount` again when that
   * account is only partly drained), or null when no account after `afterAccount` had any.
   */
  drainAccounts(afterAccount: number, events: number): number | null;
}

/**
 * Builds the drain over `db` (any connection: drains serialise through SQLite's write lock, and
 * each takes only rows still in the journal inside its own IMMEDIATE transaction).
 *
 * @example
 * const drain = createJournalDrain(db, statements, dictionaries, journal);
 * drain.drain();
 */
export function createJournalDrain(
  db: SqliteDatabase,
  statements: StatementCache,
  dictionaries: DetailDictionaries,
  journal?: IngestJournal,
): JournalDrain {
  const vocabulary = createVocabularyWriter(statements);
  /** Inserts picked rows, their actors and free text; the caller deletes them from the journal. */
  const move = (scope: BatchVocabulary, rows: readonly JournalRow[]): void => {
    const events = rows.map((r): Drained => ({ accountKey: r.account_key, event: journalEvent(r.event) }));
    // Row-key order (account, then seq): index pages filled in order, and FTS5 writes one segment
    // per transaction instead of one each time a rowid goes backwards.
    events.sort((a, b) => a.accountKey - b.accountKey || a.event.seq - b.event.seq);
    for (const run of consecutiveRuns(events)) {
      const sealed = run.map(({ event }): SealedEvent => ({ event, index: 0 }));
      insertSealed(statements, dictionaries, scope, run[0]!.accountKey, sealed);
    }
    let start = 0;
    for (let i = 1; i <= events.length; i++) {
      if (i === events.length || events[i]!.accountKey !== events[start]!.accountKey) {
        const accountKey = events[start]!.accountKey;
        recordActors(
          statements,
          accountKey,
          events.slice(start, i).map((e) => e.event),
        );
        start = i;
      }
    }
    const index = statements.get(INDEX_SEARCH_TEXT_SQL);
    for (const { accountKey, event } of events) index.run(accountKey, event.seq);
  };
  const oldest = db.transaction((scope: BatchVocabulary): number => {
    const rows = statements.get(SQL.pick).all(DRAIN_CHUNK) as JournalRow[];
    if (rows.length === 0) return 0;
    move(scope, rows);
    statements.get(SQL.remove).run(rows.at(-1)!.journal_key);
    return rows.length;
  });
  const accounts = db.transaction(
    (
      scope: BatchVocabulary,
      afterAccount: number,
      events: number,
    ): { moved: number; last: number | null } => {
      const counts = statements.get(SQL.accountsAfter).all(afterAccount) as Array<{
        account_key: number;
        events: number;
      }>;
      const first = counts[0];
      if (first && first.events > events) {
        // The busiest account goes in slices too, so no slice holds the write lock (and the
        // writer's appends) for longer than `events` cost: its oldest first, seqs in order.
        const rows = statements.get(SQL.pickOldestOf).all(first.account_key, events) as JournalRow[];
        move(scope, rows);
        statements.get(SQL.removeKeys).run(JSON.stringify(rows.map((r) => r.journal_key)));
        return { moved: rows.length, last: afterAccount };
      }
      const chosen: number[] = [];
      let total = 0;
      for (const { account_key, events: count } of counts) {
        if (total + count > events) break;
        chosen.push(account_key);
        total += count;
      }
      if (chosen.length === 0) return { moved: 0, last: null };
      const keys = JSON.stringify(chosen);
      const rows = statements.get(SQL.pickAccounts).all(keys) as JournalRow[];
      move(scope, rows);
      statements.get(SQL.removeAccounts).run(keys);
      return { moved: rows.length, last: chosen.at(-1)! };
    },
  );
  /** One transaction, then the vocabulary codes it created: only now do they exist for good. */
  const commit = <T>(body: (scope: BatchVocabulary) => T): T => {
    const scope = vocabulary.batch();
    const result = withRelaxedSync(db, () => body(scope));
    vocabulary.commit([scope]);
    return result;
  };
  return {
    drain() {
      let total = 0;
      for (;;) {
        const moved = commit((scope) => oldest.immediate(scope));
        total += moved;
        if (moved < DRAIN_CHUNK) break;
      }
      journal?.drained();
      return total;
    },
    drainAccounts(afterAccount, events) {
      const { moved, last } = commit((scope) => accounts.immediate(scope, afterAccount, events));
      journal?.removed(moved);
      return last;
    },
  };
}

/**
 * Runs `commit` with synchronous=NORMAL (in WAL mode: no sync at commit), then restores FULL for
 * the connection's other writes. See the module comment for why a drain needs no sync of its own.
 */
export function withRelaxedSync<T>(db: SqliteDatabase, commit: () => T): T {
  if (db.memory) return commit();
  db.pragma('synchronous = NORMAL');
  try {
    return commit();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
