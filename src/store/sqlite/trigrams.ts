/**
 * @module Which of a search text's trigrams the trigram index is asked about. FTS5 intersects the
 * doclist of every trigram in the query, and its time grows with their length: for "bag-57620"
 * on the 5e6 bench data set, "bag" (76k postings in the largest account) and "-57" (20k) took most
 * of the query's ~1.5 ms, while "620", "576" and "762" (2–4k each) alone name the same 69 rows.
 *
 * Any non-empty subset of the text's trigrams is correct: every match holds all of them, and the
 * re-check on the columns drops rows that hold the trigrams but not the text. So the choice only
 * changes speed, and may rest on estimates: the rarest few ({@link CHOSEN_TRIGRAMS}), ranked by how
 * many of the account's newest rows it takes to find {@link SAMPLE_POSTINGS} postings of each, an
 * estimate kept for {@link ESTIMATE_TTL_MS}.
 */
import type { StatementCache } from './database.ts';
import { inAccountRows, MAX_SEQ } from './row-key.ts';
import { isIndexedTrigram, searchTerm } from './search-terms.ts';

/**
 * Trigrams asked about at most, and never more than one beyond the text's cover (so a short text
 * is not asked about redundant common trigrams). On the 5e6 bench data set (256 file names of 9
 * characters), the three rarest named more candidates than the cover for 22 names (up to 5×, and
 * each extra candidate is a row read), the four rarest for 6 (at most 2×), in ~half the time:
 * the rarest trigrams sit side by side, and the fourth is usually one that fixes where they are.
 */
export const CHOSEN_TRIGRAMS = 4;
/** Postings sampled per trigram: a common one costs a few µs to sample, a rare one is counted. */
export const SAMPLE_POSTINGS = 64;
/** How long an estimate is kept: accounts change slowly, and a stale one only costs speed. */
export const ESTIMATE_TTL_MS = 10 * 60_000;
/**
 * Trigrams estimated at most for one text. A text may hold ~200 (MAX_Q_LENGTH); beyond this many,
 * evenly spaced ones are ranked (any four spread over a long text are selective anyway).
 */
export const MAX_RANKED_TRIGRAMS = 16;
/** Estimates kept at most (oldest dropped first): ~100 bytes each. */
const MAX_ESTIMATES = 50_000;

/**
 * The trigrams of a cover of `text`: non-overlapping ones (plus the last) that hold every
 * character. What a text is searched for when no estimates choose (see createTrigramChooser).
 */
export function coverTrigrams(text: string): string[] {
  const chars = [...text];
  const starts = new Set<number>();
  for (let i = 0; i + 3 <= chars.length; i += 3) starts.add(i);
  starts.add(chars.length - 3);
  return [...starts].map((i) => chars.slice(i, i + 3).join(''));
}

/** Every distinct trigram of `text`, by code point, as FTS5's trigram tokenizer cuts it. */
export function allTrigrams(text: string): string[] {
  const chars = [...text];
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(''));
  return [...trigrams];
}

/** The trigrams of `text` worth an estimate: all, or {@link MAX_RANKED_TRIGRAMS} evenly spaced. */
export function rankedTrigrams(text: string): string[] {
  const trigrams = allTrigrams(text);
  if (trigrams.length <= MAX_RANKED_TRIGRAMS) return trigrams;
  const step = (trigrams.length - 1) / (MAX_RANKED_TRIGRAMS - 1);
  return Array.from({ length: MAX_RANKED_TRIGRAMS }, (_, i) => trigrams[Math.round(i * step)]!);
}

/**
 * Postings of `trigram` in the account, estimated from its newest ones: counted exactly when it
 * has fewer than SAMPLE_POSTINGS, else scaled by the share of the account's seqs that held them.
 */
const ESTIMATE_SQL = `SELECT count(*) AS found, min(rowid) & ${MAX_SEQ} AS reached,
    (SELECT head_seq FROM event_accounts WHERE account_key = ?) AS head
  FROM (SELECT rowid FROM events_fts
    WHERE events_fts MATCH ? AND ${inAccountRows('rowid')}
    ORDER BY rowid DESC LIMIT ${SAMPLE_POSTINGS})`;

interface EstimateRow {
  found: number;
  reached: number | null;
  head: number | null;
}

function estimatedPostings({ found, reached, head }: EstimateRow): number {
  if (found < SAMPLE_POSTINGS || reached === null || head === null) return found;
  return (found * head) / Math.max(1, head - reached + 1);
}

/**
 * Builds the chooser list() asks which trigrams of a text to search for. `now` is injectable for
 * tests of the estimates' lifetime.
 *
 * @example
 * const rarest = createTrigramChooser(statements);
 * rarest(accountKey, 'bag-57620'); // ['620', '576', '762', '-57']
 */
export function createTrigramChooser(
  statements: StatementCache,
  now: () => number = Date.now,
): (accountKey: number, text: string) => string[] {
  const estimates = new Map<string, { postings: number; at: number }>();

  const estimate = (accountKey: number, trigram: string): number => {
    const key = `${accountKey}:${trigram}`;
    const kept = estimates.get(key);
    if (kept && now() - kept.at < ESTIMATE_TTL_MS) return kept.postings;
    const row = statements
      .get(ESTIMATE_SQL)
      .get(accountKey, searchTerm(accountKey, trigram), accountKey, accountKey);
    const postings = estimatedPostings(row as EstimateRow);
    estimates.delete(key);
    if (estimates.size >= MAX_ESTIMATES) estimates.delete(estimates.keys().next().value as string);
    estimates.set(key, { postings, at: now() });
    return postings;
  };

  return (accountKey, text) => {
    const trigrams = rankedTrigrams(text).filter(isIndexedTrigram);
    const wanted = Math.min(CHOSEN_TRIGRAMS, coverTrigrams(text).length + 1);
    if (trigrams.length <= wanted) return trigrams;
    return trigrams
      .map((trigram) => ({ trigram, postings: estimate(accountKey, trigram) }))
      .sort((a, b) => a.postings - b.postings)
      .slice(0, wanted)
      .map((t) => t.trigram);
  };
}
