-- 001_init: accounts, API keys and the append-only event log.
--
-- Size matters here (target: <= 800 bytes per event on disk with ~1 KiB payloads), so the events
-- table trades a little readability for lean rows and lean indexes:
--   * account_key: events carry a small integer per account (event_accounts) instead of the text
--     account id; it leads every index, so it is repeated in each of them.
--   * row_key (the rowid) = account_key << 40 | seq: unique per (account, seq) without an index of
--     its own, one account's events are one rowid range (the trigram search is narrowed to it), and
--     the previous event of the chain is simply row_key - 1.
--   * id: a ULID is stored as its 16 bytes (text would be 26); a non-ULID id is kept as text.
--   * stream: 1 = central, 2 = media, 3 = access. status: 1 = success, 0 = failure.
--   * occurred_at / received_at: integer milliseconds since the epoch (UTC).
--   * hash: the 32 raw bytes of the sha256, not 64 hex characters. prevHash is not stored at all:
--     it is the hash of row_key - 1; only when retention deleted that event does its hash live on,
--     in chain_links.
--   * detail: request, response, before, after and the user agent — what only the detail view
--     reads — as one JSON document, deflated when larger than 256 bytes, with a preset dictionary
--     of frequent tokens when one exists (detail_dictionaries). Its first byte says how: 0 = plain
--     UTF-8 JSON, 1 = raw deflate, 2 = raw deflate with the dictionary whose id follows as a
--     4-byte integer. It is the last column, so list queries, which never select it, never read it.
--   * The filter indexes end with occurred_at, not (occurred_at, id): the rowid every index entry
--     carries already orders ties, and the rare tie on the same millisecond is put in id order by a
--     small sort of just that millisecond's rows (SQLite: "TEMP B-TREE FOR LAST TERM OF ORDER BY").
--     That keeps 17 bytes out of every entry of five indexes.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (plan IN ('free', 'enterprise')),
  audit_logs_enabled INTEGER NOT NULL CHECK (audit_logs_enabled IN (0, 1)),
  retention_days INTEGER NOT NULL CHECK (retention_days > 0),
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  scopes TEXT NOT NULL, -- JSON array of scopes
  secret_hash TEXT NOT NULL, -- hex sha256 of the key's secret; the secret itself is never stored
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, created_at);

-- One row per account that has ever had an event: its compact key and the head of its chain. The
-- head lives here, not in max(seq), so that retention can delete every event of an account and
-- the next append still continues the sequence and the chain.
CREATE TABLE event_accounts (
  account_key INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL UNIQUE,
  head_seq INTEGER NOT NULL DEFAULT 0,
  head_hash BLOB -- NULL before the first event (the genesis hash)
);

CREATE TABLE events (
  -- account_key << 40 | seq. An explicit rowid alias also keeps rowids stable across VACUUM.
  row_key INTEGER PRIMARY KEY,
  account_key INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  id BLOB NOT NULL,
  stream INTEGER NOT NULL,
  category TEXT NOT NULL,
  operation TEXT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_email TEXT,
  actor_name TEXT,
  target_type TEXT,
  target_id TEXT,
  target_name TEXT,
  target_path TEXT,
  api_method TEXT,
  api_route TEXT,
  api_path TEXT,
  status INTEGER NOT NULL,
  http_status INTEGER,
  ip TEXT,
  request_id TEXT,
  idempotency_key TEXT,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  hash BLOB NOT NULL,
  detail BLOB NOT NULL
);

-- The prevHash of events whose previous event retention deleted, by the row_key of the event that
-- follows it (possibly the next one to be appended). Written only by purgeExpired.
CREATE TABLE chain_links (
  row_key INTEGER PRIMARY KEY,
  prev_hash BLOB NOT NULL
);

-- Every list query has account_key AND stream; each index continues with one filter, then time,
-- so a filtered page is read newest-first straight from the index and stops at the limit.
-- status is not indexed: two values are too unselective to lead anything, it is checked on top.
-- (account_key, seq) needs no index: row_key encodes it.
CREATE INDEX events_by_time ON events (account_key, stream, occurred_at);
CREATE INDEX events_by_actor ON events (account_key, stream, actor_id, occurred_at);
CREATE INDEX events_by_operation ON events (account_key, stream, operation, occurred_at);
CREATE INDEX events_by_category ON events (account_key, stream, category, occurred_at);
CREATE INDEX events_by_target_path ON events (account_key, stream, target_path, occurred_at)
  WHERE target_path IS NOT NULL;
CREATE INDEX events_by_request ON events (account_key, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX events_id ON events (account_key, id);
CREATE UNIQUE INDEX events_idempotency ON events (account_key, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Events are immutable. Updates are refused by the database itself; deletes stay possible because
-- retention (purgeExpired, the only code path that deletes) must remove expired events.
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

-- Free-text search (q): a trigram index over the searchable text of each event, so a substring
-- query looks up candidates instead of scanning an account's history. External content (the
-- text is derived from events through the view below, so nothing is stored twice), detail=none
-- (rowids only, no positions) and columnsize=0 (no per-row sizes) keep it small; candidates are
-- re-checked against the real columns, which also removes trigram false positives.
-- A field contained in another (the target id in the api path, the file name in the asset path)
-- is left out: every substring of it is a substring of the other, so it adds no candidates.
-- The triggers below repeat this expression exactly: the delete must remove what the insert added.
CREATE VIEW events_search_text (row_key, text) AS
  SELECT row_key, concat_ws(char(10), api_path,
      CASE WHEN instr(api_path, target_id) > 0 THEN NULL ELSE target_id END,
      CASE WHEN instr(target_path, target_name) > 0 THEN NULL ELSE target_name END,
      target_path, actor_id, actor_email, actor_name)
  FROM events;

CREATE VIRTUAL TABLE events_fts USING fts5 (
  text,
  tokenize = 'trigram',
  content = 'events_search_text',
  content_rowid = 'row_key',
  detail = none,
  columnsize = 0
);

CREATE TRIGGER events_fts_insert AFTER INSERT ON events
BEGIN
  INSERT INTO events_fts (rowid, text) VALUES (
    new.row_key,
    concat_ws(char(10), new.api_path,
      CASE WHEN instr(new.api_path, new.target_id) > 0 THEN NULL ELSE new.target_id END,
      CASE WHEN instr(new.target_path, new.target_name) > 0 THEN NULL ELSE new.target_name END,
      new.target_path, new.actor_id, new.actor_email, new.actor_name)
  );
END;

-- An external-content index forgets a row only when told the exact text it indexed.
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, text) VALUES (
    'delete',
    old.row_key,
    concat_ws(char(10), old.api_path,
      CASE WHEN instr(old.api_path, old.target_id) > 0 THEN NULL ELSE old.target_id END,
      CASE WHEN instr(old.target_path, old.target_name) > 0 THEN NULL ELSE old.target_name END,
      old.target_path, old.actor_id, old.actor_email, old.actor_name)
  );
END;

-- Preset dictionaries for deflating detail documents: frequent JSON keys and words, learned from
-- a sample of many events (tokens shared by many events, never one event's content). Rows are
-- immutable and never deleted: old detail blobs name the dictionary they were written with.
CREATE TABLE detail_dictionaries (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  dictionary BLOB NOT NULL
);

-- The actors filter lists each actor of an account and stream once, with the email and name of
-- its latest event. Kept up to date by append (and pruned by retention) so the filter never has
-- to group an account's whole history.
CREATE TABLE event_actors (
  account_key INTEGER NOT NULL,
  stream INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_email TEXT,
  actor_name TEXT,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (account_key, stream, actor_id)
) WITHOUT ROWID;
