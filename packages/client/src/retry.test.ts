import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './retry.ts';
import { invalidIndexes } from './transport.ts';

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base·2^(attempt-1))] — full jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, { baseMs: 100, capMs: 5000 }, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(5000, 100 * 2 ** (attempt - 1)));
        },
      ),
    );
  });

  it('grows the window exponentially up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 100, capMs: 1000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:05 GMT', now)).toBe(5000);
  });
  it('ignores garbage, clamps past dates to 0 and caps at one hour', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
  });
});

describe('invalidIndexes', () => {
  it('reads violation indexes, or the index inside /events/<i>/ fields, sorted and unique', () => {
    expect(
      invalidIndexes({
        violations: [
          { index: 3, field: '/events/3/ip' },
          { field: '/events/1/category' },
          { index: 3 },
          { field: '/x' },
        ],
      }),
    ).toEqual([1, 3]);
    expect(invalidIndexes('not json')).toEqual([]);
    expect(invalidIndexes({ violations: [{ field: '/events' }] })).toEqual([]);
  });
});
