-- 005_detail_blocks: the detail documents of one appended batch are deflated together.
--
-- A ~1.3 KiB detail document deflates to ~370 bytes on its own, even with the preset dictionary:
-- every deflate stream pays for its own Huffman tables, and a document cannot refer back to its
-- neighbours. Deflating the documents of one batch together (our client sends batches of up to 100
-- events) measured ~300 bytes per document on the bench data set, in half the CPU time.
--
-- detail_blocks holds one body per block: the first bytes say how it is encoded, exactly as an
-- inline detail does (1 = raw deflate, 2 = raw deflate with the dictionary whose id follows), and
-- the rest inflates to the documents laid end to end. block_key is the row_key of the block's first
-- event. An event in a block stores, in events.detail, a reference instead of its document: the
-- byte 3, then three varints: its distance from the block's first event (so its block is row_key
-- minus that), and the offset and length of its document in the inflated body.
--
-- Blocks stay small (~10 KiB before deflate, ~3 KiB after) so several fit in one 16 KiB page;
-- larger blocks compress a little better but leave more of each page empty.
--
-- Retention (purge.ts) deletes a block with its last event. When only some of a block's events
-- expire, it rewrites the block with the expired documents blanked out (spaces, which deflate to
-- almost nothing), so offsets of the survivors stay valid and no expired content survives.
CREATE TABLE detail_blocks (
  block_key INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);
