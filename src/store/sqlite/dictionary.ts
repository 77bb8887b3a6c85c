/**
 * @module Preset dictionaries for deflating detail documents. A ~1 KiB JSON document deflates
 * poorly on its own (about 2:1) because deflate must first see each key and word before it can
 * refer back to it; a preset dictionary of the keys and words many events share roughly halves
 * what is left. The dictionary is learned once per database from a sample of the first documents
 * appended, and only from tokens that occur in many of them: vocabulary, never one event's content
 * (so nothing survives in it that retention has removed).
 */
import type { DetailDictionary } from './codec.ts';
import type { SqliteDatabase } from './database.ts';

/** Documents sampled before a dictionary is learned. */
const SAMPLE_DOCUMENTS = 512;
/** A token joins the dictionary when at least this share of the sampled documents contain it. */
const MIN_DOCUMENT_SHARE = 0.03;
/** Deflate refers back at most 32 KiB; a smaller dictionary is also cheaper to load per call. */
const MAX_DICTIONARY_BYTES = 16 * 1024;
/**
 * Whole members (`"origin":"s3"`, `"status":"ok"`, a common user agent: a name and a short scalar
 * value, matched first, so long shared runs become one back-reference), then member names alone,
 * then words of letters, digits, `_` and `-`. Measured on the bench data set: members take a
 * median document from ~410 to ~360 deflated bytes at no extra deflate time.
 */
const TOKEN =
  /"[^"\\]{1,40}":(?:"[^"\\]{0,200}"|[^,{}[\]"]{1,40})|"[^"\\]{1,40}":|[A-Za-z][A-Za-z0-9_-]{2,30}/g;

/**
 * Learns a dictionary from sampled JSON documents: frequent tokens, rarest first, so the most
 * frequent sit at the end, nearest the data, where back-references are cheapest.
 */
export function learnDictionary(documents: string[]): Buffer {
  const documentsWith = new Map<string, number>();
  for (const doc of documents) {
    for (const token of new Set(doc.match(TOKEN) ?? [])) {
      documentsWith.set(token, (documentsWith.get(token) ?? 0) + 1);
    }
  }
  const threshold = Math.max(4, documents.length * MIN_DOCUMENT_SHARE);
  const tokens = [...documentsWith]
    .filter(([, count]) => count >= threshold)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .map(([token]) => token);
  const bytes = Buffer.from(tokens.join(' '), 'utf8');
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
  const latest = db.prepare('SELECT id, dictionary FROM detail_dictionaries ORDER BY id DESC LIMIT 1');
  const insert = db.prepare(
    'INSERT INTO detail_dictionaries (created_at, dictionary) VALUES (?, ?) RETURNING id',
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
