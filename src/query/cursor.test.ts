import { describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import { type CursorFilters, decodeCursor, encodeCursor } from './cursor.ts';

const keyset = { occurredAt: '2026-05-01T10:00:00.000Z', id: '01JTESTULID0000000000000000' };
const filters: CursorFilters = { stream: 'central', actorIds: ['u1', 'u2'], status: 'success' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof AuditlogError ? error.code : 'OTHER';
  }
  return 'NONE';
}

describe('cursor', () => {
  it('round-trips a keyset for the same filters, whatever the order of multi-values', () => {
    const cursor = encodeCursor(keyset, filters);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, { ...filters, actorIds: ['u2', 'u1'] })).toEqual(keyset);
  });

  it('refuses a cursor issued for other filters or another stream', () => {
    const cursor = encodeCursor(keyset, filters);
    expect(codeOf(() => decodeCursor(cursor, { ...filters, status: 'failure' }))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(cursor, { ...filters, stream: 'media' }))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(cursor, { stream: 'central' }))).toBe('CURSOR_MALFORMED');
  });

  it.each([
    ['garbage', '!!!not-base64!!!'],
    ['empty json', Buffer.from('{}').toString('base64url')],
    ['not json', Buffer.from('hello').toString('base64url')],
    ['an array', Buffer.from('[1,2]').toString('base64url')],
    ['a null', Buffer.from('null').toString('base64url')],
    ['too long', 'A'.repeat(5000)],
  ])('refuses %s', (_label, cursor) => {
    expect(codeOf(() => decodeCursor(cursor, filters))).toBe('CURSOR_MALFORMED');
  });

  it('refuses a forged payload with a bad date, a bad id or an extra member', () => {
    const valid = JSON.parse(Buffer.from(encodeCursor(keyset, filters), 'base64url').toString());
    const forge = (patch: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...valid, ...patch })).toString('base64url');
    expect(decodeCursor(forge({}), filters)).toEqual(keyset);
    expect(codeOf(() => decodeCursor(forge({ o: '2026-02-30T00:00:00Z' }), filters))).toBe(
      'CURSOR_MALFORMED',
    );
    expect(codeOf(() => decodeCursor(forge({ o: 12 }), filters))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(forge({ i: '' }), filters))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(forge({ i: { $gt: '' } }), filters))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(forge({ v: 2 }), filters))).toBe('CURSOR_MALFORMED');
    expect(codeOf(() => decodeCursor(forge({ x: 1 }), filters))).toBe('CURSOR_MALFORMED');
  });
});
