-- 013_search_terms_by_account: the free-text index holds each trigram per account (search-terms.ts).
--
-- With FTS5's trigram tokenizer over the bare text, a trigram's postings were one doclist across all
-- accounts. FTS5 finds a query's first match before it applies the rowid bounds, so every query
-- first walked the doclists of other accounts' rows: on the 5e6 bench data set, the newest match
-- of four trigrams took ~0.62 ms at p50 for any account, largest or smallest. Indexed as terms of
-- one account ("7kbag" for "bag" in account 7), the same query takes 0.04 ms in the largest
-- account and 0.02 ms in a small one; its 64 newest matches 0.43 ms instead of 1.0 in the largest.
-- Trigrams holding the newline that joins the fields are left out (no match spans two fields): at
-- 5e6 the index takes 226 MB in one segment, against 284 MB in three before.
--
-- search_terms() is a function each connection registers (registerSearchTerms): a connection
-- without it can read the index but not write, delete or rebuild it.
DROP TRIGGER events_fts_delete;
DROP TABLE events_fts;
DROP VIEW events_search_text;

-- The text of 004, as its terms.
CREATE VIEW events_search_terms (row_key, terms) AS
  SELECT row_key, search_terms(account_key, concat_ws(char(10), api_path,
      CASE WHEN instr(api_path, target_id) > 0 THEN NULL ELSE target_id END,
      CASE WHEN instr(target_path, target_name) > 0 THEN NULL ELSE target_name END,
      target_path))
  FROM events;

-- ascii: a term is letters and digits, one token.
CREATE VIRTUAL TABLE events_fts USING fts5 (
  terms,
  tokenize = 'ascii',
  content = 'events_search_terms',
  content_rowid = 'row_key',
  detail = none,
  columnsize = 0
);
-- As 011 and 012 set them.
INSERT INTO events_fts (events_fts, rank) VALUES ('pgsz', 500);
INSERT INTO events_fts (events_fts, rank) VALUES ('usermerge', 2);

CREATE TRIGGER events_fts_delete AFTER DELETE ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, terms) VALUES (
    'delete',
    old.row_key,
    search_terms(old.account_key, concat_ws(char(10), old.api_path,
      CASE WHEN instr(old.api_path, old.target_id) > 0 THEN NULL ELSE old.target_id END,
      CASE WHEN instr(old.target_path, old.target_name) > 0 THEN NULL ELSE old.target_name END,
      old.target_path))
  );
END;

-- From the view: ~80 s at 5e6 events on the bench machine, most of it computing the terms. The
-- rebuild leaves a segment per few MB of terms (15 at 5e6); one query reads every segment.
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
-- One segment: ~7 s at 5e6.
INSERT INTO events_fts (events_fts) VALUES ('optimize');
