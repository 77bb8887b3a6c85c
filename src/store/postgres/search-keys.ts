/**
 * @module Migration 8: free text is indexed by account and trigram together. Migration 6's index was
 * (account_id, search text gin_trgm_ops), and btree_gin answers `account_id = $1` as a partial
 * match: every search read the account's whole entry (40% of a month's rows for the largest
 * account, ~110 index pages) into a bitmap before intersecting it with the trigrams. A file name is
 * rare, so a search reaches every month, and at 5M events that alone cost ~1 ms per month.
 *
 * Now each row is indexed under `account:trigram` for every trigram pg_trgm finds in its text
 * (show_trgm), and a search asks for the keys of its own trigrams under its own account: posting
 * lists as long as that account's rows with the trigram, and no account entry to read at all.
 */
import { SEARCH_TEXT } from './slim-events.ts';

/** The indexed expression: queries must use exactly this text to be served by the index. */
export const SEARCH_KEYS = `auditlog_search_keys(account_id, ${SEARCH_TEXT})`;

/** The index of migration 8, one per partition. */
export const SEARCH_KEYS_INDEX = 'events_search_keys';

/** Migration 8, before its partitions' pending lists are limited (migrations.ts). */
export const SEARCH_KEYS_MIGRATION = `
-- show_trgm is called through the schema pg_trgm was installed in: an index expression must not
-- depend on the search_path of whoever inserts.
DO $$
BEGIN
  EXECUTE format($fn$
    CREATE FUNCTION auditlog_search_keys(account text, search text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT array_agg(account || '':'' || t) FROM unnest(%I.show_trgm(search)) t'
  $fn$, (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'));
END $$;
DROP INDEX events_search;
-- A GIN build sorts its entries in memory; the default 64 MB flushes a month several times.
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX ${SEARCH_KEYS_INDEX} ON events USING gin ((${SEARCH_KEYS}));
`;

/**
 * Most keys a search asks for, spread over q from its first trigram to its last. Every key costs
 * each month's index a descent and a posting list to step through, while the exact test re-checks
 * every candidate anyway: a long q (an email address has a dozen trigrams or more) would pay for
 * keys that no longer narrow anything. A file name such as
 * `bag-10091` has four. Measured at 5M events on 256 file names, 4 against every key: p50 and p99
 * the same within this machine's run-to-run noise (p50 7.2–12.1 ms for either).
 */
export const MAX_KEYS = 4;

/** Trigrams pg_trgm pads a word with: two spaces before it, one after. */
const BEFORE_WORD = '  ';
const AFTER_WORD = ' ';

/** True for a character pg_trgm certainly treats as a word separator, whatever the locale. */
function separates(char: string | undefined): boolean {
  return char !== undefined && char < '\u0080' && !/[a-z0-9]/.test(char);
}

/** The trigrams of one run of q that every text containing q also has under show_trgm. */
function runTrigrams(run: string, wordStart: boolean, wordEnd: boolean): string[] {
  const padded = `${wordStart ? BEFORE_WORD : ''}${run}${wordEnd ? AFTER_WORD : ''}`;
  return Array.from({ length: Math.max(0, padded.length - 2) }, (_, i) => padded.slice(i, i + 3));
}

/**
 * The index keys a row containing q certainly has, or null when q gives no trigram and the index
 * cannot narrow the search. Usually the trigrams inside q's runs of ASCII letters and digits: the
 * word-boundary ones a separator in q adds (`bag-35001`: "ag ", "  3", " 35") are in nearly every
 * row and only make each search read more. When the runs hold fewer than three trigrams (`bag-15`),
 * the boundary trigrams are what narrows it, so they are asked for too. Only an ASCII separator
 * counts as a boundary: pg_trgm may take a non-ASCII character as part of a word, and a key a
 * matching row lacks would hide that row. At most MAX_KEYS of them.
 *
 * @example
 * searchKeys('acc_1', 'Bag-35001'); // ['acc_1:bag', 'acc_1:350', 'acc_1:500', 'acc_1:001']
 * searchKeys('acc_1', 'Bag-35001.jpg'); // ['acc_1:bag', 'acc_1:350', 'acc_1:001', 'acc_1:jpg']
 * searchKeys('acc_1', 'bag-15'); // ['acc_1:bag', 'acc_1:ag ', 'acc_1:  1', 'acc_1: 15']
 */
export function searchKeys(accountId: string, q: string): string[] | null {
  // ASCII only: PostgreSQL's lower() may fold other letters differently than JavaScript does.
  const lowered = q.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  const runs = [...lowered.matchAll(/[a-z0-9]+/g)].map((match) => ({
    run: match[0],
    wordStart: separates(lowered[match.index - 1]),
    wordEnd: separates(lowered[match.index + match[0].length]),
  }));
  const inner = runs.flatMap(({ run }) => runTrigrams(run, false, false));
  const trigrams =
    inner.length >= 3
      ? inner
      : runs.flatMap(({ run, wordStart, wordEnd }) => runTrigrams(run, wordStart, wordEnd));
  const unique = [...new Set(trigrams)];
  if (unique.length === 0) return null;
  const asked =
    unique.length <= MAX_KEYS
      ? unique
      : Array.from(
          { length: MAX_KEYS },
          (_, i) => unique[Math.round((i * (unique.length - 1)) / (MAX_KEYS - 1))]!,
        );
  return asked.map((trigram) => `${accountId}:${trigram}`);
}
