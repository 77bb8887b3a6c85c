/**
 * @module The text of an export line, built from a row SQLite already turned mostly into JSON:
 * the export reads each row as an array of a few text columns (LINE_COLUMNS), with blobs as hex,
 * because better-sqlite3 spends more on a row object of ~20 columns and three Buffers than all the
 * rest of the line costs. Terms and actors become JSON once per code, not once per event.
 */
import { isAscii } from 'node:buffer';
import { AuditlogError } from '../../errors.ts';
import { detailMembers, inflateDocument, msToIso, streamName, toActor } from './codec.ts';
import type { StatementCache } from './database.ts';
import { BLOCK_BODY_SQL, type BlockRef } from './detail-blocks.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * The columns of an export row, in {@link LineRow}'s order. Strings are quoted by json_quote (NULL
 * gives `null`); a text id comes quoted, a ULID as the hex of its 16 bytes, an IPv4 address stored
 * as its 4 bytes (codec.ts encodeIp) as their hex; the detail comes as
 * hex when it is a block reference (first byte 3, a few bytes) and as its blob otherwise.
 */
export const LINE_COLUMNS = `iif(typeof(id) = 'blob', hex(id), json_quote(id)), seq, stream,
  actor_ref, category_code, operation_code, target_type_code,
  CASE WHEN target_id IS NOT NULL THEN ',"id":' || json_quote(target_id)
    || iif(target_name IS NULL, '', ',"name":' || json_quote(target_name))
    || iif(target_path IS NULL, '', ',"path":' || json_quote(target_path)) END,
  api_code, json_quote(api_path),
  ',"status":' || iif(status = 1, '"success"', '"failure"')
    || ',"httpStatus":' || ifnull(http_status, 'null') || ',"ip":',
  iif(typeof(ip) = 'blob', hex(ip), json_quote(ip)),
  ',"requestId":' || json_quote(request_id) || ',"idempotencyKey":' || json_quote(idempotency_key),
  occurred_at, received_at, lower(hex(hash)),
  iif(substr(detail, 1, 1) = x'03', hex(detail), NULL), iif(substr(detail, 1, 1) = x'03', NULL, detail)`;

/** A row of {@link LINE_COLUMNS}, as `.raw()` returns it. */
export type LineRow = [
  id: string,
  seq: number,
  stream: number,
  actorRef: number,
  categoryCode: number,
  operationCode: number,
  targetTypeCode: number | null,
  targetRest: string | null,
  apiCode: number | null,
  apiPath: string,
  status: string,
  ip: string,
  requestRest: string,
  occurredAt: number,
  receivedAt: number,
  hash: string,
  blockRef: string | null,
  detail: Uint8Array | null,
];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const STREAM_JSON: Record<number, string> = { 1: '"central"', 2: '"media"', 3: '"access"' };
/** A bound on each fragment cache: an account's terms and actors are few, but accounts are many. */
const MAX_CACHED = 100_000;

/** The ULID text of the hex of its 16 bytes (as codec.ts decodeId, without a Buffer). */
export function ulidOfHex(hex: string): string {
  // 128 bits: the first byte is 3 + 5 bits, then six groups of 20 bits (5 hex digits, 4 letters).
  const top = Number.parseInt(hex.slice(0, 2), 16);
  let text = CROCKFORD[top >> 5]! + CROCKFORD[top & 31]!;
  for (let at = 2; at < 32; at += 5) {
    const v = Number.parseInt(hex.slice(at, at + 5), 16);
    text +=
      CROCKFORD[(v >> 15) & 31]! +
      CROCKFORD[(v >> 10) & 31]! +
      CROCKFORD[(v >> 5) & 31]! +
      CROCKFORD[v & 31]!;
  }
  return text;
}

/** The JSON of a stored IP address: its quoted text, or the hex of an IPv4 address's 4 bytes. */
export function ipJsonOf(column: string): string {
  if (column.length !== 8 || column.charCodeAt(0) === 0x22) return column;
  const byte = (i: number) => Number.parseInt(column.slice(i * 2, i * 2 + 2), 16);
  return `"${byte(0)}.${byte(1)}.${byte(2)}.${byte(3)}"`;
}

