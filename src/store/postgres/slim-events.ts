/**
 * @module Migration 6: a smaller events table. Free text is indexed as an expression instead of a
 * stored column, one key replaces the primary key and the id index, the status index keeps only
 * failures, and payloads move to a column the store fills with deflated bytes. Rows written before
 * it keep their json payload; reads accept both.
 */

/**
 * What free-text search (q) looks in: the seven searched fields, lower-cased, one per line. It is
 * the expression of the trigram index, so queries must use exactly this text to be served by it.
 * Part of migration 6: never edit it (a new expression needs a new migration and a new index).
 */
export const SEARCH_TEXT = `lower(coalesce(api_path, '') || E'\\n' || coalesce(target_id, '') || E'\\n' ||
  coalesce(target_name, '') || E'\\n' || coalesce(target_path, '') || E'\\n' || actor_id || E'\\n' ||
  coalesce(actor_email, '') || E'\\n' || coalesce(actor_name, ''))`;

/** Migration 6. */
export const SLIM_EVENTS_MIGRATION = `
-- The stored search_text cost ~120 bytes a row. The trigram index is now over the same expression,
-- computed at insert (for the index) and on the few rows a search rechecks. Dropping the column
-- drops its index; rows already written keep the bytes until their month is dropped.
ALTER TABLE events DROP COLUMN search_text;
CREATE INDEX events_search ON events USING gin (account_id, (${SEARCH_TEXT}) gin_trgm_ops);

-- get() by id and the uniqueness of ids took two indexes, the key (account_id, occurred_at, id)
-- and (account_id, id). One key with id second serves both; retention, which read the old key in
-- time order, now finds expired rows through the months it keeps (see purge.ts).
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (account_id, id, occurred_at);
DROP INDEX events_id;

-- Only failures (a few percent of events) need an index of their own: a success filter matches
-- nearly every row, so it reads the stream index and skips the rare failure.
DROP INDEX events_status;
CREATE INDEX events_failures ON events (account_id, stream, occurred_at DESC, id DESC)
  WHERE status = 'failure';

-- PostgreSQL compresses a value only when its whole row passes ~2 KB (TOAST_TUPLE_THRESHOLD,
-- which toast_tuple_target cannot lower), so a typical 1 KB json payload was stored as plain text.
-- The store now deflates the payloads itself (payload.ts) into payload_deflated; EXTERNAL storage
-- stops PostgreSQL from trying to compress those bytes again when a large one goes to TOAST.
ALTER TABLE events ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE events ADD COLUMN payload_deflated bytea;
ALTER TABLE events ALTER COLUMN payload_deflated SET STORAGE EXTERNAL;
-- NOT VALID: every row older than this migration has its json payload; checking them all would
-- only read the whole table.
ALTER TABLE events ADD CONSTRAINT events_payload_present
  CHECK (payload IS NOT NULL OR payload_deflated IS NOT NULL) NOT VALID;
`;
