/**
 * @module Times as people read them: relative ("3 hours ago"), exact in the viewer's zone and in
 * UTC, and the conversion between `datetime-local` inputs and the API's ISO instants. The end date
 * is inclusive to the user (up to and including that minute) and exclusive to the API, so the page
 * always sends the next minute boundary, and shows it back one minute earlier.
 */

const MINUTE = 60_000;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', MINUTE],
];

/** "3 hours ago", "in 2 minutes", "just now". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 45_000) return 'just now';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size) return format.format(Math.round(delta / size), unit);
  }
  return format.format(Math.round(delta / 1000), 'second');
}

/** The exact time in the viewer's time zone, with the zone named. */
export function localTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'long',
  }).format(new Date(iso));
}

/** The local date and time to the minute, for lists where "2 days ago" would repeat. */
export function shortLocalTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** The exact time in UTC, to the millisecond: `2026-11-20 05:00:00.123 UTC`. */
export function utcTime(iso: string): string {
  return `${new Date(iso).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** Both, for a tooltip. */
export function timeTitle(iso: string): string {
  return `${localTime(iso)}\n${utcTime(iso)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

function toInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function parseInput(value: string): Date | null {
  // `YYYY-MM-DDTHH:mm` without an offset is local time by the ECMAScript date-time format.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A start instant as a `datetime-local` value ('' when unset or unreadable). */
export function startToInput(iso: string): string {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? toInput(date) : '';
}

/** A `datetime-local` start as the API's inclusive `from`. */
export function inputToStart(value: string): string {
  return parseInput(value)?.toISOString() ?? '';
}

/** An exclusive `to` as the inclusive minute the user picked. */
export function endToInput(iso: string): string {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? toInput(new Date(date.getTime() - MINUTE)) : '';
}

/** A `datetime-local` end (that minute included) as the API's exclusive `to`: the next minute. */
export function inputToEnd(value: string): string {
  const date = parseInput(value);
  return date ? new Date(date.getTime() + MINUTE).toISOString() : '';
}
