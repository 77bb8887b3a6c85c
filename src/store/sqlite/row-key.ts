/**
 * @module The row key of events (migrations/001_init.sql): account_key << 40 | seq, so an
 * account's events are one rowid range, in seq order.
 */

/** The largest seq a row key holds: 40 bits. */
export const MAX_SEQ = 2 ** 40 - 1;

/**
 * A condition keeping `column` (a row key) within one account's range. Parameters: the account
 * key, twice.
 */
export function inAccountRows(column: string): string {
  return `${column} BETWEEN (? << 40) AND ((? << 40) | ${MAX_SEQ})`;
}
