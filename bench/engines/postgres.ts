/**
 * @module The PostgreSQL engine of the harness: a private server started like the test suites do
 * (durable: fsync stays on) or one given by --pg-url; one database per data set; and the
 * hand-written baselines — a multi-row INSERT (unnest) of the same rows into the same partitioned
 * table, and list queries as plain SQL.
 */
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import { createPartitions, monthOf } from '../../src/store/postgres/partitions.ts';
import { searchKeys } from '../../src/store/postgres/search-keys.ts';
import type { EventQuery } from '../../src/store/types.ts';
import { startPostgres } from '../../test/support/postgres-server.ts';
import { note } from '../support/progress.ts';
import type { BenchEngine, RawReader, RawWriter } from './types.ts';

const SUMMARY = `id, seq, stream, occurred_at, category, operation, status, http_status, actor_type, actor_id,
  actor_email, actor_name, target_type, target_id, target_name, target_path, api_method, api_route, api_path,
  ip, request_id`;

/**
 * The searched fields as the index of migration 8 has them (written out here, as a person writing
 * this query by hand would, so the index serves it).
 */
const SEARCH_TEXT = `lower(coalesce(api_path, '') || E'\\n' || coalesce(target_id, '') || E'\\n' ||
  coalesce(target_name, '') || E'\\n' || coalesce(target_path, '') || E'\\n' || actor_id || E'\\n' ||
  coalesce(actor_email, '') || E'\\n' || coalesce(actor_name, ''))`;

/** Every value as the text PostgreSQL sent: rows go back in exactly as they came out. */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

interface Column {
  name: string;
  type: string;
}

/** The stored (not generated) columns of the events table, with their types. */
async function eventColumns(pool: pg.Pool): Promise<Column[]> {
  const { rows } = await pool.query<Column>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = 'events'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
  );
  return rows;
}

/** Selects the rows of ranges: by id when the ids are known (indexed), else by seq (a scan). */
function readSql(columns: Column[], byId: boolean): string {
  const list = columns.map((c) => `e.${c.name}`).join(', ');
  return byId
    ? `SELECT ${list} FROM events e JOIN unnest($1::text[], $2::text[]) AS r(account_id, id)
         ON e.account_id = r.account_id AND e.id = r.id ORDER BY e.account_id, e.seq`
    : `SELECT ${list} FROM events e JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(account_id, f, t)
         ON e.account_id = r.account_id AND e.seq BETWEEN r.f AND r.t ORDER BY e.account_id, e.seq`;
}

async function createRawWriter(sourceUrl: string, targetUrl: string): Promise<RawWriter> {
  const source = new pg.Pool({ connectionString: sourceUrl, max: 1, types: AS_TEXT });
  const target = new pg.Pool({ connectionString: targetUrl, max: 1 });
  const partitions = createPartitions(target);
  const columns = await eventColumns(target);
  const occurredAt = columns.findIndex((c) => c.name === 'occurred_at');
  // The hand-written INSERTs: every stored column; many rows at once through unnest, or one row.
  const insertMany = `INSERT INTO events (${columns.map((c) => c.name).join(', ')})
    SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  const insertOne = `INSERT INTO events (${columns.map((c) => c.name).join(', ')})
    VALUES (${columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})`;
  return {
    async read(ranges) {
      const byId = ranges.every((r) => r.ids);
      const params = byId
        ? [ranges.flatMap((r) => r.ids?.map(() => r.accountId) ?? []), ranges.flatMap((r) => r.ids ?? [])]
        : [ranges.map((r) => r.accountId), ranges.map((r) => r.fromSeq), ranges.map((r) => r.toSeq)];
      const { rows } = await source.query({ text: readSql(columns, byId), values: params, rowMode: 'array' });
      const values = rows as string[][];
      // The baseline's months must exist, as the store creates them; not part of the timed insert.
      await partitions.ensure(values.map((r) => monthOf(new Date(r[occurredAt] as string))));
      return { count: values.length, values };
    },
    async insertBatch(rows) {
      const values = rows.values as string[][];
      if (values.length === 0) return;
      await target.query(
        insertMany,
        columns.map((_, c) => values.map((r) => r[c])),
      );
    },
    async insertEach(rows) {
      // Autocommit: every row is its own transaction, committed (and flushed) before the next.
      for (const r of rows.values as string[][]) await target.query(insertOne, r);
    },
    async close() {
      await source.end();
      await target.end();
    },
  };
}

function listSql(accountId: string, query: EventQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId, query.stream];
  const where = ['account_id = $1', 'stream = $2'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  // One value as `=`, as a person would write it: `= ANY` of one value cannot follow the
  // (filter, occurred_at) index in order, so it read and sorted every row of a busy actor.
  const anyOf = (column: string, values: string[] | undefined) => {
    if (values?.length === 1) add((n) => `${column} = ${n}`, values[0]);
    else if (values?.length) add((n) => `${column} = ANY(${n}::text[])`, values);
  };
  anyOf('actor_id', query.actorIds);
  anyOf('operation', query.operations);
  anyOf('category', query.categories);
  if (query.status) add((n) => `status = ${n}`, query.status);
  if (query.targetPath !== undefined) add((n) => `target_path = ${n}`, query.targetPath);
  if (query.requestId !== undefined) add((n) => `request_id = ${n}`, query.requestId);
  if (query.from) add((n) => `occurred_at >= ${n}::timestamptz`, query.from);
  if (query.to) add((n) => `occurred_at < ${n}::timestamptz`, query.to);
  if (query.q) {
    const escaped = query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    // The keys come from the store's function: which trigrams a substring certainly has is not
    // something to write out again, and the baseline is about the SQL, not the parameter.
    const keys = searchKeys(accountId, query.q);
    if (keys) add((n) => `auditlog_search_keys(account_id, ${SEARCH_TEXT}) @> ${n}::text[]`, keys);
    add((n) => `${SEARCH_TEXT} LIKE ${n}`, `%${escaped}%`);
  }
  if (query.after) {
    params.push(query.after.occurredAt, query.after.id);
    where.push(`(occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(query.limit + 1);
  const sql = `SELECT ${SUMMARY} FROM events WHERE ${where.join(' AND ')}
    ORDER BY occurred_at DESC, id DESC LIMIT $${params.length}`;
  return { sql, params };
}

function createRawReader(url: string): RawReader {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    async list(accountId, query) {
      const { sql, params } = listSql(accountId, query);
      const result = await pool.query(sql, params);
      return Math.min(query.limit, result.rows.length);
    },
    async explain(accountId, query) {
      const { sql, params } = listSql(accountId, query);
      const result = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return result.rows.map((r) => r['QUERY PLAN'].trim()).join('; ');
    },
    // The server's shared buffers serve our store and this reader alike: nothing of its own to fill.
    fillCache: async () => {},
    close: () => pool.end(),
  };
}

