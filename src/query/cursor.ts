/**
 * @module Opaque keyset cursors. A cursor carries the last row's position and a short hash of the
 * filters it was issued for, so it cannot be replayed against another query. Decoding is strict:
 * whatever a client sends, a bad cursor is a 400 CURSOR_MALFORMED, never a 5xx.
 */
import { createHash } from 'node:crypto';
import { AuditlogError } from '../errors.ts';
import { canonicalJson } from '../events/chain.ts';
import { parseDateTime } from '../ingest/date-time.ts';
import type { EventQuery, Keyset } from '../store/types.ts';

const VERSION = 1;
const MAX_CURSOR_LENGTH = 1024;
const MAX_ID_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The filters a cursor is bound to: everything but the page size and the position. */
export type CursorFilters = Omit<EventQuery, 'limit' | 'after'>;

/** Sorted, de-duplicated copy of the filters, so `actor=a,b` and `actor=b,a` share cursors. */
function normalise(filters: CursorFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? [...new Set(value)].sort() : value;
  }
  return out;
}

/**
 * A short hash of the normalised filters and the scope (collisions only matter against a
 * deliberate forger). The scope is the account the cursor was issued to, so a cursor taken from
 * another account's listing is refused rather than silently re-positioned.
 */
export function filterHash(filters: CursorFilters, scope?: string): string {
  const bound = scope === undefined ? normalise(filters) : { ...normalise(filters), '@scope': scope };
  return createHash('sha256').update(canonicalJson(bound)).digest('base64url').slice(0, 16);
}

/**
 * Encodes a page's last row into an opaque cursor for the same filters.
 *
 * @example encodeCursor({ occurredAt: '2026-01-01T00:00:00.000Z', id: '01J…' }, { stream: 'central' })
 */
export function encodeCursor(keyset: Keyset, filters: CursorFilters, scope?: string): string {
  const payload = { v: VERSION, o: keyset.occurredAt, i: keyset.id, f: filterHash(filters, scope) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function malformed(rule: string): AuditlogError {
  return new AuditlogError('CURSOR_MALFORMED', `cursor ${rule}`, {
    violations: [{ field: 'query/cursor', rule }],
  });
}

function parsePayload(cursor: string): Record<string, unknown> {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor))
    throw malformed('is not a cursor we issued');
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through: garbage is reported the same way as a wrong shape
  }
  throw malformed('is not a cursor we issued');
}

/**
 * Decodes a cursor issued for `filters`; throws CURSOR_MALFORMED for garbage, a wrong shape, a bad
 * date or a cursor issued for other filters.
 */
export function decodeCursor(cursor: string, filters: CursorFilters, scope?: string): Keyset {
  const payload = parsePayload(cursor);
  const { v, o, i, f } = payload;
  if (v !== VERSION || Object.keys(payload).length !== 4) throw malformed('has an unknown version or shape');
  if (typeof o !== 'string' || parseDateTime(o) === null) throw malformed('holds an invalid date');
  if (typeof i !== 'string' || i.length === 0 || i.length > MAX_ID_LENGTH)
    throw malformed('holds an invalid id');
  if (f !== filterHash(filters, scope))
    throw malformed('was issued for other filters; start again from the first page');
  return { occurredAt: o, id: i };
}
