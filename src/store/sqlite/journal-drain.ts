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
  const once = db.transaction((scope: BatchVocabulary): number => {
    const rows = statements.get(SQL.pick).all(DRAIN_CHUNK) as JournalRow[];
    if (rows.length === 0) return 0;
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
    statements.get(SQL.remove).run(rows.at(-1)!.journal_key);
    return rows.length;
  });
  const commit = (): number => {
    const scope = vocabulary.batch();
    const moved = once.immediate(scope);
    // Only now do the codes this drain created exist for good.
    vocabulary.commit([scope]);
    return moved;
  };
  return {
    drain() {
      let total = 0;
      for (;;) {
        const moved = withRelaxedSync(db, commit);
        total += moved;
        if (moved < DRAIN_CHUNK) break;
      }
      journal?.drained();
      return total;
    },
  };
}

/**
 * Runs `commit` with synchronous=NORMAL (in WAL mode: no sync at commit), then restores FULL for
 * the connection's other writes. See the module comment for why a drain needs no sync of its own.
 */
function withRelaxedSync<T>(db: SqliteDatabase, commit: () => T): T {
  if (db.memory) return commit();
  db.pragma('synchronous = NORMAL');
  try {
    return commit();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
