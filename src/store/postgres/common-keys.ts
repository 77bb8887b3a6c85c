/**
 * @module Which free-text keys (search-keys.ts) are common, read from PostgreSQL's own statistics:
 * ANALYZE keeps, for each month's keys index, its "most common elements": up to 1,000 keys (at the
 * default statistics target), each found in more than ~0.4% of the sampled rows of the month. A
 * key outside every month's list is rarer than that in each month, and so is any row holding it
 * and other keys: a search asking for it reads few rows through the index whatever the other keys
 * are. That is what lets search.ts run its index lookups on their generic plans (planned once per
 * connection instead of ~2 ms each time) without the risk of a generic plan reading every row of
 * a common word. The planner's own choice rests on the same statistics: where they are stale (a
 * month that grew since it was last analysed) it would misjudge the same terms.
 */
import type pg from 'pg';
import { SEARCH_KEYS_INDEX } from './search-keys.ts';

/** Common keys of every analysed month of the keys index, and one row per analysed month. */
export const COMMON_KEYS_SQL = `
SELECT s.most_common_elems::text::text[] AS keys
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
 WHERE i.inhparent = '${SEARCH_KEYS_INDEX}'::regclass`;

/** How long a list is used before it is read again: autovacuum analyses a month far less often. */
export const COMMON_KEYS_MAX_AGE_MS = 10 * 60_000;

export interface CommonKeys {
  /**
   * The common keys of every analysed month, or undefined when no month has statistics (or they
   * could not be read). The first call waits for the first read (~30 ms at 5M events); later calls
   * never wait: past the maximum age they start a new read and return the list they have.
   */
  current(): Promise<ReadonlySet<string> | undefined>;
  /** Reads the list now. */
  refresh(): Promise<void>;
}

/**
 * True when the index certainly finds few rows for `keys`: at least one of them is outside every
 * month's common keys. False when nothing is known yet.
 *
 * @example
 * hasRareKey(['acc_1:bag', 'acc_1:350'], new Set(['acc_1:bag'])); // true
 */
export function hasRareKey(keys: readonly string[], common: ReadonlySet<string> | undefined): boolean {
  return common !== undefined && keys.some((key) => !common.has(key));
}

/**
 * A list of common keys read through `pool`, kept for `maxAgeMs`. A failed read keeps the last list.
 *
 * @example
 * const common = createCommonKeys(pool);
 * hasRareKey(searchKeys('acc_1', 'bag-35001')!, await common.current());
 */
export function createCommonKeys(
  pool: pg.Pool,
  maxAgeMs = COMMON_KEYS_MAX_AGE_MS,
  now: () => number = Date.now,
): CommonKeys {
  let keys: ReadonlySet<string> | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;

  const refresh = (): Promise<void> => {
    reading ??= (async () => {
      try {
        const { rows } = await pool.query<{ keys: string[] | null }>(COMMON_KEYS_SQL);
        keys = rows.length === 0 ? undefined : new Set(rows.flatMap((row) => row.keys ?? []));
        readAt = now();
      } catch {
        // Kept as it was: the next call past the maximum age tries again.
        readAt = now();
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  return {
    async current() {
      if (now() - readAt < maxAgeMs) return keys;
      const read = refresh();
      if (readAt === Number.NEGATIVE_INFINITY) await read;
      return keys;
    },
    refresh,
  };
}
