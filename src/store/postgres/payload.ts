/**
 * @module The stored form of an event's four payloads (request, response, before, after): one JSON
 * document, raw-deflated with a small preset dictionary, behind a format byte. PostgreSQL would
 * leave a typical 1 KB document uncompressed (it compresses only rows past ~2 KB); deflated it is
 * under half that. The JSON text is kept exactly (every escape), so the event still hashes alike.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AuditlogError } from '../../errors.ts';

/** The four payloads, as the events table's payload column held them. */
export interface Payloads {
  request?: unknown;
  response?: unknown;
  before?: unknown;
  after?: unknown;
}

/**
 * Bytes zlib allocates per output chunk. The default, 16 KiB per call, made garbage collection cost
 * more than deflating a typical 1 KiB document, and inflating three times as much.
 */
const OUTPUT_CHUNK = 2048;

/** Format byte 1: raw deflate with DICTIONARY_V1. A new dictionary needs a new format byte. */
const DEFLATE_V1 = 1;

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

/**
 * The bytes stored for the payloads of one event.
 *
 * @example
 * const bytes = encodePayloads({ request: { name: 'x' }, response: null, before: null, after: null });
 */
export function encodePayloads(payloads: Payloads): Buffer {
  // Serialized here: pg would turn a top-level array into a PostgreSQL array, not JSON.
  const json = Buffer.from(JSON.stringify(payloads), 'utf8');
  const deflated = deflateRawSync(json, { dictionary: DICTIONARY_V1, chunkSize: OUTPUT_CHUNK });
  return Buffer.concat([Buffer.of(DEFLATE_V1), deflated]);
}

/**
 * The JSON text of the payloads from their stored bytes, exactly as encodePayloads wrote it. Throws
 * INTERNAL on an unknown format byte (a corrupt row, or one written by a newer version of the store).
 */
export function decodePayloadText(bytes: Uint8Array): string {
  if (bytes[0] !== DEFLATE_V1)
    throw new AuditlogError('INTERNAL', `unknown stored payload format ${bytes[0]}`);
  const json = inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_V1, chunkSize: OUTPUT_CHUNK * 2 });
  return json.toString('utf8');
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
