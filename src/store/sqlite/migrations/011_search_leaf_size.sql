-- 011_search_leaf_size: trigram index leaves of ~500 bytes instead of FTS5's default ~4,000.
--
-- FTS5 can skip through a term's doclist only where the doclist has an index of its own, which it
-- writes for doclists spanning at least four leaves. An account's share of a common trigram ("bag",
-- "jpg", "202") in one segment is a few kilobytes: with ~4 KB leaves it had no such index, and a
-- query for "bag-63100" read every "bag" of the account in every segment to intersect it with
-- "-63" and "100". Measured on the 1e6 bench data set, index written as the store writes it (one
-- segment per 500-event transaction): the trigram query's p50 over 300 file names went from 0.65
-- to 0.35 ms (1,000-byte leaves: 0.46 ms; 250-byte ones: 0.38). The index takes ~59 bytes per
-- event instead of ~54 (a 1e6 data set loaded afresh; 58 against 50 at 5e6 after the rewrite).
INSERT INTO events_fts (events_fts, rank) VALUES ('pgsz', 500);
-- Rewrites the existing segments (one segment at the new size): ~2 s at 1e6 events, ~11 s at 5e6.
INSERT INTO events_fts (events_fts) VALUES ('optimize');
