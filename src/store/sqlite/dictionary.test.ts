/**
 * @module Zstandard detail dictionaries: what a learned dictionary may keep of the sampled
 * documents, and databases whose older documents were deflated with a deflate dictionary (008).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOk } from '../conformance/helpers.ts';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { detailJson, encodeDetail, inflateDocument } from './codec.ts';
import { openDatabase } from './database.ts';
import { learnDictionary } from './dictionary.ts';
import { createSqliteStore } from './index.ts';
import { loadMigrations, migrate } from './migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-dictionary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `store-${++files}.db`);

const WORDS = ['quality', 'format', 'resize', 'crop', 'cache', 'origin', 'bucket', 'signed', 'webp', 'blur'];

/** A word index that looks random but is fixed: no two documents share their description. */
const wordAt = (n: number) => (Math.imul(n + 1, 2654435761) >>> 16) % WORDS.length;

/** Documents like the bench's: shared member names and words, one rare value each. */
function sampleDocuments(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    detailJson({
      request: {
        description: Array.from({ length: 40 }, (_, j) => WORDS[wordAt(i * 40 + j)]).join(' '),
        owner: `customer-${i}-zq${(i * 7919).toString(36)}`,
        version: i % 4,
        amount: 100_000 + i * 37,
      },
      response: { status: 'ok', tags: WORDS.slice(i % 5, (i % 5) + 3) },
      before: null,
      after: null,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    }).toString('utf8'),
  );
}

describe('learnDictionary', () => {
  const documents = sampleDocuments(512);
  const dictionary = learnDictionary(documents).toString('utf8');

  it('keeps structure, frequent words and frequent strings, never a word few documents carry', () => {
    expect(dictionary).toContain('"description":');
    expect(dictionary).toContain('"userAgent":"Mozilla/5.0 (X11; Linux x86_64; rv:133.0)');
    for (const word of WORDS) expect(dictionary).toContain(word);
    expect(dictionary).not.toMatch(/customer-\d+-zq/);
    for (const i of [0, 100, 511]) expect(dictionary).not.toContain(`"amount":${100_000 + i * 37}`);
    expect(dictionary).toContain('"amount":}');
    for (const i of [0, 100, 511]) expect(dictionary).not.toContain(`zq${(i * 7919).toString(36)}`);
  });

  it('cuts words of any script, and keeps no string of a document in its order', () => {
    const rare = documents.map((doc, i) => doc.replace('"status":"ok"', `"status":"Ωmega${i} 東京${i}"`));
    const learned = learnDictionary(rare).toString('utf8');
    expect(learned).not.toMatch(/Ωmega|東京/);
    // Every 40-word description of the last documents (the dictionary keeps the last ones) is shuffled.
    const descriptions = rare.slice(-60).map((doc) => JSON.parse(doc).request.description as string);
    for (const description of descriptions) expect(learned).not.toContain(description);
  });

  it('learns the same dictionary from the same sample', () => {
    expect(learnDictionary(documents).equals(learnDictionary(documents))).toBe(true);
  });

  it('makes Zstandard blocks smaller than deflate, and they read back exactly', () => {
    const bytes = learnDictionary(documents);
    const block = Buffer.from(sampleDocuments(600).slice(520, 532).join(''));
    const encoded = encodeDetail(block, { id: 3, bytes });
    expect(encoded[0]).toBe(4);
    expect(encoded.length).toBeLessThan(encodeDetail(block).length * 0.8);
    expect(inflateDocument(encoded, (id) => (id === 3 ? bytes : Buffer.alloc(0))).equals(block)).toBe(true);
  });
});

describe('migration 008 (Zstandard dictionaries)', () => {
  it('keeps a deflate dictionary for the documents that name it and learns a Zstandard one', async () => {
    const path = freshPath();
    const db = openDatabase(path);
    migrate(db, loadMigrations().slice(0, 7));
    const deflateDictionary = Buffer.from(WORDS.join(' '));
    db.prepare("INSERT INTO detail_dictionaries (created_at, dictionary) VALUES ('2026-01-01', ?)").run(
      deflateDictionary,
    );
    db.close();

    const store = createSqliteStore({ path });
    await store.migrate();
    const events = sampleDocuments(800).map((doc) => makePendingEvent({ request: JSON.parse(doc).request }));
    await appendOk(store, 'zstd', events.slice(0, 100));
    await store.close();

    // The first blocks as an older version wrote them: deflated with the deflate dictionary (2).
    const raw = openDatabase(path);
    const bodies = raw.prepare('SELECT block_key, body FROM detail_blocks').all() as Array<{
      block_key: number;
      body: Buffer;
    }>;
    expect(bodies.length).toBeGreaterThan(0);
    const rewrite = raw.prepare('UPDATE detail_blocks SET body = ? WHERE block_key = ?');
    for (const { block_key, body } of bodies) {
      const json = inflateDocument(body, () => deflateDictionary);
      const header = Buffer.from([2, 0, 0, 0, 1]);
      rewrite.run(
        Buffer.concat([header, deflateRawSync(json, { dictionary: deflateDictionary })]),
        block_key,
      );
    }
    raw.close();

    const reopened = createSqliteStore({ path });
    await reopened.migrate();
    for (let i = 100; i < events.length; i += 100) await appendOk(reopened, 'zstd', events.slice(i, i + 100));
    for (const index of [0, 99, 650, 799]) {
      expect((await reopened.events.get('zstd', events[index]!.id))?.request).toEqual(events[index]!.request);
    }
    await reopened.close();

    const check = openDatabase(path);
    const dictionaries = check.prepare('SELECT id, codec FROM detail_dictionaries ORDER BY id').all();
    const markers = check
      .prepare('SELECT DISTINCT substr(body, 1, 1) AS marker FROM detail_blocks ORDER BY marker')
      .pluck()
      .all() as Buffer[];
    check.close();
    expect(dictionaries).toEqual([
      { id: 1, codec: 1 },
      { id: 2, codec: 2 },
    ]);
    // Deflated with the old dictionary, deflated before the new one was learned, then Zstandard.
    expect(markers.map((m) => m[0])).toEqual([1, 2, 4]);
  });
});
