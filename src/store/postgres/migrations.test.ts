/**
 * @module Migrations apply once: a second migrate() changes nothing, two servers migrating a fresh
 * database at the same moment both succeed with every step recorded once, events written before a
 * schema change still read back after it, and the trigram index of every partition, old or new,
 * keeps a short pending list.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { createPostgresStore } from './index.ts';
import { MIGRATIONS, runMigrations } from './migrations.ts';
import { createPartitions, monthOf, SEARCH_PENDING_LIMIT_KB } from './partitions.ts';
import { SEARCH_KEYS, SEARCH_KEYS_INDEX, searchKeys } from './search-keys.ts';

const databases: TestDatabase[] = [];

async function freshDatabase(): Promise<string> {
  const database = await createTestDatabase();
  databases.push(database);
  return database.url;
}

async function recorded(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    return rows.map((r) => r.version);
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  await Promise.all(databases.splice(0).map((d) => d.drop()));
});

describe('migrations', () => {
  it('are numbered without gaps from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('apply once; a second migrate() is a no-op', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      expect(await runMigrations(pool)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await runMigrations(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
    const store = createPostgresStore({ connectionString: url });
    const heard: number[] = [];
    try {
      await store.migrate((step) => heard.push(step.version));
      await store.migrate((step) => heard.push(step.version));
    } finally {
      await store.close();
    }
    expect(await recorded(url)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(heard).toEqual([]);
  });

  it('are safe when two servers migrate a fresh database concurrently', async () => {
    const url = await freshDatabase();
    const stores = [0, 1, 2].map(() => createPostgresStore({ connectionString: url, poolSize: 2 }));
    try {
      const heard: string[] = [];
      await Promise.all(stores.map((s) => s.migrate((step) => heard.push(`${step.version} ${step.name}`))));
      expect(await recorded(url)).toEqual(MIGRATIONS.map((m) => m.version));
      // Each step is announced once, by the server that applied it, just before it ran.
      expect(heard).toEqual(MIGRATIONS.map((m) => `${m.version} ${m.name}`));
      const [outcome] = await stores[1]!.events.appendBatches([{ accountId: 'acc_after_race', events: [] }]);
      expect(outcome).toEqual({ ok: true, events: [] });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('roll back entirely when a step fails, leaving nothing half-applied', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const broken = [
        ...MIGRATIONS,
        { version: MIGRATIONS.length + 1, name: 'broken', sql: 'SELECT * FROM nowhere' },
      ];
      await expect(runMigrations(pool, broken)).rejects.toThrow(/nowhere/);
      const { rows } = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_class WHERE relname IN ('events', 'schema_migrations')",
      );
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

describe('migration 6 (search expression, one key, deflated payloads)', () => {
  it('keeps events written before it readable and searchable', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const store = createPostgresStore({ connectionString: url });
    try {
      await runMigrations(
        pool,
        MIGRATIONS.filter((m) => m.version < 6),
      );
      await createPartitions(pool).ensureAround(new Date('2026-05-01T00:00:00Z'));
      // A row as the store wrote it before: json payloads, no payload_deflated column yet.
      await pool.query(
        `INSERT INTO events (account_id, occurred_at, id, seq, stream, category, operation, status,
           actor_type, actor_id, target_type, target_id, target_name, payload, received_at, prev_hash, hash)
         VALUES ('acc_old', '2026-05-02T10:00:00Z', '01JOLDEVENT0000000000000000', 1, 'media', 'files',
           'upload', 'success', 'user', 'u1', 'file', 'f_1', 'Harbour-Lantern.PNG',
           '{"request":{"name":"x\\u0000y"},"response":null,"before":null,"after":null}',
           '2026-05-02T10:00:01Z', 'prev', 'hash')`,
      );
      await store.migrate();
      const event = await store.events.get('acc_old', '01JOLDEVENT0000000000000000');
      expect(event?.request).toEqual({ name: 'x\u0000y' });
      expect(event?.response).toBeNull();
      // The export splices payloads it inflates; this row's json payload is parsed instead.
      const exported = await store.events.exportPage('acc_old', { afterSeq: 0, throughSeq: 1, limit: 10 });
      expect(exported.lines.map((line) => JSON.parse(line.json))).toEqual([event]);
      const page = await store.events.list('acc_old', { stream: 'media', q: 'lantern.png', limit: 10 });
      expect(page.events.map((e) => e.id)).toEqual(['01JOLDEVENT0000000000000000']);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('limits the pending list of the trigram index of every partition, existing and created later', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const store = createPostgresStore({
      connectionString: url,
      clock: () => new Date('2026-05-01T00:00:00Z'),
    });
    // Migration 7 limited migration 6's index; migration 8 replaced it with its own.
    const limits = async (index: string) => {
      const { rows } = await pool.query<{ options: string[] | null }>(
        `SELECT c.reloptions AS options FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass`,
        [index],
      );
      return rows.map((row) => row.options);
    };
    try {
      await runMigrations(
        pool,
        MIGRATIONS.filter((m) => m.version < 7),
      );
      await createPartitions(pool).ensureAround(new Date('2026-05-01T00:00:00Z'));
      // Partitions as an older store created them: without the option.
      await pool.query(`DO $$ DECLARE idx regclass; BEGIN
        FOR idx IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'events_search'::regclass LOOP
          EXECUTE format('ALTER INDEX %s RESET (gin_pending_list_limit)', idx);
        END LOOP; END $$`);
      expect(new Set(await limits('events_search'))).toEqual(new Set([null]));
      await store.migrate();
      await store.ensurePartitions(new Date('2027-09-01T00:00:00Z'));
      const all = await limits(SEARCH_KEYS_INDEX);
      expect(all.length).toBeGreaterThan(monthOf(new Date('2027-09-01')) - monthOf(new Date('2026-05-01')));
      expect(new Set(all.map(String))).toEqual(
        new Set([`gin_pending_list_limit=${SEARCH_PENDING_LIMIT_KB}`]),
      );
    } finally {
      await store.close();
      await pool.end();
    }
  });
});

describe('migration 8 (free text keyed by account and trigram)', () => {
  it('indexes the events written before it', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const store = createPostgresStore({
      connectionString: url,
      clock: () => new Date('2026-05-01T00:00:00Z'),
    });
    try {
      await runMigrations(
        pool,
        MIGRATIONS.filter((m) => m.version < 8),
      );
      await createPartitions(pool).ensureAround(new Date('2026-05-01T00:00:00Z'));
      const [older] = await store.events.appendBatches([
        {
          accountId: 'acc_old',
          events: [
            makePendingEvent({
              stream: 'media',
              target: { type: 'file', id: 'f_1', name: 'Harbour-Lantern.PNG' },
              occurredAt: '2026-04-20T10:00:00.000Z',
            }),
          ],
        },
      ]);
      expect(older?.ok).toBe(true);
      await store.migrate();
      // No condition but the keys, and no sequential scan: only migration 8's index can answer.
      const client = await pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const sql = `SELECT target_name FROM events WHERE ${SEARCH_KEYS} @> $1::text[]`;
        const keys = searchKeys('acc_old', 'lantern.png');
        const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [keys]);
        expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(
          'events_2026_04_auditlog_search_keys_idx',
        );
        const { rows } = await client.query<{ target_name: string }>(sql, [keys]);
        expect(rows).toEqual([{ target_name: 'Harbour-Lantern.PNG' }]);
      } finally {
        client.release();
      }
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
