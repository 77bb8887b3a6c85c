/**
 * @module Detail blocks: the detail documents of one appended batch deflated together, and the
 * references events keep to them (see migrations/005_detail_blocks.sql for the layout and why).
 */
import { AuditlogError } from '../../errors.ts';
import {
  type DetailDictionary,
  type EventDetail,
  encodeDetail,
  inflateDocument,
  parseDetail,
} from './codec.ts';
import type { StatementCache } from './database.ts';

/** Documents are added to a block until their JSON reaches this many bytes (see 005). */
export const BLOCK_BUDGET_BYTES = 10 * 1024;
/** Bounds the rows retention examines to find a block's survivors. */
export const MAX_BLOCK_DOCUMENTS = 128;
/** The first byte of events.detail when the document lives in a block. */
const IN_BLOCK = 3;

/** Where one event's document sits in its block. */
export interface BlockRef {
  /** The event's seq minus the seq of the block's first event. */
  distance: number;
  offset: number;
  length: number;
}

/** A block to insert: the batch position of its first document, and its encoded body. */
export interface PlannedBlock {
  first: number;
  body: Buffer;
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** The events.detail bytes of a document kept in a block. */
export function encodeBlockRef(ref: BlockRef): Buffer {
  const out = [IN_BLOCK];
  writeVarint(out, ref.distance);
  writeVarint(out, ref.offset);
  writeVarint(out, ref.length);
  return Buffer.from(out);
}

/** The reference an events.detail holds, or undefined when it holds the document itself. */
export function decodeBlockRef(detail: Uint8Array): BlockRef | undefined {
  if (detail[0] !== IN_BLOCK) return undefined;
  const values: number[] = [];
  let at = 1;
  for (let i = 0; i < 3; i++) {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = detail[at++];
      if (byte === undefined) throw new TypeError('truncated detail block reference');
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
    values.push(value);
  }
  return { distance: values[0]!, offset: values[1]!, length: values[2]! };
}

/**
 * Encodes the detail documents of a batch's consecutive events: runs of documents up to the
 * budget become blocks, and each event gets a reference into its block; a document left alone
 * in its run is encoded inline, as before blocks existed.
 */
export function planDetails(
  documents: readonly Buffer[],
  dictionary: DetailDictionary | undefined,
): { details: Buffer[]; blocks: PlannedBlock[] } {
  const details: Buffer[] = [];
  const blocks: PlannedBlock[] = [];
  let first = 0;
  while (first < documents.length) {
    let end = first;
    let bytes = 0;
    while (end < documents.length && bytes < BLOCK_BUDGET_BYTES && end - first < MAX_BLOCK_DOCUMENTS) {
      bytes += documents[end]!.length;
      end++;
    }
    const run = documents.slice(first, end);
    if (run.length === 1) {
      details.push(encodeDetail(run[0]!, dictionary));
    } else {
      let offset = 0;
      run.forEach((document, distance) => {
        details.push(encodeBlockRef({ distance, offset, length: document.length }));
        offset += document.length;
      });
      blocks.push({ first, body: encodeDetail(Buffer.concat(run), dictionary) });
    }
    first = end;
  }
  return { details, blocks };
}

/**
 * The inflated body with every byte outside `keep` replaced by a space: what retention leaves of
 * a block when some of its events expire. The kept documents stay at their offsets.
 */
export function blankOutside(body: Buffer, keep: readonly BlockRef[]): Buffer {
  const out = Buffer.alloc(body.length, 0x20);
  for (const ref of keep) body.copy(out, ref.offset, ref.offset, ref.offset + ref.length);
  return out;
}

/** Reads blocks by key. Parameters of both: account key, seq of the block's first event. */
export const BLOCK_BODY_SQL = 'SELECT body FROM detail_blocks WHERE block_key = (? << 40) | ?';
export const INSERT_BLOCK_SQL = 'INSERT INTO detail_blocks (block_key, body) VALUES ((? << 40) | ?, ?)';

/** Decodes events' detail documents, inline or in blocks. */
export interface DetailReader {
  /** The detail of the event at (accountKey, seq) whose events.detail is `detail`. */
  read(accountKey: number, seq: number, detail: Uint8Array): EventDetail;
}

/**
 * A reader that keeps the last inflated block: an export reads a block's events one after the
 * other and inflates it once. Block keys are never reused, so the cached body cannot go stale for
 * the events that still point into it.
 */
export function createDetailReader(
  statements: StatementCache,
  dictionaryOf: (id: number) => Buffer,
): DetailReader {
  let cachedKey = '';
  let cachedBody: Buffer = Buffer.alloc(0);
  const documentOf = (accountKey: number, seq: number, detail: Uint8Array): Buffer => {
    const ref = decodeBlockRef(detail);
    if (!ref) return inflateDocument(detail, dictionaryOf);
    const firstSeq = seq - ref.distance;
    const key = `${accountKey}:${firstSeq}`;
    if (key !== cachedKey) {
      const body = statements.get(BLOCK_BODY_SQL).pluck().get(accountKey, firstSeq) as Buffer | undefined;
      if (!body) throw new AuditlogError('INTERNAL', `seq ${seq}: its detail block is missing`);
      cachedBody = inflateDocument(body, dictionaryOf);
      cachedKey = key;
    }
    return cachedBody.subarray(ref.offset, ref.offset + ref.length);
  };
  return {
    read: (accountKey, seq, detail) => parseDetail(documentOf(accountKey, seq, detail)),
  };
}
