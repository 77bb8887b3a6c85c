/**
 * @module The SQLite EventStore: wires append, list and purge together and answers get, actors
 * and head. Every read starts from the account's internal key, so no query can reach another
 * account's rows.
 */

import { AuditlogError } from '../../errors.ts';
import type { Stream } from '../../events/catalog.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import type { Actor } from '../../events/schema.ts';
import type { EventStore } from '../types.ts';
import {
  blobToHash,
  type EventRow,
  encodeId,
  rowToEvent,
  SUMMARY_COLUMNS,
  streamCode,
  toActor,
} from './codec.ts';
import { createAppender } from './commit.ts';
import { createStatementCache, type SqliteDatabase } from './database.ts';
import { createDetailReader } from './detail-blocks.ts';
import { createDetailDictionaries } from './dictionary.ts';
import { createExporter } from './export.ts';
import { journalIsEmpty } from './journal.ts';
import { createJournalDrain } from './journal-drain.ts';
import { createLister } from './list.ts';
import { createPurger } from './purge.ts';
import { createVocabulary, type Stored } from './vocabulary.ts';

interface ActorRow {
  actor_type: string;
  actor_id: string;
  actor_email: string | null;
  actor_name: string | null;
}

/** The SQLite EventStore, and its connection's view of the ingest journal (journal.ts). */
export interface SqliteEventStore extends EventStore {
  /** Whether no event waits in the journal (of any process using the file). */
  journalIsEmpty(): boolean;
  /** Moves every journaled event into the events table, on this connection. */
  drainJournal(): void;
}

/** Builds the EventStore over an open, migrated database; `clock` dates learned dictionaries. */
export function createSqliteEventStore(db: SqliteDatabase, clock: () => Date): SqliteEventStore {
  const statements = createStatementCache(db);
  // Account keys never change once assigned, so a committed key can be cached for good. Only
  // reads fill the cache: a key created by an append that later rolls back is never cached.
  const keys = new Map<string, number>();
  const keyOf = (accountId: string): number | undefined => {
    let key = keys.get(accountId);
    if (key === undefined) {
      key = statements
        .get('SELECT account_key FROM event_accounts WHERE account_id = ?')
        .pluck()
        .get(accountId) as number | undefined;
      if (key !== undefined) keys.set(accountId, key);
    }
    return key;
  };
  const dictionaries = createDetailDictionaries(db, clock);
  const append = createAppender(db, statements, dictionaries);
  // Appends may run on another connection (the writer thread): codes it created are looked up here
  // on first sight.
  const vocabulary = createVocabulary(statements);
  const list = createLister(statements, keyOf, vocabulary);
  const purge = createPurger(db, dictionaries);
  const details = createDetailReader(statements, dictionaries.byId);
  const exportPage = createExporter(statements, keyOf, dictionaries.byId, vocabulary);
  const journal = createJournalDrain(db, statements, dictionaries);
  // prevHash is the hash of the previous row (row_key - 1) or, when retention removed it, the link
  // purge left behind. Never select row_key itself: it exceeds 2^53.
  const byId = db.prepare(
    `SELECT ${SUMMARY_COLUMNS}, received_at, idempotency_key, hash, detail,
       CASE WHEN seq = 1 THEN NULL ELSE coalesce(
         (SELECT p.hash FROM events p WHERE p.row_key = events.row_key - 1),
         (SELECT l.prev_hash FROM chain_links l WHERE l.row_key = events.row_key)) END AS prev_hash
     FROM events WHERE account_key = ? AND id = ?`,
  );
  const head = db.prepare('SELECT head_seq, head_hash FROM event_accounts WHERE account_id = ?');
  const actors = db.prepare(
    `SELECT actor_type, actor_id, actor_email, actor_name FROM event_actors
     WHERE account_key = ? AND stream = ? ORDER BY actor_id`,
  );

  return {
    journalIsEmpty: () => journalIsEmpty(statements),
    drainJournal() {
      journal.drain();
    },
    async appendBatches(batches) {
      return append(batches);
    },
    async list(accountId, query) {
      return list(accountId, query);
    },
    async get(accountId, id) {
      const accountKey = keyOf(accountId);
      if (accountKey === undefined) return null;
      const stored = byId.get(accountKey, encodeId(id)) as Stored<EventRow> | undefined;
      if (!stored) return null;
      const row = vocabulary.expand(stored);
      if (row.seq > 1 && row.prev_hash === null) {
        throw new AuditlogError('INTERNAL', `event ${id}: its previous event is missing from the chain`);
      }
      return rowToEvent(row as EventRow, accountId, details.read(accountKey, row.seq, row.detail));
    },
    async exportPage(accountId, query) {
      return exportPage(accountId, query);
    },
    async actors(accountId: string, stream: Stream): Promise<Actor[]> {
      const accountKey = keyOf(accountId);
      if (accountKey === undefined) return [];
      const rows = actors.all(accountKey, streamCode(stream)) as ActorRow[];
      return rows.map((r) => toActor(r.actor_type, r.actor_id, r.actor_email, r.actor_name));
    },
    async head(accountId) {
      const row = head.get(accountId) as { head_seq: number; head_hash: Uint8Array | null } | undefined;
      return row ? { seq: row.head_seq, hash: blobToHash(row.head_hash) } : { seq: 0, hash: GENESIS_HASH };
    },
    async purgeExpired(now, options) {
      if (Number.isNaN(now.getTime()))
        throw new AuditlogError('INTERNAL', 'purgeExpired: now is not a valid date');
      const purged = await purge(now, options);
      if (purged.deletedEvents > 0) vocabulary.forgetActors();
      return purged;
    },
  };
}
