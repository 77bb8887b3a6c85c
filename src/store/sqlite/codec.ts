/**
 * @module Conversions between the API's shapes and the SQLite columns: ULIDs as 16 bytes, hashes
 * as 32 bytes, times as epoch milliseconds, streams and statuses as small integers, and the
 * payloads as one optionally compressed JSON document (see migrations/001_init.sql for why), kept
 * inline or, for a batch's events, in a block compressed together (detail-blocks.ts).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Stream } from '../../events/catalog.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import type { Actor, AuditEvent, EventStatus, EventSummary } from '../../events/schema.ts';
import { zstdCompress, zstdDecompress } from './zstd.ts';

const STREAM_CODES: Record<Stream, number> = { central: 1, media: 2, access: 3 };
const STREAM_NAMES: Record<number, Stream> = { 1: 'central', 2: 'media', 3: 'access' };

/** Every stream code, for jobs that must visit all of an account's events. */
export const ALL_STREAM_CODES: readonly number[] = Object.values(STREAM_CODES);

/** The integer a stream is stored as. */
export function streamCode(stream: Stream): number {
  const code = STREAM_CODES[stream];
  if (code === undefined) throw new TypeError(`unknown stream "${stream}"`);
  return code;
}

/** The stream a stored code stands for. */
export function streamName(code: number): Stream {
  const name = STREAM_NAMES[code];
  if (name === undefined) throw new TypeError(`unknown stream code ${code}`);
  return name;
}

