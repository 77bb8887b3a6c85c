/**
 * @module One batch of an SQLite append, inside the group commit's transaction (commit.ts): the
 * account's chain head read and advanced in that transaction, so seq stays gap-free even when
 * several processes write to the same file; each event sealed and written with its detail block,
 * its actor and its free text.
 *
 * Given an ingest journal (journal.ts, on the writer thread), batches of a few events are sealed
 * exactly as here but stored as one journal row each, to be indexed later in per-account runs
 * (journal-drain.ts): single events from many accounts would otherwise dirty ~11 scattered index
 * pages each, and their group commit is bound by the bytes it writes to the WAL.
 */

import { AuditlogError } from '../../errors.ts';
import { STREAMS } from '../../events/catalog.ts';
import { type PendingEvent, sealEvent, sealEventAsJson } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import type { AppendBatch, AppendedEvent } from '../types.ts';
import {
  blobToHash,
  decodeId,
  detailJson,
  encodeId,
  encodeIp,
  hashToBlob,
  isoToMs,
  msToIso,
  statusCode,
  streamCode,
} from './codec.ts';
import type { StatementCache } from './database.ts';
import { INSERT_BLOCK_SQL, planDetails } from './detail-blocks.ts';
import type { DetailDictionaries } from './dictionary.ts';
import type { IngestJournal } from './journal.ts';
import { recordSpanBounds } from './span-bounds.ts';
import { apiTerm, TERM_KIND } from './vocabulary.ts';
import type { BatchVocabulary } from './vocabulary-writer.ts';

/**
 * The INSERT of one event; its parameters come from {@link insertParams}. row_key is computed by
 * SQLite (64-bit integers), so JavaScript never handles a rowid beyond 2^53.
 */
export const INSERT_EVENT_SQL = `INSERT INTO events (
    row_key, account_key, seq, id, stream, category_code, operation_code, actor_ref, target_type_code,
    target_id, target_name, target_path, api_code, api_path, status, http_status, ip, request_id,
    idempotency_key, occurred_at, received_at, hash, detail
  ) VALUES ((? << 40) | ?, ${Array.from({ length: 22 }, () => '?').join(', ')})`;

/**
 * Indexes one stored event for free text: its terms are the events_search_terms view's, read back
 * from the row just inserted, so the index and the view (which the delete trigger and a rebuild
 * use) cannot disagree. Parameters: account key, seq.
 */
export const INDEX_SEARCH_TEXT_SQL = `INSERT INTO events_fts (rowid, terms)
  SELECT row_key, terms FROM events_search_terms WHERE row_key = (? << 40) | ?`;

const SQL = {
  head: 'SELECT account_key, head_seq, head_hash FROM event_accounts WHERE account_id = ?',
  newAccount: 'INSERT INTO event_accounts (account_id) VALUES (?) RETURNING account_key, head_seq, head_hash',
  advanceHead: 'UPDATE event_accounts SET head_seq = ?, head_hash = ? WHERE account_key = ?',
  byKey: 'SELECT id, seq FROM events WHERE account_key = ? AND idempotency_key = ?',
  insert: INSERT_EVENT_SQL,
  indexSearchText: INDEX_SEARCH_TEXT_SQL,
  // The actor's newest form. Only a changed form is written (last_seq is then the seq that changed
  // it): rewriting the row for every event dirtied one more 16 KiB page per event, and a group
  // commit of single events from many accounts is bound by the pages it writes to the WAL.
  actor: `INSERT INTO event_actors (account_key, stream, actor_id, actor_type, actor_email, actor_name, last_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_key, stream, actor_id) DO UPDATE SET
      actor_type = excluded.actor_type, actor_email = excluded.actor_email,
      actor_name = excluded.actor_name, last_seq = excluded.last_seq
    WHERE excluded.last_seq > event_actors.last_seq AND (event_actors.actor_type IS NOT excluded.actor_type
      OR event_actors.actor_email IS NOT excluded.actor_email OR event_actors.actor_name IS NOT excluded.actor_name)`,
};

/** seq fills the low 40 bits of row_key. */
const MAX_SEQ = 2 ** 40 - 1;

interface HeadRow {
  account_key: number;
  head_seq: number;
  head_hash: Uint8Array | null;
}

