import { describe, expect, it } from 'vitest';
import { endToInput, inputToEnd, inputToStart, relativeTime, startToInput, utcTime } from './time.ts';

describe('date inputs', () => {
  it('send the start as is and the end as the next minute boundary, and read both back', () => {
    const start = inputToStart('2026-11-20T10:30');
    const end = inputToEnd('2026-11-20T10:30');
    expect(new Date(end).getTime() - new Date(start).getTime()).toBe(60_000);
    expect(startToInput(start)).toBe('2026-11-20T10:30');
    expect(endToInput(end)).toBe('2026-11-20T10:30');
  });

  it('treat empty and malformed values as unset', () => {
    expect(inputToStart('')).toBe('');
    expect(inputToEnd('yesterday')).toBe('');
    expect(startToInput('not a date')).toBe('');
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  it('picks the largest fitting unit', () => {
    expect(relativeTime('2026-11-20T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(relativeTime('2026-11-20T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-18T12:00:00Z', now)).toMatch(/2 days ago/);
  });

  it('prints UTC to the millisecond', () => {
    expect(utcTime('2026-11-20T05:00:00.123Z')).toBe('2026-11-20 05:00:00.123 UTC');
  });
});
