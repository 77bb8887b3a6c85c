/**
 * @module The free-text keys of migration 8: which keys a q asks for, and — against PostgreSQL's own
 * pg_trgm — that every text containing q has all of them, or the index would hide a matching row.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { createPostgresStore } from './index.ts';
import { MAX_KEYS, searchKeys } from './search-keys.ts';

const trigrams = (keys: string[] | null) => keys?.map((key) => key.slice('acc_1:'.length));

describe('searchKeys', () => {
  it('asks for the trigrams inside the runs of letters and digits, lower-cased, under the account', () => {
    expect(searchKeys('acc_1', 'Bag-35001')).toEqual(['acc_1:bag', 'acc_1:350', 'acc_1:500', 'acc_1:001']);
    expect(trigrams(searchKeys('acc_1', 'ALICE@x'))).toEqual(['ali', 'lic', 'ice']);
  });

  it(`asks for at most ${MAX_KEYS}, spread from the first trigram to the last`, () => {
    expect(trigrams(searchKeys('acc_1', 'Bag-35001.JPG'))).toEqual(['bag', '350', '001', 'jpg']);
    expect(trigrams(searchKeys('acc_1', 'alice@example'))).toEqual(['ali', 'ice', 'amp', 'ple']);
  });

  it('adds the word-boundary trigrams an ASCII separator in q proves, when the runs hold fewer than three', () => {
    expect(trigrams(searchKeys('acc_1', 'bag-15'))).toEqual(['bag', 'ag ', '  1', ' 15']);
    expect(trigrams(searchKeys('acc_1', 'a-b_cd'))).toEqual(['  b', ' b ', '  c', ' cd']);
  });

  it('is null when q holds no trigram at all', () => {
    expect(searchKeys('acc_1', 'n2')).toBeNull();
    expect(searchKeys('acc_1', '9-')).toBeNull();
    expect(searchKeys('acc_1', '')).toBeNull();
  });

  it('never takes a letter outside ASCII for a separator, nor lower-cases it', () => {
    expect(trigrams(searchKeys('acc_1', 'Ärger-äpfel'))).toEqual(['rge', 'ger', 'pfe', 'fel']);
    // "p" follows "ä": not known to start a word, so no "  p" or " p".
    expect(trigrams(searchKeys('acc_1', 'äp-15'))).toEqual(['  1', ' 15']);
  });

  it('asks for a repeated trigram once', () => {
    expect(trigrams(searchKeys('acc_1', 'aaaa'))).toEqual(['aaa']);
  });
});

// pg_trgm takes a word's letters from the database's locale: ASCII only under C, every letter under
// C.UTF-8 (and most production locales). Keys must hold under both.
describe.each([{ ctype: undefined }, { ctype: 'C.UTF-8' as const }])(
  'searchKeys against pg_trgm, ctype $ctype',
  ({ ctype }) => {
    let database: TestDatabase;
    let client: pg.Client;

    beforeAll(async () => {
      database = await createTestDatabase({ ctype });
      const store = createPostgresStore({ connectionString: database.url });
      await store.migrate();
      await store.close();
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
    });

    afterAll(async () => {
      await client?.end();
      await database?.drop();
    });

    // Texts as the searched fields hold them: separators of every kind, letters outside ASCII (some
    // that lower() changes), digits, one-letter words, a surrogate pair.
    const TEXTS = [
      '/library/Bag-35001.JPG',
      '/v1/files/Ärger-2026-äpfel.png',
      'İstanbul_Ünal@Example.com',
      'a-b_cd ef.g',
      'SOFA 64520\tlamp-28892\nteam-96118',
      'emoji😀abc123-x',
      'Ω-omega-Σ12 straße',
      'über15-äp-15',
    ];

    it.each(TEXTS)('finds every key of every substring of %j among the keys of the text', async (text) => {
      const asked = new Set<string>();
      for (let start = 0; start < text.length; start++) {
        for (let end = start + 1; end <= Math.min(text.length, start + 14); end++) {
          for (const key of searchKeys('acc_1', text.slice(start, end)) ?? []) asked.add(key);
        }
      }
      expect(asked.size).toBeGreaterThan(0);
      const { rows } = await client.query<{ key: string }>(
        `SELECT key FROM unnest($2::text[]) key WHERE NOT auditlog_search_keys($1, lower($3)) @> ARRAY[key]`,
        ['acc_1', [...asked], text],
      );
      expect(rows.map((row) => row.key)).toEqual([]);
    });

    it('keeps each account’s keys apart', async () => {
      const { rows } = await client.query<{ found: boolean }>(
        `SELECT auditlog_search_keys('acc_2', lower($1)) @> $2::text[] AS found`,
        ['Bag-35001', searchKeys('acc_1', 'bag-35001')],
      );
      expect(rows[0]!.found).toBe(false);
    });
  },
);
