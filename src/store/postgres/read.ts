/**
 * @module The read side of the PostgreSQL event store: list (filters + keyset pages; SQL in
 * list-sql.ts, recent months first in recent-first.ts, free text in search.ts), get, actors and
 * head. Every query starts with account_id = $1.
 */
import type { Stream } from '../../events/catalog.ts';
import { GENESIS_HASH } from '../../events/chain.ts';
import type { Actor, AuditEvent } from '../../events/schema.ts';
import type { EventPage, EventQuery } from '../types.ts';
import { recentFirstRows } from './recent-first.ts';
import { EVENT_COLUMNS, type EventRow, type SummaryRow, toActor, toEvent, toSummary } from './rows.ts';
import { type SearchContext, searchRows } from './search.ts';

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

/** One event by id: probes the primary key (account_id, id, occurred_at) of each partition. */
export const GET_SQL = `SELECT ${EVENT_COLUMNS} FROM events WHERE account_id = $1 AND id = $2 LIMIT 1`;

/**
 * The read methods of the EventStore, over the search context's pool; `clock` tells list which
 * months are recent.
 */
export function createReads(context: SearchContext, clock: () => Date) {
  const { pool } = context;
  /** Up to limit + 1 rows of a list page (one more than shown, to know whether more follow). */
  const listRows = (accountId: string, query: EventQuery): Promise<SummaryRow[]> => {
    const { q } = query;
    if (q !== undefined) return searchRows(context, accountId, { ...query, q });
    return recentFirstRows(pool, accountId, query, clock());
  };

  return {
    async list(accountId: string, query: EventQuery): Promise<EventPage> {
      const rows = await listRows(accountId, query);
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
