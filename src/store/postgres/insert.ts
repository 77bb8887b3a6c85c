/**
 * @module Batches inside the append transaction: resolve idempotency keys, seal the new events onto
 * their accounts' chains, and store events and keys in one statement (unnest arrays, not a round
 * trip per event). One call's batches go in together (`sealBatches`, `insertEvents`), or one batch
 * at a time (`insertBatch`) when one of them must fail alone.
 *
 * Event ids are ULIDs Auditlog assigns, never the producer's. The primary key (account_id,
 * occurred_at, id) and a check within the batch refuse a repeated id; an id repeated across months
 * is not probed for (that would cost an index probe per partition per event, about a quarter of
 * the append throughput, to catch only a fault of our own id generator).
 */
import type pg from 'pg';
import { AuditlogError } from '../../errors.ts';
import { sealEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import type { AppendBatch, AppendedEvent } from '../types.ts';
import { encodePayloads } from './payload.ts';

/** An account's chain head as the append transaction sees it. */
export interface Head {
  seq: number;
  hash: string;
}

/** The idempotency keys an account already used: the event each names. */
type Known = Map<string, { id: string; seq: number }>;

/**
 * The idempotency keys of these batches their accounts already used, by account, in one query. A
 * plain read is race-free: every writer of an account holds its event_heads row lock, which the
 * caller took. Every account of the batches has an entry, so sealing can add the keys it uses.
 */
async function readKeys(client: pg.PoolClient, batches: readonly AppendBatch[]): Promise<Map<string, Known>> {
  const known = new Map<string, Known>(batches.map((batch) => [batch.accountId, new Map()]));
  const asked = new Set<string>();
  const [accounts, keys]: [string[], string[]] = [[], []];
  for (const batch of batches)
    for (const { idempotencyKey } of batch.events) {
      if (!idempotencyKey) continue;
      // JSON of the pair: neither part can make two pairs spell the same entry.
      const pair = JSON.stringify([batch.accountId, idempotencyKey]);
      if (asked.has(pair)) continue;
      asked.add(pair);
      accounts.push(batch.accountId);
      keys.push(idempotencyKey);
    }
  if (keys.length === 0) return known;
  const { rows } = await client.query<{
    account_id: string;
    idempotency_key: string;
    id: string;
    seq: string;
  }>(
    `SELECT k.account_id, k.idempotency_key, k.id, k.seq
       FROM unnest($1::text[], $2::text[]) AS asked(account_id, idempotency_key)
       JOIN event_keys k ON k.account_id = asked.account_id COLLATE "C"
                        AND k.idempotency_key = asked.idempotency_key`,
    [accounts, keys],
  );
  for (const row of rows)
    known.get(row.account_id)?.set(row.idempotency_key, { id: row.id, seq: Number(row.seq) });
  return known;
}

function duplicateId(index: number, id: string): AuditlogError {
  const field = `/events/${index}/id`;
  const rule = 'must be unique within the account';
  return new AuditlogError('EVENT_INVALID', `${field}: ${rule} (${id})`, {
    violations: [{ field, rule, index }],
  });
}

/**
 * Seals the batch in order; a repeated key maps to the event that first used it. Adds the keys it
 * uses to `known`, so a later batch of the same account in the call finds them.
 */
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
  SELECT u.account_id, u.occurred_at, u.id, u.seq, u.stream, u.category, u.operation, u.status, u.http_status,
    u.actor_type, u.actor_id, u.actor_email, u.actor_name, u.target_type, u.target_id, u.target_name,
    u.target_path, u.api_method, u.api_route, u.api_path, u.ip, u.user_agent, u.request_id,
    u.idempotency_key, u.received_at, u.prev_hash, u.hash,
    substring($35::bytea FROM u.payload_start FOR u.payload_length)
  FROM unnest(
    $1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
    $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[],
    $22::text[], $23::text[], $24::text[], $25::timestamptz[], $26::text[], $27::text[], $28::int[],
    $29::int[]
  ) AS u(account_id, occurred_at, id, seq, stream, category, operation, status, http_status, actor_type,
    actor_id, actor_email, actor_name, target_type, target_id, target_name, target_path, api_method,
    api_route, api_path, ip, user_agent, request_id, idempotency_key, received_at, prev_hash, hash,
    payload_start, payload_length)
), keys AS (
  INSERT INTO event_keys (account_id, idempotency_key, id, seq, occurred_at)
  SELECT * FROM unnest($30::text[], $31::text[], $32::text[], $33::bigint[], $34::timestamptz[])
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
function columns(events: AuditEvent[]): unknown[] {
  const col = <T>(pick: (e: AuditEvent) => T) => events.map(pick);
  const keyed = events.filter((e) => e.idempotencyKey);
  const payloads = packPayloads(events);
  return [
    col((e) => e.accountId),
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
    keyed.map((e) => e.accountId),
    keyed.map((e) => e.idempotencyKey),
    keyed.map((e) => e.id),
    keyed.map((e) => e.seq),
    keyed.map((e) => e.occurredAt),
    payloads.bytes,
  ];
}

/** Stores sealed events of any accounts, with their idempotency keys, in one statement. */
export async function insertEvents(client: pg.PoolClient, sealed: AuditEvent[]): Promise<void> {
  if (sealed.length === 0) return;
  // Named: PostgreSQL parses and plans it once per connection, not once per call.
  await client.query({ name: 'auditlog_insert_events', text: INSERT, values: columns(sealed) });
}

/** One batch sealed: what each of its events got, its new events, and the account's new head. */
export interface SealedBatch {
  events: AppendedEvent[];
  sealed: AuditEvent[];
  head: Head;
}

/**
 * Seals every batch (already normalized) onto its account's chain, in order, after `heads` (moved
 * on as it goes), resolving idempotency keys against the database and the earlier batches. Throws
 * EVENT_INVALID when an id repeats within a batch; nothing is written.
 */
export async function sealBatches(
  client: pg.PoolClient,
  batches: readonly AppendBatch[],
  heads: Map<string, Head>,
): Promise<SealedBatch[]> {
  const known = await readKeys(client, batches);
  return batches.map((batch) => {
    const { sealed, results, head } = seal(batch, heads.get(batch.accountId)!, known.get(batch.accountId)!);
    heads.set(batch.accountId, head);
    return { events: results, sealed, head };
  });
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
  const heads = new Map([[batch.accountId, head]]);
  const [done] = await sealBatches(client, [batch], heads);
  await insertEvents(client, done!.sealed);
  return { events: done!.events, head: done!.head };
}