function databaseName(label: string): string {
  return `bench_${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/**
 * The PostgreSQL engine. Without `serverUrl` it starts a private cluster (stopped by dispose).
 *
 * @example
 * const engine = await createPostgresEngine({});
 */
export async function createPostgresEngine(options: {
  serverUrl?: string;
  keepDatabases?: string[];
}): Promise<BenchEngine> {
  let server: Awaited<ReturnType<typeof startPostgres>> | null = null;
  if (!options.serverUrl) {
    note('starting a private PostgreSQL server (fsync on)');
    server = await startPostgres({ relaxDurability: false });
  }
  const serverUrl = options.serverUrl ?? (server?.url as string);
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  const created = new Set<string>();
  const urlOf = (name: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const keep = new Set((options.keepDatabases ?? []).map(databaseName));
  return {
    name: 'postgres',
    async databaseUrl(label, fresh) {
      const name = databaseName(label);
      if (fresh) {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}`);
        created.add(name);
      }
      return urlOf(name);
    },
    async copyDatabase(sourceUrl, label) {
      const name = databaseName(label);
      const source = new URL(sourceUrl).pathname.slice(1);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source}`);
      created.add(name);
      return urlOf(name);
    },
    async exists(label) {
      const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(label)]);
      return (result.rowCount ?? 0) > 0;
    },
    async readDescription(label) {
      const { rows } = await admin.query<{ description: string | null }>(
        "SELECT shobj_description(oid, 'pg_database') AS description FROM pg_database WHERE datname = $1",
        [databaseName(label)],
      );
      return rows[0]?.description ?? null;
    },
    async saveDescription(label, description) {
      // COMMENT takes no parameters; the text is quoted by the driver.
      await admin.query(`COMMENT ON DATABASE ${databaseName(label)} IS ${pg.escapeLiteral(description)}`);
    },
    async warmCache(url) {
      // The files belong to the server (with --pg-url, maybe on another machine), which reads
      // through its own buffer pool: nothing to read here. What a live server would have done
      // minutes after a bulk load is autovacuum's pass: statistics, and a visibility map that lets
      // index-only scans skip the heap. Right after a load, request id and free text missed 15 ms
      // for our queries and the hand-written ones alike; run the pass now rather than time it.
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        await pool.query('VACUUM (ANALYZE)');
      } finally {
        await pool.end();
      }
    },
    async openRawWriter(sourceUrl, targetUrl) {
      const store = await openStore(targetUrl);
      await store.close();
      return createRawWriter(sourceUrl, targetUrl);
    },
    async openRawReader(url) {
      return createRawReader(url);
    },
    async footprint(url) {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        const { rows } = await pool.query<Record<string, string>>(
          `SELECT
             (SELECT count(*) FROM events) AS events,
             (SELECT coalesce(sum(pg_table_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'events'::regclass) AS heap,
             (SELECT coalesce(sum(pg_indexes_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'events'::regclass) AS indexes,
             pg_total_relation_size('event_keys') AS event_keys`,
        );
        const r = rows[0] as Record<string, string>;
        const detail = { heap: Number(r.heap), indexes: Number(r.indexes), event_keys: Number(r.event_keys) };
        return { bytes: detail.heap + detail.indexes + detail.event_keys, events: Number(r.events), detail };
      } finally {
        await pool.end();
      }
    },
    async dispose() {
      for (const name of created) {
        if (!keep.has(name))
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      }
      await admin.end();
      await server?.stop();
    },
  };
}
