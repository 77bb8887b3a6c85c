-- 007_ingest_journal: sealed events acknowledged but not yet indexed (journal.ts).
--
-- A group of single events from many accounts dirties ~11 scattered 16 KiB pages per event when
-- written to the events table and its indexes, and the group's commit syncs all of them. Written
-- here instead, one row per sealed event in arrival order, a group fills a few sequential pages;
-- the writer moves the rows into `events` later, many per account at once (journal-drain.ts).
-- `event` is the sealed AuditEvent as JSON, not the events table's columns: insertParams in
-- append.ts stays the one place that maps an event to a row.
CREATE TABLE ingest_journal (
  journal_key INTEGER PRIMARY KEY,
  account_key INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  id BLOB NOT NULL,
  idempotency_key TEXT,
  event TEXT NOT NULL
);
-- The same uniqueness as events_id and events_idempotency, for the events not drained yet: the
-- appender looks a retried key up here as well as in events. Both stay a few pages large.
CREATE UNIQUE INDEX ingest_journal_id ON ingest_journal (account_key, id);
CREATE UNIQUE INDEX ingest_journal_idempotency ON ingest_journal (account_key, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
