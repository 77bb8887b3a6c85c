/**
 * @module Mapping between event rows of the PostgreSQL `events` table and the domain shapes
 * (AuditEvent, EventSummary, Actor). Absent optional members stay absent, never `undefined` or
 * null, so a stored event reads back equal to the one that was hashed.
 */
import type { Stream } from '../../events/catalog.ts';
import type { Actor, Api, AuditEvent, EventStatus, EventSummary, Target } from '../../events/schema.ts';
import { decodePayloads, type Payloads } from './payload.ts';

/** The columns a list row needs (no payloads). */
export const SUMMARY_COLUMNS = `id, seq, stream, occurred_at, category, operation, status, http_status,
  actor_type, actor_id, actor_email, actor_name, target_type, target_id, target_name, target_path,
  api_method, api_route, api_path, ip, request_id`;

/** Every column get() returns (a row has one of payload, payload_deflated: see migration 6). */
export const EVENT_COLUMNS = `${SUMMARY_COLUMNS}, account_id, user_agent, idempotency_key, payload,
  payload_deflated, received_at, prev_hash, hash`;

/** A row as pg returns it (bigint as string, timestamptz as Date, json parsed). */
export interface SummaryRow {
  id: string;
  seq: string;
  stream: string;
  occurred_at: Date;
  category: string;
  operation: string;
  status: string;
  http_status: number | null;
  actor_type: string;
  actor_id: string;
  actor_email: string | null;
  actor_name: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  target_path: string | null;
  api_method: string | null;
  api_route: string | null;
  api_path: string | null;
  ip: string | null;
  request_id: string | null;
}

export interface EventRow extends SummaryRow {
  account_id: string;
  user_agent: string | null;
  idempotency_key: string | null;
  /** The json payloads of a row written before migration 6, else null. */
  payload: Payloads | null;
  /** The deflated payloads (payload.ts) of a row written since migration 6, else null. */
  payload_deflated: Buffer | null;
  received_at: Date;
  prev_hash: string;
  hash: string;
}

/** An actor from its columns; email and name only when known. */
export function toActor(
  row: Pick<SummaryRow, 'actor_type' | 'actor_id' | 'actor_email' | 'actor_name'>,
): Actor {
  const actor: Actor = { type: row.actor_type as Actor['type'], id: row.actor_id };
  if (row.actor_email !== null) actor.email = row.actor_email;
  if (row.actor_name !== null) actor.name = row.actor_name;
  return actor;
}

function toTarget(row: SummaryRow): Target | null {
  if (row.target_type === null || row.target_id === null) return null;
  const target: Target = { type: row.target_type, id: row.target_id };
  if (row.target_name !== null) target.name = row.target_name;
  if (row.target_path !== null) target.path = row.target_path;
  return target;
}

function toApi(row: SummaryRow): Api | null {
  if (row.api_method === null || row.api_route === null || row.api_path === null) return null;
  return { method: row.api_method as Api['method'], route: row.api_route, path: row.api_path };
}

/** A list row. */
export function toSummary(row: SummaryRow): EventSummary {
  return {
    id: row.id,
    seq: Number(row.seq),
    stream: row.stream as Stream,
    occurredAt: row.occurred_at.toISOString(),
    actor: toActor(row),
    category: row.category,
    operation: row.operation,
    status: row.status as EventStatus,
    httpStatus: row.http_status,
    api: toApi(row),
    target: toTarget(row),
    ip: row.ip,
    requestId: row.request_id,
  };
}

/** The whole stored event. */
export function toEvent(row: EventRow): AuditEvent {
  const summary = toSummary(row);
  const payload = row.payload_deflated ? decodePayloads(row.payload_deflated) : (row.payload ?? {});
  return {
    ...summary,
    accountId: row.account_id,
    request: payload.request ?? null,
    response: payload.response ?? null,
    before: payload.before ?? null,
    after: payload.after ?? null,
    userAgent: row.user_agent,
    idempotencyKey: row.idempotency_key,
    receivedAt: row.received_at.toISOString(),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
