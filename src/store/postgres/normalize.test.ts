/**
 * @module What the PostgreSQL engine does to an event before sealing it: times to millisecond UTC,
 * missing payloads to null, and text PostgreSQL cannot store refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { normalizeEvent } from './normalize.ts';

describe('normalizeEvent', () => {
  it('rewrites times as millisecond UTC ISO strings and missing payloads as null', () => {
    const result = normalizeEvent(
      makePendingEvent({
        occurredAt: '2026-03-01T11:00:00.123456+01:00',
        receivedAt: '2026-03-01T10:00:01Z',
        before: undefined,
      }),
      0,
    );
    expect(result.ok && result.event.occurredAt).toBe('2026-03-01T10:00:00.123Z');
    expect(result.ok && result.event.receivedAt).toBe('2026-03-01T10:00:01.000Z');
    expect(result.ok && result.event.before).toBeNull();
  });

  it('accepts surrogate pairs and lists every unstorable field with the event index', () => {
    expect(normalizeEvent(makePendingEvent({ actor: { type: 'user', id: 'u😀' } }), 0).ok).toBe(true);
    const result = normalizeEvent(
      makePendingEvent({
        target: { type: 'file', id: 'f1', path: '/a\ud800.jpg' },
        userAgent: 'x\u0000',
        occurredAt: 'yesterday',
      }),
      4,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.violations.map((v) => [v.field, v.index])).toEqual([
        ['/events/4/occurredAt', 4],
        ['/events/4/target/path', 4],
        ['/events/4/userAgent', 4],
      ]);
    }
  });
});