/** The EVENT_INVALID error of the event at `index` of its batch. */
export function invalidEvent(index: number, field: string, rule: string): AuditlogError {
  const path = field ? `/events/${index}/${field}` : `/events/${index}`;
  return new AuditlogError('EVENT_INVALID', `${path}: ${rule}`, {
    violations: [{ field: path, rule, index }],
  });
}

function canonicalTime(value: string, index: number, field: string): string {
  const ms = isoToMs(value);
  if (Number.isNaN(ms)) throw invalidEvent(index, field, 'must be an ISO 8601 date-time');
  return msToIso(ms);
}

/**
 * The event exactly as it will be stored and read back, so its hash verifies from what get()
 * returns: times in canonical UTC milliseconds, missing payloads as null.
 */
function normalize(pending: PendingEvent, index: number): PendingEvent {
  if (!(STREAMS as readonly string[]).includes(pending.stream)) {
    throw invalidEvent(index, 'stream', `must be one of ${STREAMS.join(', ')}`);
  }
  return {
    ...pending,
    occurredAt: canonicalTime(pending.occurredAt, index, 'occurredAt'),
    receivedAt: canonicalTime(pending.receivedAt, index, 'receivedAt'),
    request: pending.request ?? null,
    response: pending.response ?? null,
    before: pending.before ?? null,
    after: pending.after ?? null,
  };
}

/**
 * The parameters of {@link INSERT_EVENT_SQL} for a sealed event and its encoded detail; `vocabulary`
 * supplies the codes of its terms and the reference of its actor.
 */
export function insertParams(
  accountKey: number,
  e: AuditEvent,
  detail: Buffer,
  vocabulary: BatchVocabulary,
): unknown[] {
  const stream = streamCode(e.stream);
  return [
    // row_key's two parts, then the columns.
    accountKey,
    e.seq,
    accountKey,
    e.seq,
    encodeId(e.id),
    stream,
    vocabulary.code(TERM_KIND.category, e.category),
    vocabulary.code(TERM_KIND.operation, e.operation),
    vocabulary.actorRef(accountKey, stream, e.actor),
    e.target ? vocabulary.code(TERM_KIND.targetType, e.target.type) : null,
    e.target?.id ?? null,
    e.target?.name ?? null,
    e.target?.path ?? null,
    e.api ? vocabulary.code(TERM_KIND.api, apiTerm(e.api.method, e.api.route)) : null,
    e.api?.path ?? null,
    statusCode(e.status),
    e.httpStatus,
    encodeIp(e.ip),
    e.requestId,
    e.idempotencyKey,
    isoToMs(e.occurredAt),
    isoToMs(e.receivedAt),
    hashToBlob(e.hash),
    detail,
  ];
}

/** Whether `error` is SQLite refusing a row (UNIQUE, CHECK, NOT NULL). */
export function isConstraintError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

/** A batch's events as appended, and the account key its new rows were stored under. */
export interface AppendedBatch {
  accountKey: number;
  events: AppendedEvent[];
  /** Stored in the journal: its rows, and so its free text, are indexed by the drain. */
  journaled: boolean;
}

/** An event sealed for the chain, and its position in the batch (for error paths). */
export interface SealedEvent {
  event: AuditEvent;
  index: number;
  /** The event as JSON text, made while sealing it for the journal (chain.ts sealEventAsJson). */
  json?: string;
}

/**
 * Inserts a batch's sealed events (consecutive seqs of one account): their detail documents go
 * into blocks (detail-blocks.ts), then each row.
 */
export function insertSealed(
  statements: StatementCache,
  dictionaries: DetailDictionaries,
  vocabulary: BatchVocabulary,
  accountKey: number,
  sealed: readonly SealedEvent[],
): void {
  const documents = sealed.map(({ event }) => {
    const json = detailJson(event);
    dictionaries.sample(json);
    return json;
  });
  const { details, blocks } = planDetails(documents, dictionaries.current());
  for (const block of blocks) {
    statements.get(INSERT_BLOCK_SQL).run(accountKey, sealed[block.first]!.event.seq, block.body);
  }
  sealed.forEach(({ event, index }, i) => {
    try {
      statements.get(SQL.insert).run(insertParams(accountKey, event, details[i]!, vocabulary));
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      const field = /events\.id\b/.test(error.message) ? 'id' : '';
      throw invalidEvent(index, field, `violates a storage constraint (${error.message})`);
    }
  });
  recordSpanBounds(
    statements,
    accountKey,
    sealed.map(({ event }) => event),
  );
}

