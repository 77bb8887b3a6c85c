-- 008_zstd_dictionaries: detail documents are compressed with Zstandard and a larger dictionary.
--
-- Measured on the bench data set: blocks stored with Zstandard (level 11) and a 128 KiB dictionary
-- of redacted sample documents take 0.76 of what deflate with its ~1.4 KiB token dictionary took,
-- about 330 -> 250 bytes per event. Rows written before keep their deflate encoding and the
-- dictionary they name (codec 1); a database with only a deflate dictionary samples its next
-- documents and learns a Zstandard one (codec 2), as a new database does.
ALTER TABLE detail_dictionaries ADD COLUMN codec INTEGER NOT NULL DEFAULT 1 CHECK (codec IN (1, 2));
