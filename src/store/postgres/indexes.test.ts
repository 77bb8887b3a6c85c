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
import { ACTORS_SQL, GET_SQL, listSql } from './read.ts';

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
  // Partition indexes are named after the parent's columns: events_2026_10_<columns>_idx.
  const used = new Set(
    all.flatMap((n) => (n['Index Name'] ? [n['Index Name'].replace(/^events_\d+_\d+_/, '')] : [])),
  );
  expect([...used]).toContain(index);
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
  await client.query('ANALYZE events');
  const { rows } = await client.query<{ name: string }>(
    'SELECT DISTINCT tableoid::regclass::text AS name FROM events',
  );
  populated = rows.map((row) => row.name);
  expect(populated).toHaveLength(2);
});

afterAll(async () => {
  await client?.end();
  await store?.close();
  await database?.drop();
});

/** [label, filter, the index that must serve it (partition index name without the month)]. */
const FILTERS: Array<[string, Omit<EventQuery, 'limit'>, string]> = [
  ['stream only', { stream: 'central' }, 'account_id_stream_occurred_at_id_idx'],
  ['one actor', { stream: 'central', actorIds: ['u7'] }, 'account_id_stream_actor_id_occurred_at_id_idx'],
  [
    'several actors',
    { stream: 'central', actorIds: ['u7', 'u8'] },
    'account_id_stream_actor_id_occurred_at_id_idx',
  ],
  [
    'one operation',
    { stream: 'central', operations: ['delete'] },
    'account_id_stream_operation_occurred_at_id_idx',
  ],
  [
    'one category',
    { stream: 'central', categories: ['billing'] },
    'account_id_stream_category_occurred_at_id_idx',
  ],
  ['status failure', { stream: 'central', status: 'failure' }, 'account_id_stream_status_occurred_at_id_idx'],
  [
    'date range',
    { stream: 'central', from: isoPlus(BASE, -86_400_000), to: BASE },
    'account_id_stream_occurred_at_id_idx',
  ],
  [
    'target path',
    { stream: 'media', targetPath: '/dir/35.jpg' },
    'account_id_stream_target_path_occurred_at_id_idx',
  ],
  ['request id', { stream: 'central', requestId: 'req_3_41' }, 'account_id_request_id_idx'],
  ['free text', { stream: 'central', q: 't_3_41' }, 'account_id_search_text_idx'],
  [
    'next page',
    { stream: 'central', after: { occurredAt: BASE, id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' } },
    'account_id_stream_occurred_at_id_idx',
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

describe('other reads', () => {
  it('finds an event by id through the (account_id, id) index', async () => {
    const [some] = (await store.events.list(target, { stream: 'central', limit: 1 })).events;
    expectIndexed(await plan(GET_SQL, [target, some!.id]), 'account_id_id_idx');
    expect((await store.events.get(target, some!.id))?.id).toBe(some!.id);
  });

  it('lists actors by skipping through the actor index', async () => {
    expectIndexed(
      await plan(ACTORS_SQL, [target, 'central']),
      'account_id_stream_actor_id_occurred_at_id_idx',
    );
    expect(await store.events.actors(target, 'central')).toHaveLength(32);
  });
});
