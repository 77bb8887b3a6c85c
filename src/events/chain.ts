/**
 * @module The per-account integrity chain. Each stored event carries `prevHash` (the previous
 * event's hash, or {@link GENESIS_HASH} for the first) and `hash` = sha256 over a canonical encoding
 * of the event, prevHash included — so altering, inserting or removing any event changes every hash
 * after it.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './schema.ts';

/** The prevHash of an account's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Holes canonicalJson has rendered so far: the one way its output is not valid JSON. */
let holes = 0;

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Two events with
 * the same content always encode to the same bytes, whatever order a producer wrote the keys in.
 */
export function canonicalJson(value: unknown): string {
  // Hand-written loops rather than entries/filter/map/join: this runs over every payload of every
  // ingested event, and the intermediate arrays cost more than the serialisation itself.
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.join renders it (and is counted: see sealEventAsJson).
      if (i in value) out += canonicalJson(value[i] === undefined ? null : value[i]);
      else holes += 1;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, the same order as `<` on strings.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

/** The hash of an event given its content (everything but `hash` itself). */
export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

/** A validated, redacted event that the store has not yet sequenced. */
export type PendingEvent = Omit<AuditEvent, 'seq' | 'accountId' | 'prevHash' | 'hash'>;

/** The content of an event before Auditlog has stamped it: absent fields may be left out. */
export type EventContent = Pick<PendingEvent, 'stream' | 'category' | 'operation' | 'actor' | 'status'> &
  Partial<Omit<PendingEvent, 'id' | 'receivedAt' | 'occurredAt' | 'idempotencyKey'>>;

/**
 * Stamps event content with its id, times and idempotency key. Every absent field becomes null
 * (never undefined), so the hash computed at append matches the one recomputed from the stored row.
 */
export function toPendingEvent(
  content: EventContent,
  stamp: { id: string; occurredAt: string; receivedAt: string; idempotencyKey: string | null },
): PendingEvent {
  return {
    id: stamp.id,
    stream: content.stream,
    category: content.category,
    operation: content.operation,
    actor: content.actor,
    target: content.target ?? null,
    api: content.api ?? null,
    request: content.request ?? null,
    response: content.response ?? null,
    before: content.before ?? null,
    after: content.after ?? null,
    status: content.status,
    httpStatus: content.httpStatus ?? null,
    ip: content.ip ?? null,
    userAgent: content.userAgent ?? null,
    requestId: content.requestId ?? null,
    idempotencyKey: stamp.idempotencyKey,
    occurredAt: stamp.occurredAt,
    receivedAt: stamp.receivedAt,
  };
}

/** Seals a pending event into the chain: assigns its place (`seq`) and both hashes. */
export function sealEvent(
  pending: PendingEvent,
  accountId: string,
  seq: number,
  prevHash: string,
): AuditEvent {
  const unsealed: Omit<AuditEvent, 'hash'> = { ...pending, accountId, seq, prevHash };
  return { ...unsealed, hash: hashEvent(unsealed) };
}

/**
 * {@link sealEvent}, and the sealed event as JSON text made from the encoding its hash was taken
 * over (JSON.parse turns it back into `event`), so a caller that stores the event as text need not
 * encode it a second time. No text for an event whose payloads hold a sparse array: its canonical
 * form is not JSON.
 */
export function sealEventAsJson(
  pending: PendingEvent,
  accountId: string,
  seq: number,
  prevHash: string,
): { event: AuditEvent; json: string | undefined } {
  const unsealed: Omit<AuditEvent, 'hash'> = { ...pending, accountId, seq, prevHash };
  const before = holes;
  const canonical = canonicalJson(unsealed);
  const hash = createHash('sha256').update(canonical).digest('hex');
  // canonical opens with '{' and holds accountId at least: the hash goes first, then a comma.
  const json = holes === before ? `{"hash":"${hash}",${canonical.slice(1)}` : undefined;
  return { event: { ...unsealed, hash }, json };
}
