/**
 * @module Free-text search on more rows than the search budget: each strategy (trigram candidates,
 * newest-rows window, window then trigram index) returns exactly what the reference model says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendOk, listAll, referenceList } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { EventQuery, Store } from '../types.ts';
import { createSqliteEventStore } from './events.ts';
import { createSqliteStore } from './index.ts';
import { nextChunk } from './list.ts';
import { RECENT_CHUNK, SEARCH_BUDGET } from './list-sql.ts';
import { registerSearchTerms, termsMatch } from './search-terms.ts';
import { SPAN_SIZE } from './span-bounds.ts';
import { coverTrigrams } from './trigrams.ts';

const ACCOUNT = 'search';
const ROWS = 2 * SEARCH_BUDGET + 200;
const dir = mkdtempSync(join(tmpdir(), 'auditlog-search-'));
const path = join(dir, 'search.db');
let store: Store;
let model: AuditEvent[];
let sparseModel: AuditEvent[];

const SPARSE = 'search-sparse';

/**
 * Trigram false positives everywhere ("abc-def" holds both trigrams of "abcdef"), true matches
 * every 12th row ("abcdef"), rarer ones every 80th ("ghijkl"); 1,000 candidates for "qrstuv", half
 * of them matches; the first rows appended occurred
 * last, so seq order and page order disagree; one actor's name holds "mnopqr", as do some paths.
 */
function sparseDataset(): PendingEvent[] {
  return Array.from({ length: SEARCH_BUDGET + 600 }, (_, i) => {
    const match = i % 12 === 5 ? 'abcdef' : 'abc-def';
    const rare = i % 80 === 3 ? '-ghijkl' : '-ghi-jkl';
    const late = i < 6;
    const fewer = i >= 1500 ? '' : i % 3 === 0 ? '-qrstuv' : i % 3 === 1 ? '-qrs-tuv' : '';
    return makePendingEvent({
      target: {
        type: 'file',
        id: `s${i}`,
        name: `${match}${rare}${fewer}${i % 50 === 0 ? '-mnopqr' : ''}-${i}.jpg`,
      },
      actor: {
        type: 'user',
        id: i % 400 === 7 ? 'u-late' : 'u1',
        name: i % 400 === 7 ? 'Mnopqr Admin' : 'Ann',
      },
      occurredAt: isoPlus(FIXTURE_TIME, late ? 10_000_000 + i : i * 1000 - (i % 9) * 1000),
    });
  });
}

/** Older half: "needle-old"; newer half: "common-new", every 100th also "Rare-Term"; a few decoys. */
function dataset(): PendingEvent[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const old = i < ROWS / 2;
    const name = old ? `needle-old-${i}.jpg` : `common-new-${i}${i % 100 === 0 ? '-Rare-Term' : ''}.png`;
    return makePendingEvent({
      target: { type: 'file', id: `f${i}`, name: i % 250 === 1 ? 'abc xbcd' : name },
      occurredAt: isoPlus(FIXTURE_TIME, i * 1000 - (i % 7) * 1000),
    });
  });
}

