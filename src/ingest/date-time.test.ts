import { describe, expect, it } from 'vitest';
import { parseDateTime } from './date-time.ts';

describe('parseDateTime', () => {
  it('parses RFC 3339 date-times with Z or an offset, with or without fractions', () => {
    expect(parseDateTime('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseDateTime('2026-01-02T03:04:05.678Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(parseDateTime('2026-01-02T05:04:05+02:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseDateTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it.each([
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:00',
    '2026-01-01',
    '2026-01-01T00:00:00+25:00',
    'yesterday',
    '',
    "2026-01-01T00:00:00Z' OR 1=1",
  ])('refuses %j', (text) => {
    expect(parseDateTime(text)).toBeNull();
  });
});
