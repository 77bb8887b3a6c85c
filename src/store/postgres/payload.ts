/**
 * @module The stored form of an event's four payloads (request, response, before, after): one JSON
 * document, compressed with a small preset dictionary, behind a format byte. PostgreSQL would
 * leave a typical 1 KB document uncompressed (it compresses only rows past ~2 KB); compressed it is
 * under half that. The JSON text is kept exactly (every escape), so the event still hashes alike.
 */
import { inflateRawSync } from 'node:zlib';
import { AuditlogError } from '../../errors.ts';
import { createZstdCodec } from '../zstd.ts';

/** The four payloads, as the events table's payload column held them. */
export interface Payloads {
  request?: unknown;
  response?: unknown;
  before?: unknown;
  after?: unknown;
}

/**
 * Bytes zlib allocates per output chunk when inflating format 1. The default, 16 KiB per call, made
 * garbage collection cost more than inflating a typical 1 KiB document.
 */
const INFLATE_CHUNK = 4096;

/**
 * Format byte 1: raw deflate with DICTIONARY_V1, written until format 2 and still read. A new
 * dictionary needs a new format byte.
 */
const DEFLATE_V1 = 1;

/**
 * Format byte 2: a Zstandard frame with DICTIONARY_V1 as raw content. zlib has no reusable context
 * in Node's API, so each deflated document paid for a new one (~3 µs of an export's ~10 µs per
 * event to inflate). Measured on 20,000 bench documents (mean 1,225 B of JSON): 485 B stored
 * against deflate's 456, compressed in ~13 µs against ~35, read back in ~5 µs against ~12.
 */
const ZSTD_V2 = 2;

/**
 * Deflate's preset dictionary: strings found in most audit payloads (the envelope, common member
 * names), the most frequent last, where back-references are shortest. Only generic API words:
 * nothing learned from any data set. Saves ~10% over plain deflate on 1 KB documents.
 */
const DICTIONARY_V1 = Buffer.from(
  [
    '"id":"name":"email":"type":"key":"value":"values":"data":"items":[],"count":"total":"url":"path":',
    '"file":"size":"role":"roles":"scopes":"settings":"config":"enabled":true,"disabled":false,',
    '"version":"created_at":"updated_at":"createdAt":"updatedAt":"description":"title":"tags":[',
    '"metadata":"status":"ok","success":true,"result":"message":"code":"error":{"errors":[{',
    '"request":{"response":{"before":{"after":{"request":null,"response":null,"before":null,"after":null}',
  ].join(''),
  'utf8',
);

/** Level 3, zstd's default: levels 1–12 stored within 3% of one another, level 1 slightly faster. */
const ZSTD_CODEC = createZstdCodec(DICTIONARY_V1, {
  compressionLevel: 3,
  checksumFlag: false,
  dictIDFlag: false,
});

/**
 * The bytes stored for the payloads of one event.
 *
 * @example
 * const bytes = encodePayloads({ request: { name: 'x' }, response: null, before: null, after: null });
 */
export function encodePayloads(payloads: Payloads): Buffer {
  // Serialized here: pg would turn a top-level array into a PostgreSQL array, not JSON.
  const json = Buffer.from(JSON.stringify(payloads), 'utf8');
  return Buffer.concat([Buffer.of(ZSTD_V2), ZSTD_CODEC.compress(json)]);
}

/**
 * The JSON text of the payloads from their stored bytes, exactly as encodePayloads wrote it. Throws
 * INTERNAL on an unknown format byte (a corrupt row, or one written by a newer version of the store).
 */
export function decodePayloadText(bytes: Uint8Array): string {
  if (bytes[0] === ZSTD_V2) return ZSTD_CODEC.decompress(bytes.subarray(1)).toString('utf8');
  if (bytes[0] === DEFLATE_V1)
    return inflateRawSync(bytes.subarray(1), {
      dictionary: DICTIONARY_V1,
      chunkSize: INFLATE_CHUNK,
    }).toString('utf8');
  throw new AuditlogError('INTERNAL', `unknown stored payload format ${bytes[0]}`);
}

/**
 * The payloads back from their stored bytes (see {@link decodePayloadText}).
 *
 * @example
 * decodePayloads(encodePayloads({ request: 1 })); // { request: 1 }
 */
export function decodePayloads(bytes: Uint8Array): Payloads {
  return JSON.parse(decodePayloadText(bytes)) as Payloads;
}
