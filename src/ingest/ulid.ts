/**
 * @module Monotonic ULIDs for event ids, drawn from a pooled random buffer. The `ulidx` factory asks
 * the CSPRNG once per character (16 calls per id), which showed up as ~5% of the server's CPU under
 * one-event-per-request load; one `randomFillSync` per {@link POOL_BYTES} bytes costs a fraction.
 */
import { randomFillSync } from 'node:crypto';

/** Crockford's base32, the ULID alphabet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** The largest time a ULID holds: 48 bits of milliseconds. */
const MAX_TIME = 2 ** 48 - 1;
/** 8 KiB: 512 ids per refill; small enough that the unused rest of a pool is no memory concern. */
export const POOL_BYTES = 8192;

/** Encodes a millisecond time as the 10-character ULID prefix. */
function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    const digit = rest % 32;
    out = ALPHABET[digit] + out;
    rest = (rest - digit) / 32;
  }
  return out;
}

/**
 * Returns a generator of ULIDs that sort in generation order: within one millisecond (or when the
 * clock steps back) the previous id's random part is incremented, as the ULID spec's monotonic mode
 * says. `fill` supplies the random bytes; it is a parameter only so tests can make pools run out.
 *
 * @example
 * const nextId = createUlidGenerator();
 * nextId(Date.now()); // '01JD6Z3QK8T4V0M5S9XAYB2C7E'
 */
export function createUlidGenerator(
  fill: (pool: Uint8Array) => void = (pool) => randomFillSync(pool),
): (time?: number) => string {
  const pool = new Uint8Array(POOL_BYTES);
  let offset = POOL_BYTES;
  let lastTime = -1;
  let timePrefix = '';
  /** The random part as 16 base32 digits (0–31), kept to increment within a millisecond. */
  const digits = new Uint8Array(RANDOM_CHARS);

  function freshRandom(): void {
    if (offset + RANDOM_CHARS > POOL_BYTES) {
      fill(pool);
      offset = 0;
    }
    // 256 is a multiple of 32, so the low five bits of a uniform byte are a uniform digit.
    for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = pool[offset + i]! & 31;
    offset += RANDOM_CHARS;
  }

  /** Adds one to the random part; false when all 80 bits were already set (it wrapped to zero). */
  function increment(): boolean {
    for (let i = RANDOM_CHARS - 1; i >= 0; i--) {
      if (digits[i]! < 31) {
        digits[i]!++;
        return true;
      }
      digits[i] = 0;
    }
    return false;
  }

  function setTime(ms: number): void {
    lastTime = ms;
    timePrefix = encodeTime(ms);
  }

  return (time = Date.now()) => {
    if (!Number.isInteger(time) || time < 0 || time > MAX_TIME) {
      throw new RangeError(`A ULID time must be an integer from 0 to 2^48-1 ms, not ${time}`);
    }
    if (time > lastTime) {
      setTime(time);
      freshRandom();
    } else if (!increment()) {
      // 2^80 ids in one millisecond cannot happen from a random start; stay sortable regardless.
      setTime(lastTime + 1);
      freshRandom();
    }
    let id = timePrefix;
    for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[digits[i]!];
    return id;
  };
}
