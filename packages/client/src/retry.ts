/**
 * @module When to try again: exponential backoff with full jitter, and the server's `Retry-After`.
 */

export interface BackoffOptions {
  /** First delay ceiling. Default 200 ms. */
  baseMs?: number;
  /** Largest delay ceiling. Default 30 s. */
  capMs?: number;
}

/**
 * Full jitter: a uniformly random delay in [0, min(cap, base·2^(attempt-1))]. Spreading retries over
 * the whole window keeps many producers from hammering a recovering server in lockstep.
 *
 * @example backoffDelay(3, { baseMs: 100 }, Math.random) // somewhere in 0..400 ms
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const base = options.baseMs ?? 200;
  const cap = options.capMs ?? 30_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP-date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable; never negative; capped at one hour so a bad header
 * cannot stall the queue for days.
 *
 * @example parseRetryAfter('2') // 2000
 */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(0, ms), 3_600_000);
}
