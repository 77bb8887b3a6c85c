/**
 * @module The free-text index's terms: a row holds every term of any text it contains (as the
 * re-check folds case), terms of different accounts or trigrams never coincide, and FTS5 keeps
 * each term whole, so an account's terms find only its own rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOk } from '../conformance/helpers.ts';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { asciiLower, isIndexedTrigram, searchTerm, searchTerms, termsMatch } from './search-terms.ts';
import { allTrigrams } from './trigrams.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-search-terms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Any characters: ASCII (both cases, punctuation, controls) and beyond, astral ones included. */
const character = fc.oneof(
  fc.constantFrom('a', 'B', 'q', 'Q', '/', '-', '\n'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: character });
const asciiUpper = (s: string) => s.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
const accountKey = fc.integer({ min: 1, max: 2 ** 31 });

/** The inverse of searchTerm, written from its documented spelling. */
function readTerm(term: string): { key: number; trigram: string } {
  const [, key = '', spelled = ''] = /^(\d+)k(.*)$/.exec(term) ?? [];
  const code = (from: number, digits: number) =>
    String.fromCodePoint(Number.parseInt(spelled.slice(from, from + digits), 36));
  let trigram = '';
  for (let i = 0; i < spelled.length; ) {
    if (spelled[i] !== 'q') {
      trigram += spelled[i];
      i += 1;
    } else if (spelled[i + 1] === 'z') {
      trigram += code(i + 2, 4);
      i += 6;
    } else {
      trigram += code(i + 1, 2);
      i += 3;
    }
  }
  return { key: Number(key), trigram };
}

describe('search terms', () => {
  it('gives a row every indexed term of any text it contains, as SQLite lower() folds case', () => {
    fc.assert(
      fc.property(accountKey, text, text, text, (key, before, needle, after) => {
        const row = new Set(searchTerms(key, `${before}${needle}${after}`).split(' '));
        const indexed = allTrigrams(asciiLower(needle)).filter(isIndexedTrigram);
        const asked = indexed.map((trigram) => searchTerm(key, trigram));
        expect(asked.filter((term) => !row.has(term))).toEqual([]);
        // Nothing else: the row's terms are those of its own indexed trigrams.
        const own = allTrigrams(asciiLower(`${before}${needle}${after}`)).filter(isIndexedTrigram);
        expect([...row].filter((term) => term !== '').sort()).toEqual(
          own.map((t) => searchTerm(key, t)).sort(),
        );
        // Case: the re-check finds "bag" in "BAG", so the index must too.
        const shouted = new Set(searchTerms(key, asciiUpper(needle)).split(' '));
        expect(asked.filter((term) => !shouted.has(term))).toEqual([]);
      }),
    );
  });

  it('spells different accounts or trigrams differently, in ASCII letters and digits only', () => {
    const trigram = fc
      .string({ unit: 'grapheme', minLength: 3, maxLength: 3 })
      .map((s) => [...s].slice(0, 3).join(''));
    fc.assert(
      fc.property(accountKey, trigram, accountKey, trigram, (keyA, a, keyB, b) => {
        const [termA, termB] = [searchTerm(keyA, asciiLower(a)), searchTerm(keyB, asciiLower(b))];
        expect(termA).toMatch(/^[0-9a-z]+$/);
        expect(termA === termB).toBe(keyA === keyB && asciiLower(a) === asciiLower(b));
      }),
    );
    // A digit after the key cannot be read as part of it.
    expect(searchTerm(1, '1ab')).not.toBe(searchTerm(11, 'kab'));
    expect(searchTerm(1, '1ab')).toBe('1k1ab');
  });

  it('can be read back into its account key and trigram, so no two of them share a term', () => {
    // Random trigrams rarely collide, so the property above alone would miss an escape that is
    // also a letter; reading every term back proves the spelling is one-to-one.
    const trigram = fc
      .tuple(character, character, character)
      .map((chars) => asciiLower([...chars.join('')].slice(0, 3).join('')));
    fc.assert(
      fc.property(accountKey, trigram, (key, t) => {
        expect(readTerm(searchTerm(key, t))).toEqual({ key, trigram: t });
      }),
      { numRuns: 2000 },
    );
    expect(readTerm(searchTerm(7, 'q!é'))).toEqual({ key: 7, trigram: 'q!é' });
  });

  it('is empty for no text or one shorter than a trigram, and names each trigram once', () => {
    expect(searchTerms(3, null)).toBe('');
    expect(searchTerms(3, 'ab')).toBe('');
    expect(searchTerms(3, 'aaaaa')).toBe('3kaaa');
    expect(searchTerms(3, 'A/b')).toBe('3kaq1bb');
    // A newline joins the fields: no trigram across it is indexed.
    expect(searchTerms(3, 'abc\ndef')).toBe('3kabc 3kdef');
  });

  it('finds text holding a newline within one field, with or without a trigram the index holds', async () => {
    const store = createSqliteStore({ path: join(dir, 'newline.db') });
    await store.migrate();
    const note = { type: 'file', id: 'f1', name: 'line one\nline two' };
    const [event] = await appendOk(store, 'acct-n', [
      makePendingEvent({ stream: 'media', target: note }),
      makePendingEvent({ stream: 'media' }),
    ]);
    for (const q of ['one\nline', 'E\nL', 'ne two'])
      expect(
        (await store.events.list('acct-n', { stream: 'media', q, limit: 5 })).events.map((e) => e.id),
      ).toEqual([event!.id]);
    expect(
      (await store.events.list('acct-n', { stream: 'media', q: 'one\nlinex', limit: 5 })).events,
    ).toEqual([]);
    await store.close();
  });

  it("finds only the asking account's rows, even without the rowid bounds", async () => {
    const path = join(dir, 'isolation.db');
    const store = createSqliteStore({ path });
    await store.migrate();
    const shared = {
      type: 'file',
      id: 'f1',
      name: 'Quarterly-Report.PDF',
      path: '/docs/Quarterly-Report.PDF',
    };
    for (const account of ['acct-1', 'acct-11', 'acct-2'])
      await appendOk(store, account, [makePendingEvent({ stream: 'media', target: shared })]);
    await store.events.list('acct-1', { stream: 'media', q: 'report', limit: 5 });
    await store.close();

    const db = openDatabase(path);
    try {
      const keys = db.prepare('SELECT account_id, account_key FROM event_accounts').raw(true).all() as [
        string,
        number,
      ][];
      expect(keys).toHaveLength(3);
      for (const [, key] of keys) {
        const match = termsMatch(key, allTrigrams('quarterly-report'));
        const rows = db
          .prepare('SELECT rowid FROM events_fts WHERE events_fts MATCH ?')
          .safeIntegers(true)
          .pluck();
        expect((rows.all(match) as bigint[]).map((rowKey) => Number(rowKey >> 40n))).toEqual([key]);
      }
      // The index matches the rows' terms exactly (SQLITE_CORRUPT_VTAB otherwise).
      expect(() =>
        db.exec("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)"),
      ).not.toThrow();
    } finally {
      db.close();
    }
  });
});
