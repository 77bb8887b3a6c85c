/**
 * @module The read side of the PostgreSQL event store: list (filters + keyset pages), get, actors
 * and head. Every query starts with account_id = $1, and every filter matches an index whose
 * columns run account, stream, filter, then the page order.
 */
import type pg from 'pg';
import type { Stream } from '../../events/catalog.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import type { Actor, AuditEvent } from '../../events/schema.ts';
import type { EventPage, EventQuery } from '../types.ts';
import {
  EVENT_COLUMNS,
  type EventRow,
  SUMMARY_COLUMNS,
  type SummaryRow,
  toActor,
  toEvent,
  toSummary,
} from './rows.ts';

/** Escapes LIKE metacharacters so user text matches literally (backslash is LIKE's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause and parameters of a list query. */
export function listConditions(accountId: string, query: EventQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [accountId, query.stream];
  const clauses = ['account_id = $1', 'stream = $2'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  // One value as `=` (an ordered index scan); several as `= ANY` (PostgreSQL 15 then sorts).
  const anyOf = (column: string, values: string[] | undefined) => {
    if (!values || values.length === 0) return;
    if (values.length === 1) add((p) => `${column} = ${p}`, values[0]);
    else add((p) => `${column} = ANY(${p}::text[])`, values);
  };
  anyOf('actor_id', query.actorIds);
  anyOf('operation', query.operations);
  anyOf('category', query.categories);
  if (query.status) add((p) => `status = ${p}`, query.status);
  if (query.from !== undefined) add((p) => `occurred_at >= ${p}::timestamptz`, query.from);
  if (query.to !== undefined) add((p) => `occurred_at < ${p}::timestamptz`, query.to);
  if (query.targetPath !== undefined) add((p) => `target_path = ${p}`, query.targetPath);
  if (query.requestId !== undefined) add((p) => `request_id = ${p}`, query.requestId);
  // search_text is already lower-cased; lower() here uses the same collation, so case folds alike.
  if (query.q !== undefined) add((p) => `search_text LIKE '%' || lower(${p}) || '%'`, escapeLike(query.q));
  if (query.after) {
    params.push(query.after.occurredAt, query.after.id);
    clauses.push(`(occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  return { where: clauses.join(' AND '), params };
}

/** The SQL and parameters of one list page (limit + 1 rows, to know whether more follow). */
export function listSql(accountId: string, query: EventQuery): { sql: string; params: unknown[] } {
  const { where, params } = listConditions(accountId, query);
  params.push(query.limit + 1);
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM events WHERE ${where}
    ORDER BY occurred_at DESC, id DESC LIMIT $${params.length}`;
  return { sql, params };
}

// Distinct actor ids by skipping through the actor index (a loose index scan: one probe per actor,
// not one row per event), then each actor's latest type and latest known email and name.
export const ACTORS_SQL = `
WITH RECURSIVE ids AS (
  (SELECT actor_id FROM events WHERE account_id = $1 AND stream = $2 ORDER BY actor_id LIMIT 1)
  UNION ALL
  SELECT (SELECT e.actor_id FROM events e
           WHERE e.account_id = $1 AND e.stream = $2 AND e.actor_id > ids.actor_id
           ORDER BY e.actor_id LIMIT 1)
    FROM ids WHERE ids.actor_id IS NOT NULL
)
SELECT ids.actor_id, latest.actor_type, email.actor_email, name.actor_name
  FROM ids
  CROSS JOIN LATERAL (
    SELECT actor_type FROM events e WHERE e.account_id = $1 AND e.stream = $2 AND e.actor_id = ids.actor_id
     ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) latest
  LEFT JOIN LATERAL (
    SELECT actor_email FROM events e WHERE e.account_id = $1 AND e.stream = $2 AND e.actor_id = ids.actor_id
       AND e.actor_email IS NOT NULL
     ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) email ON true
  LEFT JOIN LATERAL (
    SELECT actor_name FROM events e WHERE e.account_id = $1 AND e.stream = $2 AND e.actor_id = ids.actor_id
       AND e.actor_name IS NOT NULL
     ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) name ON true
 WHERE ids.actor_id IS NOT NULL
 ORDER BY ids.actor_id`;

/** One event by id: probes the (account_id, id) index of each partition. */
export const GET_SQL = `SELECT ${EVENT_COLUMNS} FROM events WHERE account_id = $1 AND id = $2 LIMIT 1`;

/** The read methods of the EventStore, over a pool. */
export function createReads(pool: pg.Pool) {
  return {
    async list(accountId: string, query: EventQuery): Promise<EventPage> {
      const { sql, params } = listSql(accountId, query);
      const { rows } = await pool.query<SummaryRow>(sql, params);
      const more = rows.length > query.limit;
      const events = rows.slice(0, query.limit).map(toSummary);
      const last = events.at(-1);
      return { events, next: more && last ? { occurredAt: last.occurredAt, id: last.id } : null };
    },

    async get(accountId: string, id: string): Promise<AuditEvent | null> {
      const { rows } = await pool.query<EventRow>(GET_SQL, [accountId, id]);
      return rows[0] ? toEvent(rows[0]) : null;
    },

    async actors(accountId: string, stream: Stream): Promise<Actor[]> {
      const { rows } = await pool.query<{
        actor_id: string;
        actor_type: string;
        actor_email: string | null;
        actor_name: string | null;
      }>(ACTORS_SQL, [accountId, stream]);
      return rows.map(toActor);
    },

    async head(accountId: string): Promise<{ seq: number; hash: string }> {
      const { rows } = await pool.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM event_heads WHERE account_id = $1',
        [accountId],
      );
      return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
    },
  };
}
