/**
 * @module Every list filter, actors() and get() are served by an index, not a sequential scan: the
 * plans are checked with EXPLAIN on partitions holding thousands of analysed rows of many accounts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { isoPlus, makePendingEvent } from '../conformance-fixtures.ts';
import type { EventQuery } from '../types.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';
import { assetPathSql, listSql, trigramSql, windowSql } from './list-sql.ts';
import { ACTORS_SQL, GET_SQL } from './read.ts';
import { SEARCH_KEYS_INDEX, searchKeys } from './search-keys.ts';

// Enough rows per account (two months of them) that an index beats a scan of the partition, as it
// does in production; with a few hundred rows the planner rightly prefers other plans for q.
const ACCOUNTS = 12;
const PER_ACCOUNT = 1600;
const BASE = '2026-10-01T00:00:00.000Z';
const target = 'acc_plan_03';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

let database: TestDatabase;
let store: PostgresStore;
let client: pg.Client;
let populated: string[] = [];
/** Partition index name → the name of the index it was cloned from on the events table. */
let parentIndex = new Map<string, string>();

async function plan(sql: string, params: unknown[]): Promise<PlanNode[]> {
  const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  return nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
}

/**
 * No sequential scan of a partition that holds rows. (Empty partitions may be seq-scanned: the
 * planner assumes a never-filled table might have grown, and scanning nothing costs nothing.)
 */
function expectIndexed(all: PlanNode[], index: string): void {
  const seqScanned = all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
  expect(seqScanned.filter((name) => populated.includes(name!))).toEqual([]);
  expect(indexesUsed(all)).toContain(index);
}

/**
 * The indexes of the events table a plan reads. Partition indexes are named after the parent's
 * columns (events_2026_10_<columns>_idx, with a suffix when two have the same columns): name them
 * by the index they were cloned from.
 */
function indexesUsed(all: PlanNode[]): string[] {
  const names = all.flatMap((n) =>
    n['Index Name'] ? [parentIndex.get(n['Index Name']) ?? n['Index Name']] : [],
  );
  return [...new Set(names)];
}

/**
 * The generic plan of a statement: EXPLAIN with parameters plans for their values, so the statement
 * is prepared and explained with plan_cache_mode = force_generic_plan.
 */
async function genericPlan({ sql, params }: { sql: string; params: unknown[] }): Promise<PlanNode[]> {
  const literal = (value: unknown): string =>
    Array.isArray(value)
      ? `ARRAY[${value.map(literal).join(', ')}]::text[]`
      : typeof value === 'number'
        ? String(value)
        : client.escapeLiteral(String(value));
  await client.query('SET plan_cache_mode = force_generic_plan');
  await client.query(`PREPARE generic_statement AS ${sql}`);
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) EXECUTE generic_statement(${params.map(literal).join(', ')})`,
    );
    return nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
  } finally {
    await client.query('DEALLOCATE generic_statement');
    await client.query('RESET plan_cache_mode');
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = createPostgresStore({ connectionString: database.url, clock: () => new Date(BASE) });
  await store.migrate();
  // Many accounts of realistic shape in two months, so no filter selects most of a partition.
  const batches = Array.from({ length: ACCOUNTS }, (_, a) => ({
    accountId: `acc_plan_${String(a).padStart(2, '0')}`,
    events: Array.from({ length: PER_ACCOUNT }, (_, i) =>
      makePendingEvent({
        stream: i % 5 === 0 ? 'media' : 'central',
        category: i % 5 === 0 ? 'files' : ['settings', 'billing', 'url_endpoints', 'user_management'][i % 4]!,
        operation: i % 5 === 0 ? 'upload' : ['create', 'update', 'delete'][i % 3]!,
        actor: { type: 'user', id: `u${i % 40}`, email: `user${i % 40}@example.com`, name: `User ${i % 40}` },
        target: {
          type: 'file',
          id: `t_${a}_${i}`,
          name: `name ${i}`,
          path: i % 5 === 0 ? `/dir/${i}.jpg` : undefined,
        },
        api: { method: 'PATCH', route: '/v1/things/:id', path: `/v1/things/t_${a}_${i}` },
        status: i % 17 === 0 ? 'failure' : 'success',
        requestId: `req_${a}_${i}`,
        occurredAt: isoPlus(BASE, (i - PER_ACCOUNT / 2) * 900_000),
      }),
    ),
  }));
  const outcomes = await store.events.appendBatches(batches);
  expect(outcomes.every((o) => o.ok)).toBe(true);
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // VACUUM merges the trigram index's pending list, as autovacuum soon does after a bulk insert: a
  // freshly filled list makes every probe scan it, and the planner rightly avoids the index then.
  await client.query('VACUUM ANALYZE events');
  const { rows } = await client.query<{ name: string }>(
    'SELECT DISTINCT tableoid::regclass::text AS name FROM events',
  );
  populated = rows.map((row) => row.name);
  expect(populated).toHaveLength(2);
  const clones = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relkind = 'I'`,
  );
  parentIndex = new Map(clones.rows.map((row) => [row.child, row.parent]));
});

afterAll(async () => {
  await client?.end();
  await store?.close();
  await database?.drop();
});

