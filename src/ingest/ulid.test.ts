import { randomFillSync } from 'node:crypto';
import { decodeTime, isValid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { createUlidGenerator, POOL_BYTES } from './ulid.ts';

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

describe('createUlidGenerator', () => {
  it('makes valid ULIDs that carry the given time', () => {
    const nextId = createUlidGenerator();
    for (const time of [0, 1, Date.UTC(2026, 5, 1, 12), 2 ** 48 - 1]) {
      const id = createUlidGenerator()(time);
      expect(id).toMatch(ULID);
      expect(isValid(id)).toBe(true);
      expect(decodeTime(id)).toBe(time);
    }
    expect(decodeTime(nextId())).toBeGreaterThan(Date.now() - 60_000);
  });

  it('makes unique ids that sort in generation order, across pool refills and ticking time', () => {
    let refills = 0;
    const nextId = createUlidGenerator((pool) => {
      refills++;
      randomFillSync(pool);
    });
    const start = Date.UTC(2026, 0, 1);
    // Two ids per millisecond (the second increments the first), and several pools' worth of draws.
    const ids = Array.from({ length: 5000 }, (_, i) => nextId(start + Math.floor(i / 2)));
    expect(refills).toBeGreaterThan(2500 / (POOL_BYTES / 16));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(decodeTime(ids.at(-1)!)).toBe(start + 2499);
  });

  it('stays monotonic when the clock steps back, keeping the later time', () => {
    const nextId = createUlidGenerator();
    const first = nextId(2_000_000);
    const second = nextId(1_000_000);
    expect(second > first).toBe(true);
    expect(decodeTime(second)).toBe(2_000_000);
  });

  it('draws the random part from the pool, not from a constant', () => {
    // Different pools give different random parts for the same time; equal pools, equal parts.
    const fixed = (byte: number) => (pool: Uint8Array) => pool.fill(byte);
    expect(createUlidGenerator(fixed(0))(5)).toBe(`0000000005${'0'.repeat(16)}`);
    expect(createUlidGenerator(fixed(31))(5).slice(10)).toBe('Z'.repeat(16));
    expect(createUlidGenerator(fixed(255))(5).slice(10)).toBe('Z'.repeat(16));
  });

  it('moves to the next millisecond instead of wrapping when the random part is all ones', () => {
    const nextId = createUlidGenerator((pool) => pool.fill(31));
    const full = nextId(10);
    const next = nextId(10);
    expect(next > full).toBe(true);
    expect(decodeTime(next)).toBe(11);
  });

  it('refuses times a ULID cannot hold', () => {
    const nextId = createUlidGenerator();
    for (const time of [-1, 1.5, 2 ** 48, Number.NaN]) expect(() => nextId(time)).toThrow(RangeError);
  });
});
