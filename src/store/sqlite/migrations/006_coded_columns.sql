-- 006_coded_columns: the repeated short text of each event becomes small integer references.
--
-- category, operation, target type and API route (with its method) are vocabulary: catalog names
-- and route templates, a few hundred values in all, repeated in every row and again in the filter
-- indexes. They are now codes into event_terms. The actor (type, id, email, name: ~50 bytes a row)
-- becomes one reference to a row of event_actor_refs, per account and stream, one row per
-- distinct form the account's events carried: an actor renamed later keeps old events showing the
-- old name, and free text finds an actor by any name it had (as event_actor_names did before).
-- Measured on the bench data set (1e5 events): 1,098 -> 976 bytes per event on disk; the events
-- table ~100 bytes a row smaller, the actor, operation and category indexes ~7 bytes an entry each.

-- kind: 1 = category, 2 = operation, 3 = target type, 4 = API (method, a space, route). Codes
-- never change and rows are never deleted, so readers may cache code -> text for good.
CREATE TABLE event_terms (
  code INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
  value TEXT NOT NULL,
  UNIQUE (kind, value)
);

-- AUTOINCREMENT: retention deletes an actor row once no event refers to it (personal data past its
-- retention), and a reader that cached ref -> actor must never see that ref reused for another.
-- Email and name keep NULL for absent ('' is a valid value); lookups compare with IS.
CREATE TABLE event_actor_refs (
  actor_ref INTEGER PRIMARY KEY AUTOINCREMENT,
  account_key INTEGER NOT NULL,
  stream INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_email TEXT,
  actor_name TEXT
);
-- Serves the appender's lookup, the actor filter (all refs of an id) and free text (all of an
-- account's actors in a stream).
CREATE INDEX event_actor_refs_by_id ON event_actor_refs (account_key, stream, actor_id);

INSERT INTO event_terms (kind, value)
  SELECT DISTINCT 1, category FROM events
  UNION SELECT DISTINCT 2, operation FROM events
  UNION SELECT DISTINCT 3, target_type FROM events WHERE target_type IS NOT NULL
  UNION SELECT DISTINCT 4, api_method || ' ' || api_route FROM events
    WHERE api_method IS NOT NULL AND api_route IS NOT NULL
  ORDER BY 1, 2;

-- GROUP BY takes NULLs as equal: one row per distinct form.
INSERT INTO event_actor_refs (account_key, stream, actor_id, actor_type, actor_email, actor_name)
  SELECT account_key, stream, actor_id, actor_type, actor_email, actor_name FROM events
  GROUP BY account_key, stream, actor_id, actor_type, actor_email, actor_name
  ORDER BY account_key, stream, actor_id;

-- The view and the triggers name the events table: they go before it is replaced (SQLite refuses
-- to rename a table while a view refers to a missing one), and come back unchanged after.
-- events_fts stays: row keys and the view's text are the same, so its index remains valid.
DROP VIEW events_search_text;

-- As in 001, with the coded columns; detail stays last (list queries never read it).
CREATE TABLE events_coded (
  row_key INTEGER PRIMARY KEY,
  account_key INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  id BLOB NOT NULL,
  stream INTEGER NOT NULL,
  category_code INTEGER NOT NULL,
  operation_code INTEGER NOT NULL,
  actor_ref INTEGER NOT NULL,
  target_type_code INTEGER,
  target_id TEXT,
  target_name TEXT,
  target_path TEXT,
  api_code INTEGER,
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

INSERT INTO events_coded
  SELECT e.row_key, e.account_key, e.seq, e.id, e.stream, c.code, o.code, a.actor_ref, t.code,
    e.target_id, e.target_name, e.target_path, r.code, e.api_path, e.status, e.http_status, e.ip,
    e.request_id, e.idempotency_key, e.occurred_at, e.received_at, e.hash, e.detail
  FROM events e
  JOIN event_terms c ON c.kind = 1 AND c.value = e.category
  JOIN event_terms o ON o.kind = 2 AND o.value = e.operation
  JOIN event_actor_refs a ON a.account_key = e.account_key AND a.stream = e.stream
    AND a.actor_id = e.actor_id AND a.actor_type = e.actor_type
    AND a.actor_email IS e.actor_email AND a.actor_name IS e.actor_name
  LEFT JOIN event_terms t ON t.kind = 3 AND t.value = e.target_type
  LEFT JOIN event_terms r ON r.kind = 4 AND r.value = e.api_method || ' ' || e.api_route
  ORDER BY e.row_key;

DROP TABLE events;
ALTER TABLE events_coded RENAME TO events;
DROP TABLE event_actor_names;

-- The indexes of 001 with codes for text; the actor index holds a reference per form, and the
-- actor filter merges the ranges of all the forms of an id.
CREATE INDEX events_by_time ON events (account_key, stream, occurred_at);
CREATE INDEX events_by_actor ON events (account_key, stream, actor_ref, occurred_at);
CREATE INDEX events_by_operation ON events (account_key, stream, operation_code, occurred_at);
CREATE INDEX events_by_category ON events (account_key, stream, category_code, occurred_at);
CREATE INDEX events_by_target_path ON events (account_key, stream, target_path, occurred_at)
  WHERE target_path IS NOT NULL;
CREATE INDEX events_by_request ON events (account_key, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX events_id ON events (account_key, id);
CREATE UNIQUE INDEX events_idempotency ON events (account_key, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

-- Exactly the text of 004: the existing trigram index was built from it.
CREATE VIEW events_search_text (row_key, text) AS
  SELECT row_key, concat_ws(char(10), api_path,
      CASE WHEN instr(api_path, target_id) > 0 THEN NULL ELSE target_id END,
      CASE WHEN instr(target_path, target_name) > 0 THEN NULL ELSE target_name END,
      target_path)
  FROM events;

CREATE TRIGGER events_fts_delete AFTER DELETE ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, text) VALUES (
    'delete',
    old.row_key,
    concat_ws(char(10), old.api_path,
      CASE WHEN instr(old.api_path, old.target_id) > 0 THEN NULL ELSE old.target_id END,
      CASE WHEN instr(old.target_path, old.target_name) > 0 THEN NULL ELSE old.target_name END,
      old.target_path)
  );
END;
