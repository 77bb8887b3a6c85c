/**
 * @module Every statement list() can run is backed by an index that starts with account_key: no
 * plan scans the events table, whatever the filters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOk } from '../conformance/helpers.ts';
import { listDataset } from '../conformance/list.ts';
import { FIXTURE_TIME, makePendingEvent } from '../conformance-fixtures.ts';
import type { EventQuery, Store } from '../types.ts';
import { createStatementCache } from './database.ts';
import { createSqliteStore } from './index.ts';
import { codeQuery, planList, type SqlQuery } from './list-sql.ts';
import { termsMatch } from './search-terms.ts';
import { createVocabulary, KIND_SQL } from './vocabulary.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-plan-'));
const path = join(dir, 'plan.db');
let store: Store;
let raw: Database.Database;
let accountKey: number;

beforeAll(async () => {
  store = createSqliteStore({ path });
  await store.migrate();
  for (const account of ['plan_a', 'plan_b', 'plan_c']) {
    for (let i = 0; i < 5; i++) await appendOk(store, account, listDataset());
  }
  // u1 renamed: one actor id with several stored forms (references) to merge.
  const renamed = makePendingEvent({ actor: { type: 'user', id: 'u1', name: 'Renamed' } });
  await appendOk(store, 'plan_b', [renamed]);
  // A single event is journaled (journal.ts): a read through the store drains it before the raw
  // connection looks at the tables.
  await store.events.head('plan_b');
  raw = new Database(path);
  raw.exec('ANALYZE');
  accountKey = raw
    .prepare("SELECT account_key FROM event_accounts WHERE account_id = 'plan_b'")
    .pluck()
    .get() as number;
});

afterAll(async () => {
  raw.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const after = { occurredAt: FIXTURE_TIME, id: '01JC0000000000000000000000' };
const QUERIES: Array<[string, EventQuery]> = [
  ['stream only', { stream: 'central', limit: 50 }],
  ['one actor', { stream: 'central', actorIds: ['u1'], limit: 50 }],
  ['several actors', { stream: 'central', actorIds: ['u1', 'u2', 'u3'], limit: 50 }],
  ['one operation', { stream: 'central', operations: ['delete'], limit: 50 }],
  ['several operations', { stream: 'central', operations: ['create', 'delete'], limit: 50 }],
  ['one category', { stream: 'central', categories: ['billing'], limit: 50 }],
  ['several categories', { stream: 'central', categories: ['billing', 'settings'], limit: 50 }],
  ['status', { stream: 'central', status: 'failure', limit: 50 }],
  ['date range', { stream: 'central', from: '2026-10-01T00:00:00.000Z', to: FIXTURE_TIME, limit: 50 }],
  ['target path', { stream: 'media', targetPath: '/products/shoe.jpg', limit: 50 }],
  ['request id', { stream: 'central', requestId: 'req_1', limit: 50 }],
  ['short free text', { stream: 'central', q: 'li', limit: 50 }],
  ['free text', { stream: 'central', q: 'alice', limit: 50 }],
  [
    'free text with filters',
    { stream: 'media', q: 'shoe', actorIds: ['u2', 'u3'], status: 'success', limit: 50 },
  ],
  ['keyset page', { stream: 'central', after, limit: 50 }],
  [
    'everything',
    {
      stream: 'central',
      actorIds: ['u1', 'u2'],
      operations: ['update'],
      categories: ['settings'],
      status: 'success',
      from: '2026-01-01T00:00:00.000Z',
      to: FIXTURE_TIME,
      q: 'ep_',
      after,
      limit: 50,
    },
  ],
];

/** The query with its filters as codes, as list() plans it; every filter value exists. */
function coded(query: EventQuery) {
  const result = codeQuery(createVocabulary(createStatementCache(raw)), accountKey, query);
  if (result === null) throw new Error('a filter value of the query is in no event');
  return result;
}

function statements(query: EventQuery): SqlQuery[] {
  const plan = planList(accountKey, coded(query));
  if (plan.kind === 'direct') return [plan.direct];
  const below = (BigInt(accountKey) << 40n) | 5n;
  return [
    plan.candidates,
    plan.window,
    plan.windowSize,
    plan.search,
    plan.actorsMatch,
    plan.recent,
    plan.newerBelow(below, Date.parse(FIXTURE_TIME)),
  ];
}

