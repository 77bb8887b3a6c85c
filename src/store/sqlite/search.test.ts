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
import { createSqliteStore } from './index.ts';
import { SEARCH_BUDGET, trigramQuery } from './list-sql.ts';

const ACCOUNT = 'search';
const ROWS = 2 * SEARCH_BUDGET + 200;
const dir = mkdtempSync(join(tmpdir(), 'auditlog-search-'));
const path = join(dir, 'search.db');
let store: Store;
let model: AuditEvent[];

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
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function trigramCandidates(q: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw
      .prepare('SELECT count(*) FROM events_fts WHERE events_fts MATCH ?')
      .pluck()
      .get(trigramQuery(q)) as number;
  } finally {
    raw.close();
  }
}

/** Compares every page (or, for long results, the first two) with the reference model. */
async function expectReference(query: Omit<EventQuery, 'limit'>, limit = 50, allPages = true): Promise<void> {
  const expected = referenceList(model, { ...query, limit }).map((e) => e.id);
  if (allPages) {
    const rows = await listAll(store, ACCOUNT, { ...query, limit });
    expect(rows.map((r) => r.id)).toEqual(expected);
    return;
  }
  const first = await store.events.list(ACCOUNT, { ...query, limit });
  const second = await store.events.list(ACCOUNT, { ...query, limit, after: first.next! });
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

  it('drops trigram false positives (all trigrams present, the substring not)', async () => {
    expect(trigramCandidates('abcd')).toBeGreaterThan(0);
    expect((await store.events.list(ACCOUNT, { stream: 'central', q: 'abcd', limit: 50 })).events).toEqual(
      [],
    );
    await expectReference({ stream: 'central', q: 'xbcd' });
  });
});