/** A block reference from the hex of events.detail (see detail-blocks.ts decodeBlockRef). */
export function blockRefOfHex(hex: string): BlockRef {
  const values = [0, 0, 0];
  let at = 2; // past the marker byte
  for (let i = 0; i < 3; i++) {
    let scale = 1;
    for (;;) {
      const byte = Number.parseInt(hex.slice(at, at + 2), 16);
      if (Number.isNaN(byte)) throw new TypeError('truncated detail block reference');
      at += 2;
      values[i]! += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
  }
  return { distance: values[0]!, offset: values[1]!, length: values[2]! };
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * msToIso, reusing the date while consecutive times fall on one UTC day (an export's times come in
 * order, hundreds to a day): only the time of day is written, without a Date.
 */
export function createIsoTime(): (ms: number) => string {
  let dayStart = 0;
  let dayEnd = -1;
  let date = '';
  return (ms) => {
    if (ms >= dayStart && ms < dayEnd) {
      let rest = ms - dayStart;
      const milli = rest % 1000;
      rest = (rest - milli) / 1000;
      const second = rest % 60;
      rest = (rest - second) / 60;
      const minute = rest % 60;
      return `${date}${PAD2[(rest - minute) / 60]}:${PAD2[minute]}:${PAD2[second]}.${PAD3[milli]}Z`;
    }
    const iso = msToIso(ms);
    // Only a four-digit year has the short form; another (and a fraction of a ms) stays uncached.
    if (iso.length === 24 && Number.isInteger(ms)) {
      dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      dayEnd = dayStart + DAY_MS;
      date = iso.slice(0, 11);
    }
    return iso;
  };
}

/** Memoizes code -> JSON text, forgetting everything once it holds MAX_CACHED entries. */
function memo(compute: (code: number) => string): (code: number) => string {
  const cache = new Map<number, string>();
  return (code) => {
    let text = cache.get(code);
    if (text === undefined) {
      text = compute(code);
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(code, text);
    }
    return text;
  };
}

/** Builds lines of one account; `dictionaryOf` supplies preset deflate dictionaries. */
export interface LineBuilder {
  /** The line of `row` (no newline); `prevHash` is the hex of the previous event's hash. */
  line(accountKey: number, accountJson: string, row: LineRow, prevHash: string): string;
}

/**
 * The members of detail documents, keeping the last block inflated (an export reads a block's
 * events one after the other). An all-ASCII block is decoded to text once and sliced.
 */
function createMembersReader(statements: StatementCache, dictionaryOf: (id: number) => Buffer) {
  let cachedKey = -1;
  let cachedAccount = -1;
  let body: Buffer = Buffer.alloc(0);
  let text: string | null = null;
  const load = (accountKey: number, firstSeq: number, seq: number) => {
    if (firstSeq === cachedKey && accountKey === cachedAccount) return;
    const blob = statements.get(BLOCK_BODY_SQL).pluck().get(accountKey, firstSeq) as Buffer | undefined;
    if (!blob) throw new AuditlogError('INTERNAL', `seq ${seq}: its detail block is missing`);
    body = inflateDocument(blob, dictionaryOf);
    text = isAscii(body) ? body.toString('latin1') : null;
    cachedKey = firstSeq;
    cachedAccount = accountKey;
  };
  return (accountKey: number, seq: number, refHex: string | null, detail: Uint8Array | null): string => {
    if (refHex === null) return detailMembers(inflateDocument(detail!, dictionaryOf));
    const ref = blockRefOfHex(refHex);
    load(accountKey, seq - ref.distance, seq);
    const end = ref.offset + ref.length;
    // Documents written since blocks exist start with the API's names and splice as they are.
    if (text?.startsWith('{"request":', ref.offset)) return text.slice(ref.offset + 1, end - 1);
    return detailMembers(body.subarray(ref.offset, end));
  };
}

/**
 * A line builder over a connection: the same text codec.ts rowToEvent would give, as JSON, with
 * members in this order: id, seq, accountId, stream, category, operation, actor, target, api, the
 * detail's five members, status, httpStatus, ip, requestId, idempotencyKey, occurredAt,
 * receivedAt, prevHash, hash.
 */
export function createLineBuilder(
  statements: StatementCache,
  dictionaryOf: (id: number) => Buffer,
  vocabulary: Vocabulary,
): LineBuilder {
  const term = memo((code) => JSON.stringify(vocabulary.term(code)));
  const actor = memo((ref) => {
    const a = vocabulary.actor(ref);
    return JSON.stringify(toActor(a.actor_type, a.actor_id, a.actor_email, a.actor_name));
  });
  // Everything of an API object but its path, which ends it.
  const apiHead = memo((code) => {
    const value = vocabulary.term(code);
    const space = value.indexOf(' ');
    const method = JSON.stringify(value.slice(0, space));
    return `{"method":${method},"route":${JSON.stringify(value.slice(space + 1))},"path":`;
  });
  const members = createMembersReader(statements, dictionaryOf);
  const occurredIso = createIsoTime();
  const receivedIso = createIsoTime();
  return {
    line(accountKey, accountJson, row, prevHash) {
      const [id, seq, stream, actorRef, category, operation, targetType, targetRest, apiCode, apiPath] = row;
      const target =
        targetType === null || targetRest === null ? 'null' : `{"type":${term(targetType)}${targetRest}}`;
      // json_quote gives `null` only for NULL: a path "null" comes quoted.
      const api = apiCode === null || apiPath === 'null' ? 'null' : `${apiHead(apiCode)}${apiPath}}`;
      const idJson = id.charCodeAt(0) === 0x22 ? id : `"${ulidOfHex(id)}"`;
      return `{"id":${idJson},"seq":${seq},"accountId":${accountJson},"stream":${STREAM_JSON[stream] ?? JSON.stringify(streamName(stream))},"category":${term(category)},"operation":${term(operation)},"actor":${actor(actorRef)},"target":${target},"api":${api},${members(accountKey, seq, row[16], row[17])}${row[10]}${ipJsonOf(row[11])}${row[12]},"occurredAt":"${occurredIso(row[13])}","receivedAt":"${receivedIso(row[14])}","prevHash":"${prevHash}","hash":"${row[15]}"}`;
    },
  };
}