/** [label, filter, the index of the events table that must serve it]. */
const FILTERS: Array<[string, Omit<EventQuery, 'limit'>, string]> = [
  ['stream only', { stream: 'central' }, 'events_stream'],
  ['one actor', { stream: 'central', actorIds: ['u7'] }, 'events_actor'],
  ['several actors', { stream: 'central', actorIds: ['u7', 'u8'] }, 'events_actor'],
  ['one operation', { stream: 'central', operations: ['delete'] }, 'events_operation'],
  ['one category', { stream: 'central', categories: ['billing'] }, 'events_category'],
  ['status failure', { stream: 'central', status: 'failure' }, 'events_failures'],
  ['status success', { stream: 'central', status: 'success' }, 'events_stream'],
  ['date range', { stream: 'central', from: isoPlus(BASE, -86_400_000), to: BASE }, 'events_stream'],
  ['target path', { stream: 'media', targetPath: '/dir/35.jpg' }, 'events_target_path'],
  ['request id', { stream: 'central', requestId: 'req_3_41' }, 'events_request'],
  ['free text without a trigram', { stream: 'central', q: 'e 4' }, 'events_stream'],
  [
    'next page',
    { stream: 'central', after: { occurredAt: BASE, id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' } },
    'events_stream',
  ],
];

describe('list plans', () => {
  it.each(FILTERS)('serves %s from its index', async (_label, query, index) => {
    const { sql, params } = listSql(target, { ...query, limit: 50 });
    expectIndexed(await plan(sql, params), index);
    const page = await store.events.list(target, { ...query, limit: 50 });
    expect(page.events.length).toBeGreaterThan(0);
  });
});

describe('the named list statement (request id)', () => {
  // The plan PostgreSQL keeps once it stops planning per execution.
  it('reads the request index in its generic plan', async () => {
    const statement = listSql(target, { stream: 'central', requestId: 'req_3_41', limit: 50 });
    expectIndexed(await genericPlan(statement), 'events_request');
  });
});

describe('the asset-path statement (named)', () => {
  const query = { stream: 'media' as const, targetPath: '/dir/35.jpg', limit: 50 };

  describe.each(['auto', 'force_generic_plan'])('planned with plan_cache_mode = %s', (mode) => {
    beforeAll(() => client.query(`SET plan_cache_mode = ${mode}`));
    afterAll(() => client.query('RESET plan_cache_mode'));

    it('finds the keys in the asset-path index and reads only their rows, by primary key', async () => {
      const { sql, params } = assetPathSql(target, query);
      const all = await plan(sql, params);
      expectIndexed(all, 'events_target_path');
      expectIndexed(all, 'events_pkey');
      // The keys come from the index alone; rows are looked up one by one, never hashed or merged.
      expect(all.some((n) => n['Node Type'] === 'Index Only Scan')).toBe(true);
      expect(all.some((n) => n['Node Type'] === 'Nested Loop')).toBe(true);
    });
  });

  it('lists the asset’s events', async () => {
    const page = await store.events.list(target, query);
    expect(page.events.map((e) => e.target?.path)).toEqual(['/dir/35.jpg']);
  });
});

describe('free-text plans', () => {
  const query = { stream: 'central' as const, q: 'T_3_1041', limit: 50 };
  const keys = () => searchKeys(target, query.q)!;
  const before = { occurredAt: isoPlus(BASE, 30 * 86_400_000), id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' };

  // Both planned for their values (search.ts): a named statement's generic plan can go wrong.
  it('looks a rare term up in the month a window ended in through the trigram index', async () => {
    const { sql, params } = trigramSql(target, query, keys(), { before, from: BASE }, 51);
    expectIndexed(await plan(sql, params), SEARCH_KEYS_INDEX);
  });

  it('looks a rare term up in older months through the trigram index', async () => {
    const { sql, params } = trigramSql(target, query, keys(), { to: BASE }, 51);
    expectIndexed(await plan(sql, params), SEARCH_KEYS_INDEX);
  });

  // When a key is rare (common-keys.ts), both run on their generic plans: with the account written
  // so that no other index fits, that plan is the keys index alone, whatever the values.
  const keysOnly: Array<[string, () => { sql: string; params: unknown[] }]> = [
    [
      'the month a window ended in',
      () => trigramSql(target, query, keys(), { before, from: BASE }, 51, { keysIndexOnly: true }),
    ],
    ['older months', () => trigramSql(target, query, keys(), { to: BASE }, 51, { keysIndexOnly: true })],
  ];

  it.each(keysOnly)(
    'looks a rare term up in %s through the keys index alone, planned generically',
    async (_label, build) => {
      const all = await genericPlan(build());
      expectIndexed(all, SEARCH_KEYS_INDEX);
      expect(indexesUsed(all)).toEqual([SEARCH_KEYS_INDEX]);
    },
  );

  // The store runs these as named statements, which PostgreSQL soon plans once for any parameters.
  const named: Array<[string, () => { sql: string; params: unknown[] }, string]> = [
    ['a first window', () => windowSql(target, query, undefined, 200, 51), 'events_stream'],
    ['a later window', () => windowSql(target, query, before, 2000, 40), 'events_stream'],
  ];

  describe.each(['auto', 'force_generic_plan'])('planned with plan_cache_mode = %s', (mode) => {
    beforeAll(() => client.query(`SET plan_cache_mode = ${mode}`));
    afterAll(() => client.query('RESET plan_cache_mode'));

    it.each(named)('reads %s through its index', async (_label, build, index) => {
      const { sql, params } = build();
      expectIndexed(await plan(sql, params), index);
    });
  });

  it('finds a rare term', async () => {
    expect((await store.events.list(target, query)).events.map((e) => e.target?.id)).toEqual(['t_3_1041']);
  });
});

describe('other reads', () => {
  it('finds an event by id through the primary key (account_id, id, occurred_at)', async () => {
    const [some] = (await store.events.list(target, { stream: 'central', limit: 1 })).events;
    expectIndexed(await plan(GET_SQL, [target, some!.id]), 'events_pkey');
    expect((await store.events.get(target, some!.id))?.id).toBe(some!.id);
  });

  it('lists actors by skipping through the actor index', async () => {
    expectIndexed(await plan(ACTORS_SQL, [target, 'central']), 'events_actor');
    expect(await store.events.actors(target, 'central')).toHaveLength(32);
  });
});
