/**
 * @module Which trigrams a search asks the trigram index about: the rarest of the searching
 * account's, estimated and kept for a while, and never a page other than the reference model's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendOk, listAll, referenceList } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { Store } from '../types.ts';
import { createStatementCache } from './database.ts';
import { createSqliteStore } from './index.ts';
import {
  allTrigrams,
  CHOSEN_TRIGRAMS,
  coverTrigrams,
  createTrigramChooser,
  ESTIMATE_TTL_MS,
  MAX_RANKED_TRIGRAMS,
  rankedTrigrams,
} from './trigrams.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-trigrams-'));
const path = join(dir, 'trigrams.db');
let store: Store;

const file = (name: string, i: number, offsetMs = 0): PendingEvent =>
  makePendingEvent({
    stream: 'media',
    target: { type: 'file', id: `f${i}`, name },
    occurredAt: isoPlus(FIXTURE_TIME, offsetMs + i * 1000),
  });

/** Appends and then lists once, so the writer's journal is drained into the trigram index. */
async function appendIndexed(accountId: string, events: PendingEvent[]): Promise<void> {
  await appendOk(store, accountId, events);
  await store.events.list(accountId, { stream: 'media', limit: 1 });
}

/** A chooser on its own connection (as list() has one on the store's), with a clock to move. */
function chooserFor(now: () => number = Date.now) {
  const db = new Database(path, { readonly: true });
  const keyOf = (accountId: string) =>
    db
      .prepare('SELECT account_key FROM event_accounts WHERE account_id = ?')
      .pluck()
      .get(accountId) as number;
  return { choose: createTrigramChooser(createStatementCache(db), now), keyOf, close: () => db.close() };
}

beforeAll(async () => {
  store = createSqliteStore({ path });
  await store.migrate();
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trigrams of a text', () => {
  it('cuts every distinct trigram by code point, and covers every character with few', () => {
    expect(allTrigrams('abcab')).toEqual(['abc', 'bca', 'cab']);
    expect(allTrigrams('aaaa')).toEqual(['aaa']);
    expect(allTrigrams('ab')).toEqual([]);
    expect(allTrigrams('a😀bc')).toEqual(['a😀b', '😀bc']);
    expect(coverTrigrams('photo-zqxv')).toEqual(['pho', 'to-', 'zqx', 'qxv']);
    expect(coverTrigrams('abcd')).toEqual(['abc', 'bcd']);
  });

  it('ranks at most MAX_RANKED_TRIGRAMS of a long text, spread from its start to its end', () => {
    const text = Array.from({ length: 40 }, (_, i) => String.fromCharCode(97 + (i % 26)) + i).join('');
    const all = allTrigrams(text);
    const ranked = rankedTrigrams(text);
    expect(all.length).toBeGreaterThan(MAX_RANKED_TRIGRAMS);
    expect(ranked).toHaveLength(MAX_RANKED_TRIGRAMS);
    expect(new Set(ranked).size).toBe(MAX_RANKED_TRIGRAMS);
    expect([ranked[0], ranked.at(-1)]).toEqual([all[0], all.at(-1)]);
    expect(ranked.every((t) => all.includes(t))).toBe(true);
    expect(rankedTrigrams('photo-zqxv')).toEqual(allTrigrams('photo-zqxv'));
  });
});

describe('the trigrams a search asks about', () => {
  it("are the rarest in the searching account, whatever another account's rows hold", async () => {
    // Every event says "photo-"; one in ten "zqxv". The other account says "zqxv" everywhere.
    await appendIndexed(
      'rarity',
      Array.from({ length: 320 }, (_, i) => file(`photo-${i % 10 === 3 ? 'zqxv' : 'plain'}-${i}.jpg`, i)),
    );
    await appendIndexed(
      'rarity-other',
      Array.from({ length: 400 }, (_, i) => file(`zqxv-o-zqxv-${i}.jpg`, i)),
    );
    const { choose, keyOf, close } = chooserFor();
    try {
      // 8 trigrams: pho hot oto to- (320 rows) and o-z -zq zqx qxv (32 rows).
      expect(new Set(choose(keyOf('rarity'), 'photo-zqxv'))).toEqual(new Set(['o-z', '-zq', 'zqx', 'qxv']));
      // In the other account "zqxv" is everywhere and "photo" nowhere.
      expect(choose(keyOf('rarity-other'), 'photo-zqxv').slice(0, 4)).toEqual(['pho', 'hot', 'oto', 'to-']);
    } finally {
      close();
    }
  });

  it('are all of a short text, and at most one more than its cover of a long one', async () => {
    const { choose, keyOf, close } = chooserFor();
    try {
      expect(choose(keyOf('rarity'), 'zqxv')).toEqual(['zqx', 'qxv']);
      expect(choose(keyOf('rarity'), 'photo-')).toHaveLength(3); // cover: pho, to-
      expect(choose(keyOf('rarity'), 'plain-photo-zqxv-3')).toHaveLength(CHOSEN_TRIGRAMS);
    } finally {
      close();
    }
  });

  it('rest on estimates kept for ESTIMATE_TTL_MS, then estimated again', async () => {
    let now = 1_000_000;
    const { choose, keyOf, close } = chooserFor(() => now);
    try {
      // No trigram of "abcdefgh" is in the account yet: all tie at 0, in the text's order.
      const before = choose(keyOf('rarity'), 'abcdefgh');
      expect(before).toEqual(['abc', 'bcd', 'cde', 'def']);
      await appendIndexed(
        'rarity',
        Array.from({ length: 100 }, (_, i) => file(`abcdef-${i}.png`, i, 400_000)),
      );
      now += ESTIMATE_TTL_MS - 1;
      expect(choose(keyOf('rarity'), 'abcdefgh')).toEqual(before);
      now += 1;
      // "abc" … "def" are in 100 rows now; "efg" and "fgh" still in none.
      expect(choose(keyOf('rarity'), 'abcdefgh').slice(0, 2)).toEqual(['efg', 'fgh']);
    } finally {
      close();
    }
  });
});

describe('a search on the rarest trigrams', () => {
  const ACCOUNT = 'rarity-pages';
  let model: AuditEvent[];

  beforeAll(async () => {
    // Names over a three-letter alphabet: every trigram is common, some far more than others.
    let state = 7;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pending = Array.from({ length: 600 }, (_, i) => {
      const name = Array.from(
        { length: 6 + Math.floor(next() * 9) },
        () => 'aab-'[Math.floor(next() * 4)],
      ).join('');
      return file(name, i, -(i % 7) * 5000);
    });
    await appendIndexed(ACCOUNT, pending);
    model = pending.map((p, i) => ({ ...p, accountId: ACCOUNT, seq: i + 1, prevHash: '', hash: '' }));
  });

  it('lists exactly what the reference model lists, page after page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[ab-]{5,10}$/),
        fc.integer({ min: 1, max: 40 }),
        async (q, limit) => {
          const rows = await listAll(store, ACCOUNT, { stream: 'media', q, limit });
          const expected = referenceList(model, { stream: 'media', q, limit });
          expect(rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
