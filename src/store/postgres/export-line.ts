/**
 * @module The text of a PostgreSQL export line, built mostly by the server: each row comes back as
 * the JSON object of every member before the payloads (the head), the stored payloads, and the JSON
 * object of every member after them (the tail). Node only decompresses the payloads and splices the
 * three together. Turning ~23 columns into a row object, an AuditEvent and JSON again cost more per
 * event than the rest of the export: the server does that work on the other core, in C.
 *
 * Both objects come from row_to_json over LATERAL subqueries, which PostgreSQL folds into the scan:
 * it writes a whole object in one call, where to_json per member (and `||` between them) cost ~3x
 * as much of the server's time per row, measured over 20,000 bench rows.
 */
import type { Stream } from '../../events/catalog.ts';
import type { ExportLine } from '../types.ts';
import { decodePayloadText, type Payloads } from './payload.ts';

/** An ISO 8601 instant in UTC with milliseconds, as Date#toISOString writes it. */
const iso = (column: string) => `to_char(e.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A member of a JSON object: its name in the line and the SQL of its value. */
type Member = readonly [name: string, sql: string];

/** `(SELECT <sql> AS "<name>", …) <alias>`: a subquery whose row_to_json is the object. */
function lateral(alias: string, members: readonly Member[]): string {
  return `LATERAL (SELECT ${members.map(([name, sql]) => `${sql} AS "${name}"`).join(', ')}) ${alias}`;
}

/**
 * A nested object whose optional members are left out when NULL (as toActor and toTarget leave
 * them out): one subquery per combination of the optional members present, and a CASE that picks
 * the object of the combination a row has. Two optional members make four subqueries; PostgreSQL
 * evaluates only the branch it takes.
 */
function objectWithOptionals(alias: string, required: readonly Member[], optional: readonly Member[]) {
  const laterals: string[] = [];
  const branches: string[] = [];
  for (let present = (1 << optional.length) - 1; present >= 0; present--) {
    const chosen = optional.filter((_, i) => present & (1 << i));
    laterals.push(lateral(`${alias}_${present}`, [...required, ...chosen]));
    const test = optional
      .map(([, sql], i) => `${sql} IS ${present & (1 << i) ? 'NOT ' : ''}NULL`)
      .join(' AND ');
    branches.push(
      present === 0 ? `ELSE row_to_json(${alias}_0)` : `WHEN ${test} THEN row_to_json(${alias}_${present})`,
    );
  }
  return { laterals, value: `CASE ${branches.join(' ')} END` };
}

const actor = objectWithOptionals(
  'actor',
  [
    ['type', 'e.actor_type'],
    ['id', 'e.actor_id'],
  ],
  [
    ['email', 'e.actor_email'],
    ['name', 'e.actor_name'],
  ],
);

const target = objectWithOptionals(
  'target',
  [
    ['type', 'e.target_type'],
    ['id', 'e.target_id'],
  ],
  [
    ['name', 'e.target_name'],
    ['path', 'e.target_path'],
  ],
);

const API: readonly Member[] = [
  ['method', 'e.api_method'],
  ['route', 'e.api_route'],
  ['path', 'e.api_path'],
];

/** The members toEvent (rows.ts) puts before the payloads, in its order. */
const HEAD: readonly Member[] = [
  ['id', 'e.id'],
  ['seq', 'e.seq'],
  ['stream', 'e.stream'],
  ['occurredAt', iso('occurred_at')],
  ['actor', actor.value],
  ['category', 'e.category'],
  ['operation', 'e.operation'],
  ['status', 'e.status'],
  ['httpStatus', 'e.http_status'],
  [
    'api',
    `CASE WHEN ${API.map(([, sql]) => `${sql} IS NULL`).join(' OR ')} THEN NULL ELSE row_to_json(api) END`,
  ],
  ['target', `CASE WHEN e.target_type IS NULL OR e.target_id IS NULL THEN NULL ELSE ${target.value} END`],
  ['ip', 'e.ip'],
  ['requestId', 'e.request_id'],
  ['accountId', 'e.account_id'],
];

/** The members after the payloads. */
const TAIL: readonly Member[] = [
  ['userAgent', 'e.user_agent'],
  ['idempotencyKey', 'e.idempotency_key'],
  ['receivedAt', iso('received_at')],
  ['prevHash', 'e.prev_hash'],
  ['hash', 'e.hash'],
];

/**
 * What an export reads from: the events (as `e`; qualify its columns) and the subqueries the line's
 * objects are made of.
 */
export const LINE_FROM = [
  'events e',
  ...actor.laterals,
  ...target.laterals,
  lateral('api', API),
  lateral('head', HEAD),
  lateral('tail', TAIL),
].join(',\n  ');

/**
 * The columns of an export row, in {@link LineRow}'s order. The stored payloads travel as base64
 * (PostgreSQL breaks its lines every 76 characters; Buffer.from skips the breaks): 4/3 of their
 * size on the wire against bytea's hex, 2x, and Node decodes it in less than half the time.
 */
export const LINE_COLUMNS =
  "e.seq, e.stream, row_to_json(head)::text, e.payload::text, encode(e.payload_deflated, 'base64'), row_to_json(tail)::text";

/** A row of {@link LINE_COLUMNS}, as pg returns it with `rowMode: 'array'`. */
export type LineRow = [
  seq: string,
  stream: Stream,
  /** The head object, closing brace included. */
  head: string,
  /** The json payloads of a row written before migration 6, as stored, else null. */
  payload: string | null,
  /** The stored payloads of a row written since (payload.ts), in base64, else null. */
  payloadDeflated: string | null,
  /** The tail object, opening brace included. */
  tail: string,
];

/** How every document encodePayloads writes begins: the four members, in toEvent's order. */
const SPLICEABLE_START = '{"request":';

/** The payloads' members as JSON without braces, in toEvent's order, absent ones as null. */
function payloadMembers(payloads: Payloads): string {
  const json = (value: unknown) => JSON.stringify(value ?? null);
  return `"request":${json(payloads.request)},"response":${json(payloads.response)},"before":${json(payloads.before)},"after":${json(payloads.after)}`;
}

/**
 * The members of the stored payloads, ready to splice: the stored document's own text when it is
 * the four members in order (every event sealed by chain.ts has all four), else re-serialized.
 */
function membersOf(row: LineRow): string {
  if (row[4] !== null) {
    const text = decodePayloadText(Buffer.from(row[4], 'base64'));
    if (text.startsWith(SPLICEABLE_START)) return text.slice(1, -1);
    return payloadMembers(JSON.parse(text) as Payloads);
  }
  return payloadMembers(row[3] === null ? {} : (JSON.parse(row[3]) as Payloads));
}

/** The export line of a row: the same event toEvent would read, as one line of JSON. */
export function lineOf(row: LineRow): ExportLine {
  return { stream: row[1], json: `${row[2].slice(0, -1)},${membersOf(row)},${row[5].slice(1)}` };
}
