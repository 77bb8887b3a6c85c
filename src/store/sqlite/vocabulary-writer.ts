/**
 * @module The appender's side of the coded columns (see vocabulary.ts): the code of each term and
 * the reference of each actor form an event carries, created when new. Nothing created inside a
 * transaction is trusted beyond it until that transaction commits.
 */
import type { Actor } from '../../events/schema.ts';
import type { StatementCache } from './database.ts';
import { type TermKind, termKey } from './vocabulary.ts';

/** A bound on the term cache, should producers send endless distinct routes. */
const MAX_CACHED_TERMS = 100_000;

const SQL = {
  term: 'SELECT code FROM event_terms WHERE kind = ? AND value = ?',
  newTerm: 'INSERT INTO event_terms (kind, value) VALUES (?, ?) RETURNING code',
  actor: `SELECT actor_ref FROM event_actor_refs
    WHERE account_key = ? AND stream = ? AND actor_id = ? AND actor_type = ?
      AND actor_email IS ? AND actor_name IS ?`,
  newActor: `INSERT INTO event_actor_refs (account_key, stream, actor_id, actor_type, actor_email, actor_name)
    VALUES (?, ?, ?, ?, ?, ?) RETURNING actor_ref`,
};

/** The codes one batch (one savepoint) used: valid in the database only if the batch commits. */
export interface BatchVocabulary {
  /** The code of a term, created if no event carried it before. */
  code(kind: TermKind, value: string): number;
  /** The reference of an actor form in an account's stream, created if new. */
  actorRef(accountKey: number, stream: number, actor: Actor): number;
}

/** Codes for the appender; {@link commit} is told which batches' codes were committed. */
export interface VocabularyWriter {
  /** A fresh scope for one batch. */
  batch(): BatchVocabulary;
  /** After COMMIT: the term codes of these (committed) batches are cached for good. */
  commit(batches: readonly BatchVocabulary[]): void;
}

/**
 * Builds the appender's vocabulary. Term codes are cached across transactions, but only after the
 * transaction that found or created them commits: a code created by a batch whose savepoint rolls
 * back no longer exists, and may be handed out again for another value. Actor references are
 * cached within a batch only: retention (another connection, between transactions) deletes the
 * rows of forms no remaining event carries, and a new event must then get a new row.
 */
export function createVocabularyWriter(statements: StatementCache): VocabularyWriter {
  const committed = new Map<string, number>();
  const scopes = new WeakMap<BatchVocabulary, Map<string, number>>();

  const lookUpTerm = (kind: TermKind, value: string): number =>
    (statements.get(SQL.term).pluck().get(kind, value) as number | undefined) ??
    (statements.get(SQL.newTerm).pluck().get(kind, value) as number);

  return {
    batch() {
      const terms = new Map<string, number>();
      const actors = new Map<string, number>();
      const scope: BatchVocabulary = {
        code(kind, value) {
          const key = termKey(kind, value);
          let code = committed.get(key) ?? terms.get(key);
          if (code === undefined) {
            code = lookUpTerm(kind, value);
            terms.set(key, code);
          }
          return code;
        },
        actorRef(accountKey, stream, actor) {
          const params = [accountKey, stream, actor.id, actor.type, actor.email ?? null, actor.name ?? null];
          const key = JSON.stringify(params);
          let ref = actors.get(key);
          if (ref === undefined) {
            ref =
              (statements.get(SQL.actor).pluck().get(params) as number | undefined) ??
              (statements.get(SQL.newActor).pluck().get(params) as number);
            actors.set(key, ref);
          }
          return ref;
        },
      };
      scopes.set(scope, terms);
      return scope;
    },
    commit(batches) {
      for (const batch of batches) {
        for (const [key, code] of scopes.get(batch) ?? []) {
          if (committed.size >= MAX_CACHED_TERMS) committed.clear();
          committed.set(key, code);
        }
      }
    },
  };
}
