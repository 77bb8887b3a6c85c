/**
 * @module One batch of one account inside the append transaction: resolve idempotency keys, seal
 * the new events onto the chain, and store events and keys in one statement (unnest arrays, not a
 * round trip per event).
 *
 * Event ids are ULIDs Auditlog assigns, never the producer's. The primary key (account_id,
 * occurred_at, id) and a check within the batch refuse a repeated id; an id repeated across months
 * is not probed for (that would cost an index probe per partition per event, about a quarter of
 * the append throughput, to catch only a fault of our own id generator).
 */
import type pg from 'pg';
import { AuditlogError } from '../../errors.ts';
import { type PendingEvent, sealEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import type { AppendBatch, AppendedEvent } from '../types.ts';
import { encodePayloads } from './payload.ts';

/** An account's chain head as the append transaction sees it. */
export interface Head {
  seq: number;
  hash: string;
}

type Known = Map<string, { id: string; seq: number }>;

/**
 * The idempotency keys of the batch the account already used. A plain read is race-free: every
 * writer of this account holds its event_heads row lock, which the caller took.
 */
async function readKeys(client: pg.PoolClient, accountId: string, events: PendingEvent[]): Promise<Known> {
  const keys = [...new Set(events.flatMap((e) => (e.idempotencyKey ? [e.idempotencyKey] : [])))];
  if (keys.length === 0) return new Map();
  const { rows } = await client.query<{ idempotency_key: string; id: string; seq: string }>(
    `SELECT idempotency_key, id, seq FROM event_keys
      WHERE account_id = $1 AND idempotency_key = ANY($2::text[])`,
    [accountId, keys],
  );
  return new Map(rows.map((row) => [row.idempotency_key, { id: row.id, seq: Number(row.seq) }]));
}

function duplicateId(index: number, id: string): AuditlogError {
  const field = `/events/${index}/id`;
  const rule = 'must be unique within the account';
  return new AuditlogError('EVENT_INVALID', `${field}: ${rule} (${id})`, {
    violations: [{ field, rule, index }],
  });
}

/** Seals the batch in order; a repeated key maps to the event that first used it. */
function seal(batch: AppendBatch, head: Head, known: Known) {
  const sealed: AuditEvent[] = [];
  const results: AppendedEvent[] = [];
  const ids = new Set<string>();
  let { seq, hash } = head;
  batch.events.forEach((event, index) => {
    const earlier = event.idempotencyKey ? known.get(event.idempotencyKey) : undefined;
    if (earlier) {
      results.push({ id: earlier.id, seq: earlier.seq, duplicate: true });
      return;
    }
    if (ids.has(event.id)) throw duplicateId(index, event.id);
    ids.add(event.id);
    const stored = sealEvent(event, batch.accountId, seq + 1, hash);
    seq = stored.seq;
    hash = stored.hash;
    sealed.push(stored);
    if (event.idempotencyKey) known.set(event.idempotencyKey, { id: event.id, seq });
    results.push({ id: event.id, seq, duplicate: false });
  });
  return { sealed, results, head: { seq, hash } };
}

// The payloads travel as one binary parameter (every event's stored bytes, end to end) cut up by
// offset: as a bytea[] they would travel hex-encoded inside one array literal, twice their size.
const INSERT = `
WITH stored AS (
  INSERT INTO events (account_id, occurred_at, id, seq, stream, category, operation, status, http_status,
    actor_type, actor_id, actor_email, actor_name, target_type, target_id, target_name, target_path,
    api_method, api_route, api_path, ip, user_agent, request_id, idempotency_key, received_at, prev_hash,
    hash, payload_deflated)
  SELECT $1::text, u.occurred_at, u.id, u.seq, u.stream, u.category, u.operation, u.status, u.http_status,
    u.actor_type, u.actor_id, u.actor_email, u.actor_name, u.target_type, u.target_id, u.target_name,
    u.target_path, u.api_method, u.api_route, u.api_path, u.ip, u.user_agent, u.request_id,
    u.idempotency_key, u.received_at, u.prev_hash, u.hash,
    substring($34::bytea FROM u.payload_start FOR u.payload_length)
  FROM unnest(
    $2::timestamptz[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
    $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
    $25::timestamptz[], $26::text[], $27::text[], $28::int[], $29::int[]
  ) AS u(occurred_at, id, seq, stream, category, operation, status, http_status, actor_type, actor_id,
    actor_email, actor_name, target_type, target_id, target_name, target_path, api_method, api_route,
    api_path, ip, user_agent, request_id, idempotency_key, received_at, prev_hash, hash, payload_start,
    payload_length)
), keys AS (
  INSERT INTO event_keys (account_id, idempotency_key, id, seq, occurred_at)
  SELECT $1::text, * FROM unnest($30::text[], $31::text[], $32::bigint[], $33::timestamptz[])
)
SELECT 1`;

/** The events' stored payloads in one buffer, with where each starts (1-based) and its length. */
function packPayloads(events: AuditEvent[]): { bytes: Buffer; starts: number[]; lengths: number[] } {
  const parts = events.map((e) =>
    encodePayloads({ request: e.request, response: e.response, before: e.before, after: e.after }),
  );
  const starts: number[] = [];
  let offset = 1;
  for (const part of parts) {
    starts.push(offset);
    offset += part.length;
  }
  return { bytes: Buffer.concat(parts), starts, lengths: parts.map((part) => part.length) };
}

/** The statement's parameters: one array per column, in unnest order, then the payload bytes. */
function columns(accountId: string, events: AuditEvent[]): unknown[] {
  const col = <T>(pick: (e: AuditEvent) => T) => events.map(pick);
  const keyed = events.filter((e) => e.idempotencyKey !== null);
  const payloads = packPayloads(events);
  return [
    accountId,
    col((e) => e.occurredAt),
    col((e) => e.id),
    col((e) => e.seq),
    col((e) => e.stream),
    col((e) => e.category),
    col((e) => e.operation),
    col((e) => e.status),
    col((e) => e.httpStatus),
    col((e) => e.actor.type),
    col((e) => e.actor.id),
    col((e) => e.actor.email ?? null),
    col((e) => e.actor.name ?? null),
    col((e) => e.target?.type ?? null),
    col((e) => e.target?.id ?? null),
    col((e) => e.target?.name ?? null),
    col((e) => e.target?.path ?? null),
    col((e) => e.api?.method ?? null),
    col((e) => e.api?.route ?? null),
    col((e) => e.api?.path ?? null),
    col((e) => e.ip),
    col((e) => e.userAgent),
    col((e) => e.requestId),
    col((e) => e.idempotencyKey),
    col((e) => e.receivedAt),
    col((e) => e.prevHash),
    col((e) => e.hash),
    payloads.starts,
    payloads.lengths,
    keyed.map((e) => e.idempotencyKey),
    keyed.map((e) => e.id),
    keyed.map((e) => e.seq),
    keyed.map((e) => e.occurredAt),
    payloads.bytes,
  ];
}

/**
 * Stores one batch (already normalized) after `head`. Returns what each event got and the new
 * head. Throws EVENT_INVALID (or the database's unique violation) when an id repeats; the caller
 * rolls the batch back.
 */
export async function insertBatch(
  client: pg.PoolClient,
  batch: AppendBatch,
  head: Head,
): Promise<{ events: AppendedEvent[]; head: Head }> {
  if (batch.events.length === 0) return { events: [], head };
  const known = await readKeys(client, batch.accountId, batch.events);
  const { sealed, results, head: next } = seal(batch, head, known);
  if (sealed.length > 0) {
    // Named: PostgreSQL parses and plans it once per connection, not once per batch.
    const values = columns(batch.accountId, sealed);
    await client.query({ name: 'auditlog_insert_events', text: INSERT, values });
  }
  return { events: results, head: next };
}
