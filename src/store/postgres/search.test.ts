/**
 * @module Free text on PostgreSQL: every step of the search (the first window, the longer window,
 * the trigram index over the last month read and over older months, and the plain scan for a q
 * without trigrams) returns exactly the rows of the reference model, page by page, alone and with
 * other filters. Terms are planted at frequencies that drive each step. Each query runs through the
 * store, whose statistics know little of this data, and again with every key taken for rare, so the
 * index steps run on their generic plans (common-keys.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import type { AuditEvent } from '../../events/schema.ts';
import { appendOk, listAll, referenceList } from '../conformance/helpers.ts';
import { isoPlus, makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import type { CommonKeys } from './common-keys.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';
import { createReads } from './read.ts';
import { FIRST_WINDOW, SECOND_WINDOW } from './search.ts';

const BASE = '2026-06-15T12:00:00.000Z';
/** More rows than both windows read, over five months (one an hour, newest first). */
const COUNT = FIRST_WINDOW + SECOND_WINDOW + 800;

/** The words planted in target names, by how often they occur: each drives one step. */
function words(i: number): string[] {
  const planted: string[] = [];
  if (i % 2 === 0) planted.push('harbour'); // 1 in 2: the first window fills the page
  if (i % 25 === 0) planted.push('lantern'); // 1 in 25: enough hits for the longer window
  if (i % 160 === 7) planted.push('quokka'); // 1 in 160: the trigram index, month by month
  if (i >= COUNT - 10) planted.push('zeppelin'); // the 10 oldest rows: only older months
  return planted;
}

function dataset() {
  return Array.from({ length: COUNT }, (_, i) => {
    const name = [...words(i), `n${i}`].join('-');
    return makePendingEvent({
      stream: i % 10 === 9 ? 'central' : 'media',
      category: 'files',
      operation: 'upload',
      actor: { type: 'user', id: `u${i % 5}`, email: `u${i % 5}@example.com`, name: `User ${i % 5}` },
      target: { type: 'file', id: `file_${i}`, name: `${name}.jpg`, path: `/library/${name}.jpg` },
      api: { method: 'POST', route: '/v1/files', path: '/v1/files' },
      status: i % 7 === 3 ? 'failure' : 'success',
      occurredAt: isoPlus(BASE, -i * 3_600_000),
    });
  });
}

let database: TestDatabase;
let store: PostgresStore;
let pool: pg.Pool;
/** The store's read side, told that no key is common: every search that reaches the index is rare. */
let rareReads: ReturnType<typeof createReads>;
const account = uniqueAccountId('search');
// The reference model reads only fields a pending event has, so the events need not be read back.
let events: AuditEvent[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
  const pending = dataset();
  for (let i = 0; i < pending.length; i += 1000) await appendOk(store, account, pending.slice(i, i + 1000));
  events = pending as unknown as AuditEvent[];
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const noneCommon: CommonKeys = { current: async () => new Set(), refresh: async () => undefined };
  rareReads = createReads({ pool, commonKeys: noneCommon }, () => new Date(BASE));
});

afterAll(async () => {
  await pool?.end();
  await store?.close();
  await database?.drop();
});

const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);

/** [label, query without limit]. */
const QUERIES: Array<[string, Omit<EventQuery, 'limit'>]> = [
  ['a term in every other row', { stream: 'media', q: 'HARBOUR' }],
  ['a term in 1 row in 25', { stream: 'media', q: 'lantern' }],
  ['a term in 1 row in 160', { stream: 'media', q: 'Quokka' }],
  ['a term only in the oldest month', { stream: 'media', q: 'zeppelin' }],
  ['a short term in many names', { stream: 'media', q: 'n29' }],
  ['a term with one trigram beside a separator', { stream: 'media', q: 'KKA-n1' }],
  ['a term with a LIKE wildcard in it', { stream: 'media', q: 'kka_n1' }],
  ['a term without three letters in a row', { stream: 'media', q: 'a-n2' }],
  ['a term without a trigram', { stream: 'media', q: 'N2' }],
  ['a term matching nothing', { stream: 'media', q: 'walrus' }],
  ['a term with an actor', { stream: 'media', q: 'quokka', actorIds: ['u2', 'u3'] }],
  ['a term with failures only', { stream: 'media', q: 'lantern', status: 'failure' }],
  ['a term within dates', { stream: 'media', q: 'quokka', from: isoPlus(BASE, -80 * 86_400_000), to: BASE }],
  ['a term after a date', { stream: 'media', q: 'zeppelin', from: isoPlus(BASE, -200 * 86_400_000) }],
  ['a term in the other stream', { stream: 'central', q: 'lantern' }],
];

const SEARCHES: Array<[string, () => { events: Pick<PostgresStore['events'], 'list'> }]> = [
  ['through the store', () => store],
  ['with every key rare', () => ({ events: rareReads })],
];

describe.each(SEARCHES)('search %s: pages equal the reference', (_how, reads) => {
  it.each(QUERIES)('%s, on one page', async (_label, query) => {
    const page = await reads().events.list(account, { ...query, limit: 50 });
    const expected = referenceList(events, { ...query, limit: 50 }).slice(0, 50);
    expect(ids(page.events)).toEqual(ids(expected));
  });

  it.each(QUERIES)('%s, page by page', async (_label, query) => {
    const rows = await listAll(reads(), account, { ...query, limit: 7 });
    expect(ids(rows)).toEqual(ids(referenceList(events, { ...query, limit: 7 })));
  });

  it('continues after a keyset deep in the history', async () => {
    const query = { stream: 'media' as const, q: 'quokka', limit: 5 };
    const all = referenceList(events, query);
    const after = { occurredAt: all[3]!.occurredAt, id: all[3]!.id };
    const page = await reads().events.list(account, { ...query, after });
    expect(ids(page.events)).toEqual(ids(all.slice(4, 9)));
  });
});