beforeAll(async () => {
  store = createSqliteStore({ path });
  await store.migrate();
  const pending = dataset();
  await appendOk(store, ACCOUNT, pending);
  model = pending.map((p, i) => ({ ...p, accountId: ACCOUNT, seq: i + 1, prevHash: '', hash: '' }));
  const sparse = sparseDataset();
  await appendOk(store, SPARSE, sparse);
  sparseModel = sparse.map((p, i) => ({ ...p, accountId: SPARSE, seq: i + 1, prevHash: '', hash: '' }));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The rows of the account whose terms hold every trigram of `q`'s cover. */
function trigramCandidates(q: string, accountId = ACCOUNT): number {
  const raw = new Database(path, { readonly: true });
  try {
    const key = raw
      .prepare('SELECT account_key FROM event_accounts WHERE account_id = ?')
      .pluck()
      .get(accountId);
    return raw
      .prepare('SELECT count(*) FROM events_fts WHERE events_fts MATCH ?')
      .pluck()
      .get(termsMatch(key as number, coverTrigrams(q))) as number;
  } finally {
    raw.close();
  }
}

/** Compares every page (or, for long results, the first two) with the reference model. */
async function expectReference(
  query: Omit<EventQuery, 'limit'>,
  limit = 50,
  allPages = true,
  [account, events] = [ACCOUNT, model] as [string, AuditEvent[]],
): Promise<void> {
  const expected = referenceList(events, { ...query, limit }).map((e) => e.id);
  if (allPages) {
    const rows = await listAll(store, account, { ...query, limit });
    expect(rows.map((r) => r.id)).toEqual(expected);
    return;
  }
  const first = await store.events.list(account, { ...query, limit });
  const second = await store.events.list(account, { ...query, limit, after: first.next! });
  expect([...first.events, ...second.events].map((r) => r.id)).toEqual(expected.slice(0, 2 * limit));
}

describe('free-text search beyond the search budget', () => {
  it('reads only the trigram candidates of a rare term', async () => {
    expect(trigramCandidates('rare-term')).toBeLessThan(SEARCH_BUDGET);
    await expectReference({ stream: 'central', q: 'rare-TERM' }, 7);
  });

  it('finds a common term among the newest rows', async () => {
    expect(trigramCandidates('common-new')).toBeGreaterThanOrEqual(SEARCH_BUDGET);
    await expectReference({ stream: 'central', q: 'common-new' }, 50, false);
  });

  it('falls back to the trigram index when a common term is absent from the newest rows', async () => {
    expect(trigramCandidates('needle-old')).toBeGreaterThanOrEqual(SEARCH_BUDGET);
    await expectReference({ stream: 'central', q: 'needle-old' }, 50, false);
    await expectReference({ stream: 'central', q: 'NEEDLE-OLD-1', from: isoPlus(FIXTURE_TIME, 500_000) }, 40);
  });

  it('writes the trigram index in leaves of ~500 bytes, which its large doclists can skip through', () => {
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare("SELECT v FROM events_fts_config WHERE k = 'pgsz'").pluck().get()).toBe(500);
      // FTS5's default leaves are ~4,000 bytes; a leaf ends once past the size, by one entry at most.
      const leaves = raw.prepare('SELECT max(length(block)) FROM events_fts_data WHERE id > 10').pluck();
      expect(leaves.get()).toBeLessThan(1000);
    } finally {
      raw.close();
    }
  });

  it('drops trigram false positives (all trigrams present, the substring not)', async () => {
    expect(trigramCandidates('abcd')).toBeGreaterThan(0);
    expect((await store.events.list(ACCOUNT, { stream: 'central', q: 'abcd', limit: 50 })).events).toEqual(
      [],
    );
    await expectReference({ stream: 'central', q: 'xbcd' });
  });

  it('pages the newest candidates of a term too common to read at once, exactly, in occurredAt order', async () => {
    const sparse = [SPARSE, sparseModel] as [string, AuditEvent[]];
    expect(trigramCandidates('abcdef', SPARSE)).toBeGreaterThanOrEqual(SEARCH_BUDGET);
    // A match in 12 candidates: several chunks of candidates fill a page; the six rows appended
    // first occurred last and must still lead it.
    const first = await store.events.list(SPARSE, { stream: 'central', q: 'abcdef', limit: 50 });
    expect(first.events.slice(0, 1).map((e) => e.seq)).toEqual([6]);
    await expectReference({ stream: 'central', q: 'abcdef' }, 50, false, sparse);
    await expectReference({ stream: 'central', q: 'ABCDEF', status: 'success' }, 20, false, sparse);
    // A match in 80 candidates: more chunks than allowed, read another way, the same answer.
    await expectReference({ stream: 'central', q: 'abcdef-ghijkl' }, 10, true, sparse);
    // Text an actor's name holds: the actor's events are no trigram candidates.
    await expectReference({ stream: 'central', q: 'mnopqr' }, 10, true, sparse);
  });

  it('reads every chunk of a page from one run of the newest-first trigram query', async () => {
    // Each run finds the newest match of the trigrams afresh: once a page, not once a chunk.
    const executed: string[] = [];
    const db = new Database(path, { readonly: true, verbose: (sql) => executed.push(String(sql)) });
    registerSearchTerms(db);
    try {
      const events = createSqliteEventStore(db, () => new Date(FIXTURE_TIME));
      // The newest candidates all occurred too late: chunk after chunk is looked up and rejected.
      const query = {
        stream: 'central',
        q: 'abcdef',
        to: isoPlus(FIXTURE_TIME, 1_800_000),
        limit: 50,
      } as const;
      const page = await events.list(SPARSE, query);
      expect(page.events.map((e) => e.id)).toEqual(
        referenceList(sparseModel, query)
          .slice(0, 50)
          .map((e) => e.id),
      );
      const lookups = executed.filter((sql) => sql.includes('json_each'));
      // The trigram estimates (trigrams.ts) are newest-first runs of their own.
      const newestFirst = executed.filter(
        (sql) => /events_fts MATCH .* ORDER BY rowid DESC/s.test(sql) && !sql.includes('AS found'),
      );
      // Several chunks (one look-up each) from one trigram query.
      expect(lookups.length).toBeGreaterThan(1);
      expect(newestFirst).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('finds late arrivals spread over more spans than it reads one by one, through the time index', async () => {
    // An import: every span of the account holds an event that occurred after all the others.
    const spans = 10;
    const pending = Array.from({ length: spans * SPAN_SIZE }, (_, i) =>
      makePendingEvent({
        target: { type: 'file', id: `m${i}`, name: `imported-file-${i}.jpg` },
        occurredAt: isoPlus(FIXTURE_TIME, i % SPAN_SIZE === 100 ? 10 ** 9 + i : i * 1000),
      }),
    );
    await appendOk(store, 'search-imported', pending);
    const imported = pending.map((p, i) => ({
      ...p,
      accountId: 'search-imported',
      seq: i + 1,
      prevHash: '',
      hash: '',
    }));
    expect(trigramCandidates('imported-file', 'search-imported')).toBeGreaterThanOrEqual(SEARCH_BUDGET);
    const first = await store.events.list('search-imported', {
      stream: 'central',
      q: 'imported-file',
      limit: 50,
    });
    expect(first.events.slice(0, spans).map((e) => e.seq)).toEqual(
      Array.from({ length: spans }, (_, span) => (spans - 1 - span) * SPAN_SIZE + 101),
    );
    await expectReference({ stream: 'central', q: 'imported-file' }, 50, false, [
      'search-imported',
      imported,
    ]);
  });

  it('looks up a few hundred candidates newest first, and still puts late arrivals first', async () => {
    const sparse = [SPARSE, sparseModel] as [string, AuditEvent[]];
    const candidates = trigramCandidates('qrstuv', SPARSE);
    expect(candidates).toBeGreaterThanOrEqual(2 * RECENT_CHUNK);
    expect(candidates).toBeLessThan(SEARCH_BUDGET);
    // Rows 0 and 3 were appended first (the lowest row keys, examined last) and occurred last.
    const first = await store.events.list(SPARSE, { stream: 'central', q: 'qrstuv', limit: 50 });
    expect(first.events.slice(0, 2).map((e) => e.seq)).toEqual([4, 1]);
    await expectReference({ stream: 'central', q: 'qrstuv' }, 50, true, sparse);
    await expectReference({ stream: 'central', q: 'QRSTUV', status: 'success' }, 7, false, sparse);
  });
});

describe('the next chunk of newest trigram candidates', () => {
  it('asks for what fills the page at the share of matches seen, a quarter more, within bounds', () => {
    // 34 matches in 64: 17 more wanted at ~53% makes 32, 40 with the margin; a first chunk's 64 at least.
    expect(nextChunk(50, 34, 64)).toBe(64);
    // 20 matches in 64: 31 more at ~31% makes ~99, 124 with the margin.
    expect(nextChunk(50, 20, 64)).toBe(124);
    // Few or no matches: as many as a chunk may hold.
    expect(nextChunk(50, 2, 264)).toBe(RECENT_CHUNK);
    expect(nextChunk(50, 0, 64)).toBe(RECENT_CHUNK);
  });
});
