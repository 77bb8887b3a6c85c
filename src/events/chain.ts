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
      // A hole stays empty, as Array.prototype.join renders it (and is counted: see encodeMembers).
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

/**
 * A pending event's members already written as canonical JSON, by key (see {@link encodeMembers}):
 * sealing splices them in instead of encoding them again.
 */
export type EncodedMembers = ReadonlyMap<string, string>;

/**
 * Encodes each member of a pending event as canonical JSON. Sealing needs the whole event's
 * encoding, and most of its cost is the payloads; a caller on another thread than the sealer can
 * pay it there (the SQLite writer thread seals while the HTTP thread has time to spare).
 * Undefined for an event whose payloads hold a sparse array: its canonical form is not JSON, and
 * {@link sealEncoded} promises JSON.
 */
export function encodeMembers(pending: PendingEvent): EncodedMembers | undefined {
  const before = holes;
  const encoded = new Map<string, string>();
  for (const [key, value] of Object.entries(pending)) {
    if (value !== undefined) encoded.set(key, canonicalJson(value));
  }
  return holes === before ? encoded : undefined;
}

/** canonicalJson of a record whose members `encoded` holds are taken from it as they are. */
function canonicalRecord(record: Record<string, unknown>, encoded: EncodedMembers): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${encoded.get(key) ?? canonicalJson(member)}`;
  }
  return `${out}}`;
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
 * {@link sealEvent} from members encoded beforehand, with the sealed event as JSON text (which
 * JSON.parse turns back into `event`), built from the encoding the hash was taken over. `encoded`
 * must come from {@link encodeMembers} of this very content: its members are trusted as the
 * encoding of the event's, so a stale one would seal a hash that never verifies.
 */
export function sealEncoded(
  pending: PendingEvent,
  accountId: string,
  seq: number,
  prevHash: string,
  encoded: EncodedMembers,
): { event: AuditEvent; json: string } {
  const unsealed: Omit<AuditEvent, 'hash'> = { ...pending, accountId, seq, prevHash };
  const canonical = canonicalRecord(unsealed, encoded);
  const hash = createHash('sha256').update(canonical).digest('hex');
  // canonical opens with '{' and holds accountId at least, so the hash goes first, then a comma.
  return { event: { ...unsealed, hash }, json: `{"hash":"${hash}",${canonical.slice(1)}` };
}
