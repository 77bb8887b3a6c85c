/**
 * @module Route schemas of /v1/events: the OpenAPI description and the response serializers. The
 * event shapes themselves come from src/events/schema.ts, the single source.
 */
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { AuditEventSchema, EventSummarySchema, IngestBodySchema, LIMITS } from '../../../events/schema.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_Q_LENGTH } from '../../../query/parse.ts';
import { problemResponses } from '../problems.ts';

const Appended = Type.Object({
  id: Type.String({ description: 'The ULID Auditlog assigned' }),
  seq: Type.Integer({ description: "The event's place in the account's gap-free sequence" }),
});

export const postEventsSchema = {
  tags: ['events'],
  summary: 'Record one event or a batch',
  description:
    'Accepts one event, or `{"events": [...]}` with 1 to 1000 events, all or nothing. Answers 201 only ' +
    'once the events are durable. A retry with the same `Idempotency-Key` header (or the same ' +
    '`idempotencyKey` field) stores nothing twice and answers 201 with the same body as the first ' +
    'time, plus the header `Idempotent-Replayed: true` when every event was already stored. In a ' +
    'batch, the header key of event i is `<key>:<i>` unless the event carries its own key. ' +
    'A 422 lists every invalid field of every event.',
  body: IngestBodySchema,
  headers: Type.Object({
    'idempotency-key': Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Makes retries safe: same key, same result' }),
    ),
  }),
  response: {
    201: Type.Object({ data: Type.Array(Appended) }),
    ...problemResponses(400, 401, 403, 413, 415, 422),
  },
};

const csv = (what: string) =>
  Type.Optional(Type.String({ description: `${what}; repeat the parameter or separate values with commas` }));

export const EventListQuerySchema = Type.Object({
  stream: Type.Optional(
    Type.String({ description: 'central (the default when omitted), media or access', default: 'central' }),
  ),
  actor: csv('Actor ids'),
  operation: csv('Operations, e.g. create,update'),
  category: csv('Categories, e.g. url_endpoints'),
  status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Inclusive lower bound on occurredAt' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive upper bound on occurredAt' })),
  target_path: Type.Optional(Type.String({ maxLength: LIMITS.path, description: 'Exact asset path' })),
  request_id: Type.Optional(Type.String({ maxLength: LIMITS.requestId })),
  q: Type.Optional(
    Type.String({ maxLength: MAX_Q_LENGTH, description: 'Case-insensitive text in path, target or actor' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  cursor: Type.Optional(
    Type.String({ description: 'next_cursor of the previous page, with the same filters' }),
  ),
});

export const listEventsSchema = {
  tags: ['events'],
  summary: 'List events, newest first',
  description: 'Filters combine with AND; the values of one filter with OR. Unknown parameters are refused.',
  querystring: EventListQuerySchema,
  response: {
    200: Type.Object({
      data: Type.Array(EventSummarySchema),
      next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
    }),
    ...problemResponses(400, 401, 403),
  },
};

export const getEventSchema = {
  tags: ['events'],
  summary: 'One event with its payloads and hashes',
  description: "An unknown id and another account's id get the same 404.",
  params: Type.Object({ id: Type.String() }),
  response: {
    200: Type.Object({ data: AuditEventSchema }),
    ...problemResponses(401, 403, 404),
  },
};

export const EventExportQuerySchema = Type.Object({
  stream: Type.Optional(
    Type.String({
      description:
        'Streams to export (central, media, access); repeat the parameter or separate with commas. ' +
        'Default: every stream the caller may read',
    }),
  ),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Inclusive lower bound on occurredAt' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive upper bound on occurredAt' })),
  after_seq: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Resume after this seq: the seq of the last complete line of an interrupted export',
    }),
  ),
});

export const exportEventsSchema = {
  tags: ['events'],
  summary: "Export the account's events as NDJSON, in seq order",
  description:
    'Streams every matching event whole (payloads, prevHash, hash), one JSON object per line, oldest ' +
    'seq first, so the hash chain can be verified line by line. The export covers the events up to ' +
    'the head seq at its start, given in the `Auditlog-Head-Seq` header. A response cut short (the ' +
    'connection closes before the chunked body ends) is incomplete: resume with `after_seq` set to ' +
    "the last complete line's seq. A viewer's export is recorded in the access stream.",
  querystring: EventExportQuerySchema,
  response: {
    200: {
      description: 'One AuditEvent per line (application/x-ndjson)',
      headers: {
        'Auditlog-Head-Seq': {
          description: "The account's last seq when the export started: no later event is included",
          schema: { type: 'integer' },
        },
      },
      // Each line is an AuditEvent; the handler sends them as a stream, hence the static type.
      content: { 'application/x-ndjson': { schema: Type.Unsafe<Readable>(AuditEventSchema) } },
    },
    ...problemResponses(400, 401, 403),
  },
};
