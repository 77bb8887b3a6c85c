/** @module Deterministic ULIDs: the time part from a timestamp, the random part from our seeded PRNG. */
import type { Random } from './prng.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID for `timeMs` whose 80 random bits come from `random`, so a seed reproduces the same ids.
 * (ulidx draws from crypto randomness, which would make two runs differ.)
 *
 * @example
 * seededUlid(Date.UTC(2026, 0, 1), mulberry32(1)); // '01KDX…' (26 chars)
 */
export function seededUlid(timeMs: number, random: Random): string {
  let time = '';
  let t = timeMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  for (let i = 0; i < 16; i++) {
    rest += CROCKFORD[Math.floor(random() * 32)];
  }
  return time + rest;
}
