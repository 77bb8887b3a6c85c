/**
 * @module The numbered PostgreSQL migrations and the runner that applies them once, under an
 * advisory lock, so several servers starting together never race.
 */
import type pg from 'pg';
import type { MigrationStep } from '../types.ts';
import { EXPORT_MIGRATION } from './export.ts';
import { MEMBERS_MIGRATION } from './members.ts';
import { limitSearchPendingSql } from './partitions.ts';
import { SEARCH_KEYS_INDEX, SEARCH_KEYS_MIGRATION } from './search-keys.ts';
import { SLIM_EVENTS_MIGRATION } from './slim-events.ts';

/** One schema step. Versions are applied in order and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Serialises migrate() across processes; an arbitrary constant ("audmigr" in spirit). */
const MIGRATION_LOCK = 7_370_019_001;

const V1_ACCOUNTS = `
-- accounts and api_keys are small control tables read on every request. Under Citus they would be
-- reference tables (copied to every node), so keying api_keys by its globally unique id is fine.
CREATE TABLE accounts (
  account_id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  plan text NOT NULL CHECK (plan IN ('free', 'enterprise')),
  audit_logs_enabled boolean NOT NULL,
  retention_days integer NOT NULL CHECK (retention_days > 0),
  created_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL,
  name text NOT NULL,
  scopes text[] NOT NULL,
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);

-- The chain head of each account. Its row lock (SELECT ... FOR UPDATE in append) serialises seq
-- per account; it outlives purges so seq and the chain continue after every event expired.
CREATE TABLE event_heads (
  account_id text COLLATE "C" PRIMARY KEY,
  seq bigint NOT NULL,
  hash text NOT NULL
);

-- Idempotency keys: a unique index on the partitioned events table would need occurred_at in it,
-- so the per-account uniqueness of a key lives in this small unpartitioned table instead.
CREATE TABLE event_keys (
  account_id text COLLATE "C" NOT NULL,
  idempotency_key text NOT NULL,
  id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, idempotency_key)
);
CREATE INDEX event_keys_expiry ON event_keys (account_id, occurred_at);
`;

const V1_EVENTS = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- btree_gin lets account_id lead the trigram index too (Citus-ready, and one index probe per query).
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Monthly RANGE partitions on occurred_at: retention drops whole months. No DEFAULT partition
-- (it would block creating new ones); the store creates each month before inserting into it.
-- Payloads are one json (not jsonb) value: it keeps the exact text, and jsonb refuses the \\u0000
-- escape, which would let a request body make its own audit event unstorable.
CREATE TABLE events (
  account_id text COLLATE "C" NOT NULL,
  occurred_at timestamptz NOT NULL,
  id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  stream text NOT NULL,
  category text NOT NULL,
  operation text NOT NULL,
  status text NOT NULL,
  http_status integer,
  actor_type text NOT NULL,
  actor_id text COLLATE "C" NOT NULL,
  actor_email text,
  actor_name text,
  target_type text,
  target_id text,
  target_name text,
  target_path text,
  api_method text,
  api_route text,
  api_path text,
  ip text,
  user_agent text,
  request_id text,
  idempotency_key text,
  payload json NOT NULL,
  received_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  -- What free-text search (q) looks in, lower-cased once at write time for the trigram index.
  search_text text GENERATED ALWAYS AS (lower(
    coalesce(api_path, '') || E'\\n' || coalesce(target_id, '') || E'\\n' ||
    coalesce(target_name, '') || E'\\n' || coalesce(target_path, '') || E'\\n' ||
    actor_id || E'\\n' || coalesce(actor_email, '') || E'\\n' || coalesce(actor_name, '')
  )) STORED,
  PRIMARY KEY (account_id, occurred_at, id)
) PARTITION BY RANGE (occurred_at);

-- One index per list filter: account, then the filter, then the page order, so a page is an
-- ordered index scan that stops after limit + 1 rows.
CREATE INDEX events_stream ON events (account_id, stream, occurred_at DESC, id DESC);
CREATE INDEX events_actor ON events (account_id, stream, actor_id, occurred_at DESC, id DESC);
CREATE INDEX events_operation ON events (account_id, stream, operation, occurred_at DESC, id DESC);
CREATE INDEX events_category ON events (account_id, stream, category, occurred_at DESC, id DESC);
CREATE INDEX events_status ON events (account_id, stream, status, occurred_at DESC, id DESC);
CREATE INDEX events_target_path ON events (account_id, stream, target_path, occurred_at DESC, id DESC)
  WHERE target_path IS NOT NULL;
CREATE INDEX events_request ON events (account_id, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX events_search ON events USING gin (account_id, search_text gin_trgm_ops);
-- get() by id: probes this index in each partition. Cheaper overall than an id table that purge
-- would have to delete from row by row (dropping a month must stay a metadata operation).
CREATE INDEX events_id ON events (account_id, id);
`;

const V1_GUARDS = `
-- Append-only, enforced by the database itself: UPDATE never, DELETE only inside a purge
-- transaction (SET LOCAL auditlog.purging = 'on'). A guard against bugs and slips, not against a
-- superuser, who can do anything.
CREATE FUNCTION auditlog_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('auditlog.purging', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Only the retention purge may remove events.';
END
$$;

-- Row triggers are cloned onto every partition, so DML aimed at a partition directly is refused too.
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION auditlog_events_append_only();
-- TRUNCATE triggers are not cloned; partitions get their own when they are created.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION auditlog_events_append_only();
`;

/** Every migration, oldest first. Never edit a released one: add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'accounts, keys, heads, idempotency keys', sql: V1_ACCOUNTS },
  { version: 2, name: 'partitioned events and their indexes', sql: V1_EVENTS },
  { version: 3, name: 'append-only guards', sql: V1_GUARDS },
  { version: 4, name: 'members and service secrets', sql: MEMBERS_MIGRATION },
  { version: 5, name: 'events in seq order, for exports', sql: EXPORT_MIGRATION },
  { version: 6, name: 'search expression, failures index, deflated payloads', sql: SLIM_EVENTS_MIGRATION },
  // New partitions get the same limit as they are created (partitions.ts).
  {
    version: 7,
    name: 'short pending lists on the trigram indexes',
    sql: limitSearchPendingSql('events_search'),
  },
  {
    version: 8,
    name: 'free text indexed by account and trigram together',
    sql: `${SEARCH_KEYS_MIGRATION}${limitSearchPendingSql(SEARCH_KEYS_INDEX)};`,
  },
];

/**
 * Applies the migrations not yet recorded, all in one transaction holding an advisory lock: a
 * second server waits, then finds them applied. Returns the versions this call applied; `onStep`
 * hears of each one just before it runs.
 */
export async function runMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS,
  onStep: (step: MigrationStep) => void = () => undefined,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Created under the lock: a racing CREATE TABLE IF NOT EXISTS can still fail on the catalog.
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      onStep({ version: migration.version, name: migration.name });
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
