-- 012_search_merge_pairs: the writer's idle-time merges of the trigram index (search-merge.ts)
-- combine segments two at a time, not four.
--
-- The index gains one segment per write transaction; FTS5's automerge (4) keeps them in levels of
-- up to ~4 each, and a query looks every trigram up in every segment. A 5e6 bench data set loaded
-- by the store held 32 segments; free text then took 3.4–3.9 ms at p50 and 7.4–8.7 at p99
-- (1,000 queries, 3 runs). Merged pairwise until nothing was left to merge (252 steps of 2,000
-- pages, 11 s once): 3 segments, p50 2.5–2.9 ms and p99 4.6–6.2 on the same machine, interleaved.
INSERT INTO events_fts (events_fts, rank) VALUES ('usermerge', 2);
