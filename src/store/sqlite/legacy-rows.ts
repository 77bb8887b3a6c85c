/**
 * @module Test support: writes events as the schema before 006_coded_columns.sql stored them (the
 * actor and the terms as text), so upgrade tests can build an old database and migrate it.
 */
import type { AuditEvent } from '../../events/schema.ts';
import { detailJson, encodeDetail, encodeId, hashToBlob, isoToMs, statusCode, streamCode } from './codec.ts';
import type { SqliteDatabase } from './database.ts';

const INSERT_LEGACY_EVENT = `INSERT INTO events (
    row_key, account_key, seq, id, stream, category, operation, actor_type, actor_id, actor_email,
    actor_name, target_type, target_id, target_name, target_path, api_method, api_route, api_path,
    status, http_status, ip, request_id, idempotency_key, occurred_at, received_at, hash, detail
  ) VALUES ((? << 40) | ?, ${Array.from({ length: 26 }, () => '?').join(', ')})`;

const INDEX_LEGACY_TEXT = `INSERT INTO events_fts (rowid, text)
  SELECT row_key, text FROM events_search_text WHERE row_key = (? << 40) | ?`;

function legacyParams(accountKey: number, e: AuditEvent): unknown[] {
  const { actor, target, api } = e;
  return [
    ...[accountKey, e.seq, accountKey, e.seq, encodeId(e.id), streamCode(e.stream), e.category, e.operation],
    ...[actor.type, actor.id, actor.email ?? null, actor.name ?? null],
    ...[target?.type ?? null, target?.id ?? null, target?.name ?? null, target?.path ?? null],
    ...[api?.method ?? null, api?.route ?? null, api?.path ?? null, statusCode(e.status), e.httpStatus],
    ...[e.ip, e.requestId, e.idempotencyKey, isoToMs(e.occurredAt), isoToMs(e.receivedAt)],
    ...[hashToBlob(e.hash), encodeDetail(detailJson(e))],
  ];
}

/**
 * Stores sealed events of one account as the appender before 006 did: the rows, their free text
 * (migration 004's view), the chain head and, from 004 on, the actor tables.
 */
export function insertLegacyEvents(db: SqliteDatabase, accountKey: number, events: AuditEvent[]): void {
  const version = db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number;
  const insert = db.prepare(INSERT_LEGACY_EVENT);
  const index = db.prepare(INDEX_LEGACY_TEXT);
  const accountId = events[0]!.accountId;
  for (const e of events) {
    insert.run(legacyParams(accountKey, e));
    index.run(accountKey, e.seq);
    const actor = [accountKey, streamCode(e.stream), e.actor.id];
    db.prepare(
      `INSERT INTO event_actors (account_key, stream, actor_id, actor_type, actor_email, actor_name, last_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET actor_type = excluded.actor_type,
         actor_email = excluded.actor_email, actor_name = excluded.actor_name, last_seq = excluded.last_seq`,
    ).run(...actor, e.actor.type, e.actor.email ?? null, e.actor.name ?? null, e.seq);
    if (version >= 4) {
      db.prepare(
        `INSERT OR IGNORE INTO event_actor_names (account_key, stream, actor_id, actor_email, actor_name)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(...actor, e.actor.email ?? '', e.actor.name ?? '');
    }
  }
  const last = events[events.length - 1]!;
  db.prepare(
    `INSERT INTO event_accounts (account_key, account_id, head_seq, head_hash) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash`,
  ).run(accountKey, accountId, last.seq, hashToBlob(last.hash));
}