/** success is stored as 1, failure as 0. */
export function statusCode(status: EventStatus): number {
  return status === 'success' ? 1 : 0;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CROCKFORD_VALUES = new Map([...CROCKFORD].map((c, i) => [c, i]));
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * A canonical ULID as its 16 bytes (byte order = text order, so sorting is unchanged); any other
 * id as its text, so an unusual producer id still round-trips exactly.
 */
export function encodeId(id: string): Buffer | string {
  if (!ULID_PATTERN.test(id)) return id;
  const out = Buffer.alloc(16);
  // The first character carries 3 bits (it is at most 7), the other 25 carry 5 each: 128 bits.
  let buffer = CROCKFORD_VALUES.get(id[0]!)!;
  let bits = 3;
  let offset = 0;
  for (let i = 1; i < 26; i++) {
    buffer = (buffer << 5) | CROCKFORD_VALUES.get(id[i]!)!;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[offset++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

/** An IPv4 address in canonical dotted-decimal form: no leading zeros, each part at most 255. */
const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * An IPv4 address as its 4 bytes (its text averages ~14 bytes); anything else (IPv6, or a form
 * that would not read back identically: the event's hash covers the text as received) as its text.
 * Rows written before this stay text, which reads back as it is.
 */
export function encodeIp(ip: string | null): Buffer | string | null {
  if (ip === null || !IPV4_PATTERN.test(ip)) return ip;
  return Buffer.from(ip.split('.').map(Number));
}

/** The text of a stored IP address (see {@link encodeIp}). */
export function decodeIp(value: Uint8Array | string | null): string | null {
  if (value === null || typeof value === 'string') return value;
  return `${value[0]}.${value[1]}.${value[2]}.${value[3]}`;
}

/** The Crockford characters as bytes, and where decodeId writes a ULID before it becomes text. */
const CROCKFORD_BYTES = Buffer.from(CROCKFORD, 'latin1');
const ulidText = Buffer.alloc(26);

/**
 * The text of a stored id (see {@link encodeId}). The 26 characters are written as bytes and read
 * as one string: appending them one by one made 25 intermediate strings, ~37 KB for a page of 50.
 */
export function decodeId(value: Uint8Array | string): string {
  if (typeof value === 'string') return value;
  ulidText[0] = CROCKFORD_BYTES[value[0]! >> 5]!;
  let buffer = value[0]! & 0x1f;
  let bits = 5;
  let at = 1;
  for (let i = 1; i < 16; i++) {
    buffer = (buffer << 8) | value[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      ulidText[at++] = CROCKFORD_BYTES[(buffer >> bits) & 31]!;
      buffer &= (1 << bits) - 1;
    }
  }
  return ulidText.toString('latin1', 0, 26);
}

/** A hex sha256 as its 32 bytes. */
export function hashToBlob(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/** The hex of a stored hash; NULL (an account without events) is the genesis hash. */
export function blobToHash(blob: Uint8Array | null): string {
  return blob === null ? GENESIS_HASH : Buffer.from(blob).toString('hex');
}

/** Epoch milliseconds of an ISO 8601 time, or NaN when it is not one. */
export function isoToMs(iso: string): number {
  return Date.parse(iso);
}

/** The canonical form every stored time comes back in: UTC, milliseconds, `Z`. */
export function msToIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What only the detail view needs; absent members are null. */
export interface EventDetail {
  request: unknown;
  response: unknown;
  before: unknown;
  after: unknown;
  userAgent: string | null;
}

/** Below this many bytes, deflate saves too little to be worth its CPU and its marker byte. */
const COMPRESS_FROM_BYTES = 256;
const PLAIN = 0;
const DEFLATED = 1;
/** Written before 008; still read. */
const DEFLATED_WITH_DICTIONARY = 2;
const ZSTD_WITH_DICTIONARY = 4;

/** A Zstandard dictionary (see dictionary.ts) and the id its blobs refer to it by. */
export interface DetailDictionary {
  id: number;
  bytes: Buffer;
}

/**
 * The detail document's JSON: all five members, null when absent, under the API's own names, so
 * an export splices the document into the event's line without parsing it (see export-line.ts). The
 * names cost almost nothing once deflated with the dictionary. Documents written before blocks
 * (005) use one-letter names and leave nulls out; {@link parseDetail} reads both.
 */
export function detailJson(detail: EventDetail): Buffer {
  const { request, response, before, after, userAgent } = detail;
  const document = {
    request: request ?? null,
    response: response ?? null,
    before: before ?? null,
    after: after ?? null,
    userAgent: userAgent ?? null,
  };
  return Buffer.from(JSON.stringify(document), 'utf8');
}

/** How every document {@link detailJson} writes begins. */
const SPLICEABLE_START = '{"request":';

/**
 * Encodes a detail document: a marker byte, then the JSON — plain when small; else compressed with
 * Zstandard and the dictionary when one is given (a 4-byte id follows the marker), deflated when
 * none has been learned yet.
 */
export function encodeDetail(detail: EventDetail | Buffer, dictionary?: DetailDictionary): Buffer {
  const json = Buffer.isBuffer(detail) ? detail : detailJson(detail);
  if (json.length < COMPRESS_FROM_BYTES) return Buffer.concat([Buffer.of(PLAIN), json]);
  if (!dictionary) return Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(json)]);
  const header = Buffer.alloc(5);
  header[0] = ZSTD_WITH_DICTIONARY;
  header.writeUInt32BE(dictionary.id, 1);
  return Buffer.concat([header, zstdCompress(json, dictionary.bytes)]);
}

/**
 * The JSON bytes of an encoded document (an inline detail, or a block body of several documents
 * laid end to end); `dictionaryOf` supplies the preset dictionary a blob names.
 */
export function inflateDocument(blob: Uint8Array, dictionaryOf: (id: number) => Buffer): Buffer {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes[0] === PLAIN) return bytes.subarray(1);
  if (bytes[0] === DEFLATED) return inflateRawSync(bytes.subarray(1));
  if (bytes[0] === DEFLATED_WITH_DICTIONARY) {
    return inflateRawSync(bytes.subarray(5), { dictionary: dictionaryOf(bytes.readUInt32BE(1)) });
  }
  if (bytes[0] === ZSTD_WITH_DICTIONARY) {
    return zstdDecompress(bytes.subarray(5), dictionaryOf(bytes.readUInt32BE(1)));
  }
  throw new TypeError(`unknown detail encoding ${bytes[0]}`);
}

/** A detail document from its JSON (see {@link detailJson}). */
export function parseDetail(json: Buffer): EventDetail {
  const text = json.toString('utf8');
  if (text.startsWith(SPLICEABLE_START)) return JSON.parse(text) as EventDetail;
  const compact = JSON.parse(text) as Record<string, unknown>;
  return {
    request: compact.q ?? null,
    response: compact.s ?? null,
    before: compact.b ?? null,
    after: compact.a ?? null,
    userAgent: (compact.u as string | undefined) ?? null,
  };
}

/** The document's members as JSON text without braces, ready to splice into an event's line. */
export function detailMembers(json: Buffer): string {
  const text = json.toString('utf8');
  const spliceable = text.startsWith(SPLICEABLE_START) ? text : JSON.stringify(parseDetail(json));
  return spliceable.slice(1, -1);
}

/** The columns of a list row, its codes turned into text (see {@link SUMMARY_COLUMNS}). */
export interface SummaryRow {
  id: Uint8Array | string;
  seq: number;
  stream: number;
  occurred_at: number;
  actor_type: string;
  actor_id: string;
  actor_email: string | null;
  actor_name: string | null;
  category: string;
  operation: string;
  status: number;
  http_status: number | null;
  api_method: string | null;
  api_route: string | null;
  api_path: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  target_path: string | null;
  /** See {@link encodeIp}. */
  ip: Uint8Array | string | null;
  request_id: string | null;
}

/** The whole stored row, with prev_hash found by the query (null for seq 1). */
export interface EventRow extends SummaryRow {
  received_at: number;
  idempotency_key: string | null;
  prev_hash: Uint8Array | null;
  hash: Uint8Array;
  detail: Uint8Array;
}

/**
 * The columns list() reads: never the detail blob. The actor and the terms are stored as codes
 * (migrations/006_coded_columns.sql): vocabulary.ts turns such a row into a {@link SummaryRow}.
 */
export const SUMMARY_COLUMNS = [
  'id',
  'seq',
  'stream',
  'occurred_at',
  'actor_ref',
  'category_code',
  'operation_code',
  'status',
  'http_status',
  'api_code',
  'api_path',
  'target_type_code',
  'target_id',
  'target_name',
  'target_path',
  'ip',
  'request_id',
].join(', ');

/** An actor from its columns; absent email and name are left out, as producers left them out. */
export function toActor(type: string, id: string, email: string | null, name: string | null): Actor {
  const actor: Actor = { type: type as Actor['type'], id };
  if (email !== null) actor.email = email;
  if (name !== null) actor.name = name;
  return actor;
}

/** A list row as the API's EventSummary. */
export function rowToSummary(row: SummaryRow): EventSummary {
  let target: EventSummary['target'] = null;
  if (row.target_type !== null && row.target_id !== null) {
    target = { type: row.target_type, id: row.target_id };
    if (row.target_name !== null) target.name = row.target_name;
    if (row.target_path !== null) target.path = row.target_path;
  }
  const api =
    row.api_method !== null && row.api_route !== null && row.api_path !== null
      ? {
          method: row.api_method as NonNullable<EventSummary['api']>['method'],
          route: row.api_route,
          path: row.api_path,
        }
      : null;
  return {
    id: decodeId(row.id),
    seq: row.seq,
    stream: streamName(row.stream),
    occurredAt: msToIso(row.occurred_at),
    actor: toActor(row.actor_type, row.actor_id, row.actor_email, row.actor_name),
    category: row.category,
    operation: row.operation,
    status: row.status === 1 ? 'success' : 'failure',
    httpStatus: row.http_status,
    api,
    target,
    ip: decodeIp(row.ip),
    requestId: row.request_id,
  };
}

/** A whole stored row and its decoded detail (see detail-blocks.ts) as the API's AuditEvent. */
export function rowToEvent(row: EventRow, accountId: string, detail: EventDetail): AuditEvent {
  const summary = rowToSummary(row);
  return {
    id: summary.id,
    seq: summary.seq,
    accountId,
    stream: summary.stream,
    category: summary.category,
    operation: summary.operation,
    actor: summary.actor,
    target: summary.target,
    api: summary.api,
    request: detail.request,
    response: detail.response,
    before: detail.before,
    after: detail.after,
    status: summary.status,
    httpStatus: summary.httpStatus,
    ip: summary.ip,
    userAgent: detail.userAgent,
    requestId: summary.requestId,
    idempotencyKey: row.idempotency_key,
    occurredAt: summary.occurredAt,
    receivedAt: msToIso(row.received_at),
    prevHash: blobToHash(row.prev_hash),
    hash: blobToHash(row.hash),
  };
}
