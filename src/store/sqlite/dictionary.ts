/**
 * @module Zstandard dictionaries for detail documents. A ~1 KiB JSON document compresses poorly on
 * its own because the compressor must first see each key and word before it can refer back to it;
 * a dictionary of documents like it gives every block something to refer to from its first byte.
 * It is learned once per database from a sample of the first documents appended, and keeps only
 * what many of them share: structure, member names and frequent words. Words fewer documents carry
 * are cut out and the words of each string are shuffled, so no event's content or phrasing
 * survives in it after retention removes the event.
 */
import type { DetailDictionary } from './codec.ts';
import type { SqliteDatabase } from './database.ts';

/** Documents sampled before a dictionary is learned. */
const SAMPLE_DOCUMENTS = 512;
/**
 * A word, or a whole string value (a common user agent), stays as it is when at least this share of
 * the sampled documents (and at least 4) contain it.
 */
const MIN_DOCUMENT_SHARE = 0.01;
/**
 * Measured on the bench data set at compression level 11: a 64 KiB dictionary stores 0.78 and a
 * 128 KiB one 0.76 of what deflate with the old token dictionary stored.
 */
const MAX_DICTIONARY_BYTES = 128 * 1024;
/** Words in any script: letters and digits, joined by `_`, `.` or `-`. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_.-]*/gu;
const STRING = /"(?:[^"\\]|\\.)*"/gu;
const STRING_OR_WORD = new RegExp(`${STRING.source}|${WORD.source}`, 'gu');
/** detail_dictionaries.codec (migrations/008_zstd_dictionaries.sql). */
const ZSTD = 2;

/** The same shuffle every time (a fixed-seed LCG), so a sample always yields the same dictionary. */
function shuffler(): <T>(items: T[]) => T[] {
  let state = 1;
  return (items) => {
    for (let i = items.length - 1; i > 0; i--) {
      state = (state * 48271) % 2147483647;
      const j = state % (i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
}

/**
 * Learns a dictionary from sampled JSON documents, laid end to end (the last ones when they exceed
 * the size): frequent strings as they are; in any other string the frequent words, shuffled; rare
 * words and numbers outside strings cut out.
 */
export function learnDictionary(documents: string[]): Buffer {
  const documentsWith = new Map<string, number>();
  for (const doc of documents) {
    for (const token of new Set([...(doc.match(WORD) ?? []), ...(doc.match(STRING) ?? [])])) {
      documentsWith.set(token, (documentsWith.get(token) ?? 0) + 1);
    }
  }
  const threshold = Math.max(4, documents.length * MIN_DOCUMENT_SHARE);
  const frequent = (token: string) => (documentsWith.get(token) ?? 0) >= threshold;
  const shuffle = shuffler();
  const redactString = (string: string) =>
    string.replace(WORD, (word) => (frequent(word) ? word : '')).replace(/ +/g, ' ');
  const redacted = documents.map((doc) =>
    doc.replace(STRING_OR_WORD, (token) => {
      if (frequent(token)) return token;
      if (!token.startsWith('"')) return '';
      return `"${shuffle(redactString(token).slice(1, -1).split(' ')).join(' ')}"`;
    }),
  );
  const bytes = Buffer.from(redacted.join(''), 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - MAX_DICTIONARY_BYTES));
}

/** The dictionaries of one database: the one new documents use, and any one old blobs name. */
export interface DetailDictionaries {
  /** The dictionary to encode with, if one has been learned. */
  current(): DetailDictionary | undefined;
  /** The dictionary with this id (throws if the database has none: the blob is corrupt). */
  byId(id: number): Buffer;
  /** Offers a document to the sample; cheap, and a no-op once a dictionary exists. */
  sample(json: Buffer): void;
  /** Learns and stores a dictionary when the sample is complete. Call outside other transactions. */
  learnIfReady(): void;
}

/** Dictionaries backed by the detail_dictionaries table, cached in memory (they never change). */
export function createDetailDictionaries(db: SqliteDatabase, clock: () => Date): DetailDictionaries {
  const byIdStatement = db.prepare('SELECT dictionary FROM detail_dictionaries WHERE id = ?').pluck();
  // Deflate dictionaries (before 008) still decode old blobs (byId); new documents use Zstandard.
  const latest = db.prepare(
    `SELECT id, dictionary FROM detail_dictionaries WHERE codec = ${ZSTD} ORDER BY id DESC LIMIT 1`,
  );
  const insert = db.prepare(
    `INSERT INTO detail_dictionaries (created_at, dictionary, codec) VALUES (?, ?, ${ZSTD}) RETURNING id`,
  );
  const cache = new Map<number, Buffer>();
  let current: DetailDictionary | undefined;
  let loaded = false;
  let samples: string[] = [];

  const load = () => {
    if (loaded) return;
    const row = latest.get() as { id: number; dictionary: Buffer } | undefined;
    if (row) current = { id: row.id, bytes: row.dictionary };
    loaded = true;
  };

  return {
    current() {
      load();
      return current;
    },
    byId(id) {
      let bytes = cache.get(id);
      if (!bytes) {
        bytes = byIdStatement.get(id) as Buffer | undefined;
        if (!bytes) throw new Error(`detail dictionary ${id} is missing`);
        cache.set(id, bytes);
      }
      return bytes;
    },
    sample(json) {
      load();
      if (current || samples.length >= SAMPLE_DOCUMENTS) return;
      samples.push(json.toString('utf8'));
    },
    learnIfReady() {
      if (current || samples.length < SAMPLE_DOCUMENTS) return;
      const bytes = learnDictionary(samples);
      samples = [];
      // Too little shared vocabulary to help: sample again later rather than store a useless one.
      if (bytes.length < 64) return;
      const store = db.transaction(() => {
        // Another process may have learned one meanwhile: use it instead of adding a second.
        const existing = latest.get() as { id: number; dictionary: Buffer } | undefined;
        if (existing) return { id: existing.id, bytes: existing.dictionary };
        const id = insert.pluck().get(clock().toISOString(), bytes) as number;
        return { id, bytes };
      });
      current = store.immediate();
    },
  };
}
