/**
 * @module The trigram index's idle-time merges: they leave fewer segments and the same answers,
 * and the writer thread runs them by itself once appends pause.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../events/chain.ts';
import { appendOk, listAll } from '../conformance/helpers.ts';
import { FIXTURE_TIME, isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { Store } from '../types.ts';
import { createSqliteStore } from './index.ts';
import { JOURNAL_MAX_BATCH } from './journal.ts';
import { createSearchMerger, searchSegments } from './search-merge.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-search-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = 'merge';
const GROUPS = 40;
// Larger than the journal takes: each append is a transaction of its own, and a segment.
const PER_GROUP = JOURNAL_MAX_BATCH + 4;

function group(g: number): PendingEvent[] {
  return Array.from({ length: PER_GROUP }, (_, i) => {
    const n = g * PER_GROUP + i;
    return makePendingEvent({
      target: { type: 'file', id: `f${n}`, name: `${n % 7 === 0 ? 'needle' : 'hay'}-${n}.jpg` },
      occurredAt: isoPlus(FIXTURE_TIME, n * 1000),
    });
  });
}

async function appendGroups(store: Store): Promise<void> {
  for (let g = 0; g < GROUPS; g++) await appendOk(store, ACCOUNT, group(g));
}

function segmentsOf(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return searchSegments(raw);
  } finally {
    raw.close();
  }
}

const needles = async (store: Store) =>
  (await listAll(store, ACCOUNT, { stream: 'central', q: 'needle', limit: 50 })).map((e) => e.id);

describe('search index merges', () => {
  it('leave fewer segments, an intact index and the same search results', async () => {
    const path = join(dir, 'direct.db');
    const store = createSqliteStore({ path, writerThread: false });
    await store.migrate();
    await appendGroups(store);
    const before = segmentsOf(path);
    const found = await needles(store);
    expect(found.length).toBe(Math.ceil((GROUPS * PER_GROUP) / 7));

    const raw = new Database(path);
    expect(raw.prepare("SELECT v FROM events_fts_config WHERE k = 'usermerge'").pluck().get()).toBe(2);
    const merger = createSearchMerger(raw);
    let steps = 0;
    while (merger.step() && steps < 1000) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(merger.step()).toBe(false);
    raw.exec("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')");
    raw.close();

    const after = segmentsOf(path);
    expect(before).toBeGreaterThan(4);
    expect(after).toBeLessThan(before / 2);
    expect(await needles(store)).toEqual(found);
    await store.close();
  });

  it('run on the writer thread once appends pause', { timeout: 30_000 }, async () => {
    const path = join(dir, 'writer.db');
    const store = createSqliteStore({ path });
    await store.migrate();
    await appendGroups(store);
    const before = segmentsOf(path);
    // No request comes now: the writer merges after its idle pause (100 ms), a step per turn.
    let after = before;
    for (let polls = 0; polls < 200 && after >= before / 2; polls++) {
      await new Promise((done) => setTimeout(done, 50));
      after = segmentsOf(path);
    }
    expect(before).toBeGreaterThan(4);
    expect(after).toBeLessThan(before / 2);
    expect((await needles(store)).length).toBe(Math.ceil((GROUPS * PER_GROUP) / 7));
    await store.close();
  });
});