const sameForm = (a: AuditEvent['actor'], b: AuditEvent['actor']): boolean =>
  a.type === b.type && (a.email ?? null) === (b.email ?? null) && (a.name ?? null) === (b.name ?? null);

/**
 * Records the newest form of each actor of `events` (one account's, in seq order) with the seq
 * that set it: only a changed form is written, and never one older than the form recorded.
 */
export function recordActors(
  statements: StatementCache,
  accountKey: number,
  events: Iterable<AuditEvent>,
): void {
  const newest = new Map<string, { event: AuditEvent; since: number }>();
  for (const event of events) {
    const key = `${event.stream}\n${event.actor.id}`;
    const known = newest.get(key);
    const since = known && sameForm(known.event.actor, event.actor) ? known.since : event.seq;
    newest.set(key, { event, since });
  }
  for (const { event: e, since } of newest.values()) {
    const a = e.actor;
    statements
      .get(SQL.actor)
      .run(accountKey, streamCode(e.stream), a.id, a.type, a.email ?? null, a.name ?? null, since);
  }
}

/** Appends one batch inside the caller's transaction; throws to roll its savepoint back. */
export function appendBatch(
  statements: StatementCache,
  dictionaries: DetailDictionaries,
  vocabulary: BatchVocabulary,
  batch: AppendBatch,
  journal: IngestJournal | undefined,
): AppendedBatch {
  const head =
    (statements.get(SQL.head).get(batch.accountId) as HeadRow | undefined) ??
    (statements.get(SQL.newAccount).get(batch.accountId) as HeadRow);
  let seq = head.head_seq;
  let hash = blobToHash(head.head_hash);
  // Rows are inserted after the whole batch is sealed (its documents are deflated together), so a
  // key repeated within the batch is found here rather than in the table.
  const keysInBatch = new Map<string, AppendedEvent>();
  const journaled = journal?.accepts(batch) ?? false;
  const sealed: SealedEvent[] = [];
  const appended = batch.events.map((pending, index): AppendedEvent => {
    const key = pending.idempotencyKey;
    if (key != null) {
      const earlier = keysInBatch.get(key);
      if (earlier) return { id: earlier.id, seq: earlier.seq, duplicate: true };
      const prior =
        (statements.get(SQL.byKey).get(head.account_key, key) as
          | { id: Uint8Array | string; seq: number }
          | undefined) ?? journal?.byKey(head.account_key, key);
      if (prior) return { id: decodeId(prior.id), seq: prior.seq, duplicate: true };
    }
    if (seq >= MAX_SEQ) throw new AuditlogError('INTERNAL', `account ${batch.accountId} has exhausted seq`);
    const normal = normalize(pending, index);
    // The journal stores the text the hash was taken over; the events table needs no text.
    const { event, json } = journaled
      ? sealEventAsJson(normal, batch.accountId, seq + 1, hash)
      : { event: sealEvent(normal, batch.accountId, seq + 1, hash), json: undefined };
    sealed.push({ event, index, json });
    seq = event.seq;
    hash = event.hash;
    const result: AppendedEvent = { id: event.id, seq, duplicate: false };
    if (key != null) keysInBatch.set(key, result);
    return result;
  });
  if (journal && journaled) {
    journal.write(head.account_key, sealed);
  } else {
    insertSealed(statements, dictionaries, vocabulary, head.account_key, sealed);
  }
  if (seq !== head.head_seq) statements.get(SQL.advanceHead).run(seq, hashToBlob(hash), head.account_key);
  if (!journaled)
    recordActors(
      statements,
      head.account_key,
      sealed.map((s) => s.event),
    );
  return { accountKey: head.account_key, events: appended, journaled };
}

/**
 * Indexes the free text of the new events of the committed batches, in rowid order (account key,
 * then seq): FTS5 writes a new segment each time a rowid goes backwards, so interleaved accounts
 * would cost one segment per switch instead of one per transaction.
 */
export function indexSearchText(statements: StatementCache, batches: AppendedBatch[]): void {
  const ordered = batches.filter((b) => !b.journaled && b.events.some((e) => !e.duplicate));
  ordered.sort((a, b) => a.accountKey - b.accountKey);
  const index = statements.get(SQL.indexSearchText);
  for (const batch of ordered) {
    for (const event of batch.events) if (!event.duplicate) index.run(batch.accountKey, event.seq);
  }
}
