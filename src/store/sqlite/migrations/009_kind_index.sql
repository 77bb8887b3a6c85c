-- 009_kind_index: one index serves the operation and the category filters.
--
-- events_by_operation and events_by_category each held every event once more (~26 bytes an entry
-- on the bench data set). One index on the (category, operation) pair replaces both, a code wider
-- per entry: a filter becomes the pairs it matches (a category: its operations; an operation: the
-- categories it occurs in; both: their intersection), read as a merge of one ordered range per
-- pair (list-sql.ts). The pairs themselves are found by seeking through this same index, one seek
-- per pair (vocabulary.ts kindsOf), so they are exact without a table to keep in step.
-- Plain columns rather than an expression such as (category_code << 16) | operation_code: as
-- small on disk, exact for any code, and the planner needs no expression repeated word for word.
-- Only an index is built (the events table is read once, not rewritten).
CREATE INDEX events_by_kind ON events (account_key, stream, category_code, operation_code, occurred_at);
DROP INDEX events_by_operation;
DROP INDEX events_by_category;
