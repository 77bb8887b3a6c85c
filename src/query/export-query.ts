/**
 * @module Parses the GET /v1/events/export querystring. Every bad or unknown parameter is reported
 * at once as QUERY_INVALID, naming the parameter and the rule, like the list's parser.
 */
import { AuditlogError, type Violation } from '../errors.ts';
import { STREAMS, type Stream } from '../events/catalog.ts';
import { parseDateTime } from '../ingest/date-time.ts';

/** The parameters the export understands. */
export const EXPORT_PARAMETERS = ['stream', 'from', 'to', 'after_seq'] as const;

/** The largest after_seq accepted: seqs are below 2^40 in every engine (see the SQLite row_key). */
const MAX_SEQ = 2 ** 40 - 1;

/** A validated export request; absent `streams` means every stream the caller may read. */
export interface ExportParams {
  streams?: Stream[];
  /** Inclusive lower bound on occurredAt (ISO 8601, milliseconds, UTC). */
  from?: string;
  /** Exclusive upper bound on occurredAt. */
  to?: string;
  /** Resume after this seq (the last line of an interrupted export); 0 from the start. */
  afterSeq: number;
}

/** A raw querystring as Fastify parses it: repeated keys become arrays. */
export type RawExportQuery = Record<string, string | string[] | undefined>;

function single(raw: RawExportQuery, name: string, bad: Violation[]): string | undefined {
  const value = raw[name];
  if (Array.isArray(value)) {
    bad.push({ field: `query/${name}`, rule: 'must be given at most once' });
    return undefined;
  }
  return value === undefined || value === '' ? undefined : value;
}

function instant(raw: RawExportQuery, name: string, bad: Violation[]): string | undefined {
  const value = single(raw, name, bad);
  if (value === undefined) return undefined;
  const ms = parseDateTime(value);
  if (ms !== null) return new Date(ms).toISOString();
  bad.push({
    field: `query/${name}`,
    rule: 'must be an ISO 8601 date-time with a timezone, e.g. 2026-01-31T00:00:00Z',
  });
  return undefined;
}

/** `stream=a&stream=b` and `stream=a,b` alike; duplicates folded, catalog order kept. */
function streamsOf(raw: RawExportQuery, bad: Violation[]): Stream[] | undefined {
  const value = raw.stream;
  if (value === undefined) return undefined;
  const asked = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim());
  const named = asked.filter((v) => v !== '');
  if (named.length === 0) return undefined;
  const unknown = named.find((v) => !STREAMS.includes(v as Stream));
  if (unknown !== undefined) {
    bad.push({
      field: 'query/stream',
      rule: `each value must be one of: ${STREAMS.join(', ')} (got "${unknown.slice(0, 64)}")`,
    });
    return undefined;
  }
  return STREAMS.filter((s) => named.includes(s));
}

function afterSeqOf(raw: RawExportQuery, bad: Violation[]): number {
  const value = single(raw, 'after_seq', bad);
  if (value === undefined) return 0;
  const n = /^\d{1,13}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 0 && n <= MAX_SEQ) return n;
  bad.push({ field: 'query/after_seq', rule: `must be an integer from 0 to ${MAX_SEQ}` });
  return 0;
}

/**
 * Parses and validates the export querystring; throws QUERY_INVALID listing every problem.
 *
 * @example parseExportQuery({ stream: 'central,media', after_seq: '1200' }) // { streams: ['central', 'media'], afterSeq: 1200 }
 */
export function parseExportQuery(raw: RawExportQuery): ExportParams {
  const bad: Violation[] = [];
  const known = new Set<string>(EXPORT_PARAMETERS);
  for (const name of Object.keys(raw).filter((n) => !known.has(n))) {
    bad.push({
      field: `query/${name.slice(0, 64)}`,
      rule: `is not a known parameter (known: ${EXPORT_PARAMETERS.join(', ')})`,
    });
  }
  const streams = streamsOf(raw, bad);
  const from = instant(raw, 'from', bad);
  const to = instant(raw, 'to', bad);
  if (from !== undefined && to !== undefined && from >= to)
    bad.push({ field: 'query/from', rule: 'must be before to' });
  const afterSeq = afterSeqOf(raw, bad);
  if (bad.length > 0) {
    const names = bad.map((v) => v.field.replace('query/', '')).join(', ');
    throw new AuditlogError('QUERY_INVALID', `Invalid query parameter(s): ${names}`, { violations: bad });
  }
  const params: ExportParams = { afterSeq };
  if (streams) params.streams = streams;
  if (from !== undefined) params.from = from;
  if (to !== undefined) params.to = to;
  return params;
}
