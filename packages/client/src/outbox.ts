/**
 * @module The durable outbox: a SQLite file in the producer where published events wait until
 * Auditlog acknowledges them. Rows leave only after a 2xx, in insertion order, so a producer that
 * restarts (or crashed) sends what it left behind, in the same order.
 */
import Database from 'better-sqlite3';
import type { EventInput } from '../../../src/events/schema.ts';
import type { EventQueue, QueuedEvent } from './queue.ts';

/** `durable`: fsync on every publish. `best-effort`: survives a process crash, not a power loss. */
export type OutboxMode = 'durable' | 'best-effort';

export interface OutboxOptions {
  /** Path of the SQLite file; created when missing. One client at a time may use a file. */
  path: string;
  mode?: OutboxMode;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    -- AUTOINCREMENT: ids are never reused after deletes, so they order events across restarts.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    enqueued_at TEXT NOT NULL
  )`;

/**
 * Opens (or creates) an outbox file.
 *
 * @example
 * const outbox = openOutbox({ path: './data/auditlog-outbox.db', mode: 'durable' });
 */
export function openOutbox(options: OutboxOptions): EventQueue {
  const mode = options.mode ?? 'durable';
  // A short busy timeout: the file is held exclusively, so waiting for it would only delay the error.
  const db = new Database(options.path, { timeout: 100 });
  db.pragma('journal_mode = WAL');
  // FULL fsyncs the WAL at every commit: a resolved publish() survives a power loss. NORMAL only
  // survives a process crash, which is the point of best-effort.
  db.pragma(`synchronous = ${mode === 'durable' ? 'FULL' : 'NORMAL'}`);
  // One client per file: a second producer draining the same rows would only waste requests, and
  // an exclusive lock turns that mistake into an immediate SQLITE_BUSY at open.
  db.pragma('locking_mode = EXCLUSIVE');
  db.exec(SCHEMA);

  const insert = db.prepare('INSERT INTO outbox (event, enqueued_at) VALUES (?, ?)');
  const appendAll = db.transaction((events: EventInput[]) => {
    const at = new Date().toISOString();
    let id = 0;
    for (const event of events) id = Number(insert.run(JSON.stringify(event), at).lastInsertRowid);
    return id;
  });
  const selectHead = db.prepare('SELECT id, event FROM outbox ORDER BY id LIMIT ?');
  const deleteOne = db.prepare('DELETE FROM outbox WHERE id = ?');
  const removeAll = db.transaction((ids: number[]) => {
    for (const id of ids) deleteOne.run(id);
  });
  const countRows = db.prepare('SELECT count(*) AS n FROM outbox').pluck();
  const firstRow = db.prepare('SELECT min(id) FROM outbox').pluck();
  const lastRow = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck();
  let count = countRows.get() as number;

  return {
    durable: mode === 'durable',
    append(events) {
      if (events.length === 0) return (lastRow.get() as number | undefined) ?? 0;
      const id = appendAll(events);
      count += events.length;
      return id;
    },
    head(limit) {
      const rows = selectHead.all(limit) as { id: number; event: string }[];
      return rows.map((row): QueuedEvent => ({ id: row.id, event: JSON.parse(row.event) }));
    },
    remove(ids) {
      removeAll(ids);
      count = countRows.get() as number;
    },
    size: () => count,
    firstId: () => (firstRow.get() as number | null) ?? null,
    lastId: () => (lastRow.get() as number | undefined) ?? 0,
    close: () => db.close(),
  };
}
