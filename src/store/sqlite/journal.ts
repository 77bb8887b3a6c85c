/**
 * @module The ingest journal (007_ingest_journal.sql): where the writer thread stores the sealed
 * events of small batches at commit, one row each, before they are indexed. Sealing is unchanged
 * (seq, hash chain and heads advance in the same transaction), so an acknowledged event is on disk
 * and in the chain; only its rows in `events`, its detail block, its actor and its free text wait
 * for the drain (journal-drain.ts), which moves many events of one account at a time.
 */
import type { AuditEvent } from '../../events/schema.ts';
import type { AppendBatch } from '../types.ts';
import { invalidEvent, isConstraintError, type SealedEvent } from './append.ts';
import { encodeId } from './codec.ts';
import type { StatementCache } from './database.ts';

/**
 * Batches of at most this many events are journaled. Single events (the HTTP path of one event per
 * request) are the case that pays ~11 scattered pages per event; a batch of 100 from one account
 * already writes its index entries side by side, and journaling it would only copy it twice.
 */
export const JOURNAL_MAX_BATCH = 8;

const SQL = {
  insert: 'INSERT INTO ingest_journal (account_key, seq, id, idempotency_key, event) VALUES (?, ?, ?, ?, ?)',
  byKey: 'SELECT id, seq FROM ingest_journal WHERE account_key = ? AND idempotency_key = ?',
  storedId: 'SELECT 1 FROM events WHERE account_key = ? AND id = ?',
  isEmpty: 'SELECT NOT EXISTS (SELECT 1 FROM ingest_journal)',
};

/** The appender's side of the journal. */
export interface IngestJournal {
  /** Whether `batch` goes to the journal rather than straight into the events table. */
  accepts(batch: AppendBatch): boolean;
  /** The id and seq of the journaled event of an account with this idempotency key. */
  byKey(accountKey: number, key: string): { id: Uint8Array | string; seq: number } | undefined;
  /** Journals a batch's sealed events, inside the caller's transaction. */
  write(accountKey: number, sealed: readonly SealedEvent[]): void;
  /** Rows this connection journaled since its last drain: when to drain next. */
  pending(): number;
  /** The drain (journal-drain.ts) moved every row. */
  drained(): void;
  /** A drain of some accounts moved this many rows. */
  removed(rows: number): void;
}

/**
 * The journal over the writer's connection.
 *
 * @example
 * const journal = createIngestJournal(statements);
 * const append = createAppender(db, statements, dictionaries, journal);
 */
export function createIngestJournal(statements: StatementCache): IngestJournal {
  let pending = 0;
  return {
    accepts: (batch) => batch.events.length <= JOURNAL_MAX_BATCH,
    byKey: (accountKey, key) =>
      statements.get(SQL.byKey).get(accountKey, key) as { id: Uint8Array | string; seq: number } | undefined,
    write(accountKey, sealed) {
      for (const { event, index, json } of sealed) {
        const id = encodeId(event.id);
        // The events table's own UNIQUE index would refuse this row only at the drain, where no
        // batch can be refused any more: ask it now.
        if (statements.get(SQL.storedId).get(accountKey, id)) {
          throw invalidEvent(
            index,
            'id',
            'violates a storage constraint (UNIQUE constraint failed: events.id)',
          );
        }
        try {
          statements
            .get(SQL.insert)
            .run(accountKey, event.seq, id, event.idempotencyKey, json ?? journalText(event));
        } catch (error) {
          if (!isConstraintError(error)) throw error;
          const field = /\.id\b/.test(error.message) ? 'id' : '';
          throw invalidEvent(index, field, `violates a storage constraint (${error.message})`);
        }
      }
      pending += sealed.length;
    },
    pending: () => pending,
    drained() {
      pending = 0;
    },
    removed(rows) {
      pending = Math.max(0, pending - rows);
    },
  };
}

/** A sealed event as the journal holds it. */
export function journalText(event: AuditEvent): string {
  return JSON.stringify(event);
}

/** The sealed event a journal row holds. */
export function journalEvent(text: string): AuditEvent {
  return JSON.parse(text) as AuditEvent;
}

/**
 * Whether the journal holds no event: one read of a small table's root page, cheap enough to ask
 * before every read of events (index.ts). Asked of the database, not of a counter in memory, so
 * events another process journaled count too.
 */
export function journalIsEmpty(statements: StatementCache): boolean {
  return statements.get(SQL.isEmpty).pluck().get() === 1;
}