function explain(q: SqlQuery): string[] {
  return (raw.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
}

describe('list query plans', () => {
  it.each(QUERIES)('%s: every statement reaches events through an account-first index', (_label, query) => {
    for (const statement of statements(query)) {
      const lines = explain(statement);
      expect(lines.join('\n')).not.toMatch(/\bSCAN events\b(?!_fts)/);
      const searches = lines.filter((l) => /^SEARCH events\b/.test(l));
      // (The count of trigram candidates reads events_fts alone.)
      if (/FROM events\b(?!_fts)/.test(statement.sql)) expect(searches.length).toBeGreaterThan(0);
      for (const line of searches) {
        expect(line).toMatch(
          /USING (COVERING )?INDEX events_\w+ \(account_key=\?|USING INTEGER PRIMARY KEY \(rowid=\?\)/,
        );
      }
    }
  });

  it('merges the ranges of a multi-valued filter instead of sorting its whole history', () => {
    const [direct] = statements({ stream: 'central', actorIds: ['u1', 'u2'], limit: 50 });
    const plan = explain(direct!).join('\n');
    expect(plan).toContain('MERGE (UNION ALL)');
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });

  it('merges the ranges of every form of one actor (renamed) instead of sorting its history', () => {
    const query: EventQuery = { stream: 'central', actorIds: ['u1'], limit: 50 };
    expect(coded(query).actorRefs?.length).toBeGreaterThan(1);
    const plan = explain(statements(query)[0]!).join('\n');
    expect(plan).toContain('MERGE (UNION ALL)');
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });

  it.each([
    ['a category', { categories: ['settings'] }],
    ['an operation shared by categories', { operations: ['delete'] }],
    ['both', { categories: ['settings', 'billing'], operations: ['update', 'delete'] }],
  ])(
    'merges one range of the kind index per (category, operation) pair of %s, never sorting',
    (_l, filter) => {
      const query: EventQuery = { stream: 'central', ...filter, limit: 50 };
      const kinds = coded(query).kinds ?? [];
      expect(kinds.length).toBeGreaterThan(1);
      const lines = explain(statements(query)[0]!);
      const ranges = lines.filter((l) =>
        l.includes(
          'USING INDEX events_by_kind (account_key=? AND stream=? AND category_code=? AND operation_code=?)',
        ),
      );
      expect(ranges).toHaveLength(kinds.length);
      expect(lines.join('\n')).toContain('MERGE (UNION ALL)');
      // Only ties of occurredAt are ordered by id (LAST TERM OF ORDER BY), as for actors.
      expect(lines.join('\n')).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    },
  );

  it.each(Object.entries(KIND_SQL))(
    'finds the pairs (%s) by seeking through the kind index alone',
    (_l, sql) => {
      const params = { account: accountKey, stream: 1, codes: '[1, 2]' };
      const lines = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map(
        (r) => r.detail,
      );
      const searches = lines.filter((l) => /\bevents\b/.test(l));
      expect(searches.length).toBeGreaterThan(0);
      for (const line of searches) {
        expect(line).toMatch(
          /^SEARCH events (EXISTS )?USING COVERING INDEX events_by_kind \(account_key=\? AND stream=\?/,
        );
      }
      expect(lines.join('\n')).not.toContain('TEMP B-TREE');
    },
  );

  it('reads the newest trigram candidates backwards from the index, and later rows from the time index alone', () => {
    const plan = planList(accountKey, coded({ stream: 'media', q: 'shoe', limit: 50 }));
    if (plan.kind !== 'search') throw new Error('expected a search plan');
    const recent = explain(plan.recent).join('\n');
    // FTS5's plan number: 0x40 (it delivers rowid order) | 0x80 (descending); then MATCH and both bounds.
    expect(recent).toMatch(/SCAN events_fts VIRTUAL TABLE INDEX 192:M\d*></);
    expect(recent).not.toContain('TEMP B-TREE');
    const newer = explain(plan.newerBelow(1n << 40n, Date.parse(FIXTURE_TIME))).join('\n');
    expect(newer).toMatch(
      /USING COVERING INDEX events_by_time \(account_key=\? AND stream=\? AND occurred_at>\?\)/,
    );
  });

  it('asks the index only about trigrams it holds, and re-checks along an index when there are none', () => {
    const kind = (q: string, choose?: (text: string) => string[]) =>
      planList(accountKey, coded({ stream: 'central', q, limit: 50 }), choose).kind;
    // Two characters: no trigram, whatever the chooser says (the default cover would say "b").
    expect(kind('ab')).toBe('direct');
    // Every trigram holds the newline that joins fields in the index's text.
    expect(kind('a\nb')).toBe('direct');
    // The chosen ones all hold it: another of the text's is asked about instead.
    const plan = planList(accountKey, coded({ stream: 'central', q: 'one\nline', limit: 50 }), () => [
      'e\nl',
    ]);
    if (plan.kind !== 'search') throw new Error('expected a search plan');
    expect(plan.recent.params[0]).toBe(termsMatch(accountKey, ['one', 'lin', 'ine']));
  });

  it('narrows the trigram search to the account’s rowid range', () => {
    const plan = planList(accountKey, coded({ stream: 'central', q: 'alice', limit: 50 }));
    if (plan.kind !== 'search') throw new Error('expected a search plan');
    expect(explain(plan.search).join('\n')).toMatch(/SCAN events_fts VIRTUAL TABLE INDEX \d+:M\d*></);
  });
});
