/**
 * @module Parses the GET /v1/events querystring into a validated {@link EventQuery}. Every bad or
 * unknown parameter is reported at once as QUERY_INVALID, naming the parameter and the rule.
 */
import { AuditlogError, type Violation } from '../errors.ts';
import { STREAMS, type Stream } from '../events/catalog.ts';
import { LIMITS } from '../events/schema.ts';
import { parseDateTime } from '../ingest/date-time.ts';
import type { EventQuery } from '../store/types.ts';
import { decodeCursor } from './cursor.ts';

/** The parameters GET /v1/events understands. */
export const QUERY_PARAMETERS = [
  'stream',
  'actor',
  'operation',
  'category',
  'status',
  'from',
  'to',
  'target_path',
  'request_id',
  'q',
  'limit',
  'cursor',
] as const;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
export const MAX_Q_LENGTH = 200;
/** How many values one multi-valued filter may carry. */
export const MAX_FILTER_VALUES = 50;

const NAME = /^[a-z][a-z0-9_]*$/;

/** A raw querystring as Fastify parses it: repeated keys become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>;

class Collector {
  readonly violations: Violation[] = [];
  add(name: string, rule: string): undefined {
    this.violations.push({ field: `query/${name}`, rule });
    return undefined;
  }
}

/** A single-valued parameter; empty means absent (a form that submits empty fields). */
function single(raw: RawQuery, name: string, bad: Collector): string | undefined {
  const value = raw[name];
  if (Array.isArray(value)) return bad.add(name, 'must be given at most once');
  return value === undefined || value === '' ? undefined : value;
}

/** A repeatable parameter: `actor=a&actor=b` and `actor=a,b` both mean a or b. */
function multi(raw: RawQuery, name: string, bad: Collector, pattern?: RegExp): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim());
  const values = [...new Set(parts.filter((v) => v !== ''))];
  if (values.length === 0) return undefined;
  if (values.length > MAX_FILTER_VALUES)
    return bad.add(name, `must have at most ${MAX_FILTER_VALUES} values`);
  const tooLong = values.find((v) => v.length > LIMITS.id);
  if (tooLong !== undefined) return bad.add(name, `each value must be at most ${LIMITS.id} characters`);
  const wrong = pattern ? values.find((v) => !pattern.test(v)) : undefined;
  if (wrong !== undefined) return bad.add(name, `each value must match ${String(pattern)} (got "${wrong}")`);
  return values;
}

function instant(raw: RawQuery, name: string, bad: Collector): string | undefined {
  const value = single(raw, name, bad);
  if (value === undefined) return undefined;
  const ms = parseDateTime(value);
  if (ms === null)
    return bad.add(name, 'must be an ISO 8601 date-time with a timezone, e.g. 2026-01-31T00:00:00Z');
  return new Date(ms).toISOString();
}

function limitOf(raw: RawQuery, bad: Collector): number {
  const value = single(raw, 'limit', bad);
  if (value === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) {
    bad.add('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    return DEFAULT_LIMIT;
  }
  return n;
}

function bounded(raw: RawQuery, name: string, max: number, bad: Collector): string | undefined {
  const value = single(raw, name, bad);
  if (value !== undefined && value.length > max) return bad.add(name, `must be at most ${max} characters`);
  return value;
}

function filtersOf(raw: RawQuery, bad: Collector): Omit<EventQuery, 'limit' | 'after'> {
  const stream = single(raw, 'stream', bad) ?? 'central';
  if (!STREAMS.includes(stream as Stream)) bad.add('stream', `must be one of: ${STREAMS.join(', ')}`);
  const status = single(raw, 'status', bad);
  if (status !== undefined && status !== 'success' && status !== 'failure') {
    bad.add('status', 'must be one of: success, failure');
  }
  const from = instant(raw, 'from', bad);
  const to = instant(raw, 'to', bad);
  if (from !== undefined && to !== undefined && from >= to) bad.add('from', 'must be before to');
  const entries = {
    stream: stream as Stream,
    actorIds: multi(raw, 'actor', bad),
    operations: multi(raw, 'operation', bad, NAME),
    categories: multi(raw, 'category', bad, NAME),
    status: status as EventQuery['status'],
    from,
    to,
    targetPath: bounded(raw, 'target_path', LIMITS.path, bad),
    requestId: bounded(raw, 'request_id', LIMITS.requestId, bad),
    q: bounded(raw, 'q', MAX_Q_LENGTH, bad),
  };
  // Absent filters are left out entirely, so the cursor hash does not depend on undefined members.
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as typeof entries;
}

/**
 * Parses and validates the list querystring. Throws QUERY_INVALID listing every bad or unknown
 * parameter, or CURSOR_MALFORMED for a cursor that was not issued for these filters (and, given a
 * `cursorScope`, to this scope — the route passes the account id).
 *
 * @example parseEventQuery({ actor: 'u1,u2', limit: '20' }) // { stream: 'central', actorIds: ['u1','u2'], limit: 20 }
 */
export function parseEventQuery(query: RawQuery, options: { cursorScope?: string } = {}): EventQuery {
  const bad = new Collector();
  const raw: RawQuery = { ...query };
  const known = new Set<string>(QUERY_PARAMETERS);
  const unknown = Object.keys(raw).filter((name) => !known.has(name));
  for (const name of unknown)
    bad.add(name, `is not a known parameter (known: ${QUERY_PARAMETERS.join(', ')})`);
  // PostgreSQL text cannot hold NUL; refusing it here keeps both engines answering alike.
  for (const name of QUERY_PARAMETERS) {
    const value = raw[name];
    if ((Array.isArray(value) ? value : [value ?? '']).some((v) => v.includes('\u0000'))) {
      bad.add(name, 'must not contain NUL characters');
      delete raw[name];
    }
  }
  const filters = filtersOf(raw, bad);
  const limit = limitOf(raw, bad);
  const cursor = single(raw, 'cursor', bad);
  if (bad.violations.length > 0) {
    const names = bad.violations.map((v) => v.field.replace('query/', '')).join(', ');
    throw new AuditlogError('QUERY_INVALID', `Invalid query parameter(s): ${names}`, {
      violations: bad.violations,
    });
  }
  const parsed: EventQuery = { ...filters, limit };
  if (cursor !== undefined) parsed.after = decodeCursor(cursor, filters, options.cursorScope);
  return parsed;
}
