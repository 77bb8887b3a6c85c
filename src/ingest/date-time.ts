/** @module Strict ISO 8601 date-time parsing, shared by ingest validation and query parsing. */
import { FormatRegistry } from '@sinclair/typebox';

// RFC 3339 profile of ISO 8601: a full date, a 'T', a time with seconds, optional fraction, and a
// mandatory offset. A timestamp without an offset is ambiguous in an audit log, so it is refused.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 date-time into epoch milliseconds, or `null` when the text is not one or names
 * a day that does not exist (Date.parse would silently turn 2024-02-30 into March 1st).
 *
 * @example parseDateTime('2026-01-02T03:04:05.678Z') // 1767323045678
 */
export function parseDateTime(text: string): number | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, , offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  if (offset && offset.length === 6 && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) {
    return null;
  }
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? null : ms;
}

/** Registers the `date-time` format with TypeBox so compiled checkers enforce it. Idempotent. */
export function registerDateTimeFormat(): void {
  if (!FormatRegistry.Has('date-time')) {
    FormatRegistry.Set('date-time', (value) => parseDateTime(value) !== null);
  }
}
