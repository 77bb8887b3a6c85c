/**
 * @module The event schema: the single source of validation, TypeScript types and the OpenAPI
 * document for audit events. Producers send an {@link EventInput}; the service stores an
 * {@link AuditEvent}; list pages return {@link EventSummary} rows.
 */
import { type Static, Type } from '@sinclair/typebox';
import { STREAMS } from './catalog.ts';

/** Upper bounds on strings, so no field can carry an unbounded blob outside the payloads. */
export const LIMITS = {
  id: 256,
  name: 256,
  email: 320,
  path: 2048,
  route: 512,
  userAgent: 1024,
  requestId: 256,
  idempotencyKey: 256,
  /** Default cap on the serialized size of each of request/response/before/after. */
  payloadBytes: 64 * 1024,
  /** Nesting of objects and arrays in a payload: deeper is refused (and could never be redacted). */
  payloadDepth: 64,
  batchEvents: 1000,
  /** How far into the future a producer's `occurredAt` may be (clock skew allowance). */
  futureSkewMs: 5 * 60 * 1000,
} as const;

const Name = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 });

export const StreamSchema = Type.Union(
  STREAMS.map((s) => Type.Literal(s)),
  { description: 'central: dashboard writes; media: the Media Library; access: reads of the log itself' },
);

export const StatusSchema = Type.Union([Type.Literal('success'), Type.Literal('failure')]);

export const ActorSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('user'), Type.Literal('api_key'), Type.Literal('system')], {
      description: 'Who acted: a person, an API key, or the system itself',
    }),
    id: Type.String({
      minLength: 1,
      maxLength: LIMITS.id,
      description: "The host product's id for the actor",
    }),
    email: Type.Optional(Type.String({ maxLength: LIMITS.email })),
    name: Type.Optional(Type.String({ maxLength: LIMITS.name })),
  },
  { additionalProperties: false },
);

export const TargetSchema = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Kind of resource, e.g. url_endpoint, file',
    }),
    id: Type.String({ minLength: 1, maxLength: LIMITS.id }),
    name: Type.Optional(Type.String({ maxLength: LIMITS.name })),
    path: Type.Optional(
      Type.String({
        maxLength: LIMITS.path,
        description: 'Asset path for Media Library events, e.g. /products/shoe.jpg',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApiSchema = Type.Object(
  {
    method: Type.Union(
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => Type.Literal(m)),
    ),
    route: Type.String({
      minLength: 1,
      maxLength: LIMITS.route,
      description: 'Route template, e.g. /v1/url-endpoints/:id',
    }),
    path: Type.String({
      minLength: 1,
      maxLength: LIMITS.path,
      description: 'Concrete path, e.g. /v1/url-endpoints/42',
    }),
  },
  { additionalProperties: false },
);

const Json = Type.Unknown({ description: 'Any JSON value; secrets are redacted before storage' });

/** What a producer sends. `id`, `seq`, `receivedAt`, `hash` and `prevHash` are ours, never theirs. */
export const EventInputSchema = Type.Object(
  {
    stream: Type.Optional(
      Type.Union([Type.Literal('central'), Type.Literal('media')], {
        default: 'central',
        description: 'Defaults to central',
      }),
    ),
    category: Name,
    operation: Name,
    actor: ActorSchema,
    target: Type.Optional(TargetSchema),
    api: Type.Optional(ApiSchema),
    request: Type.Optional(Json),
    response: Type.Optional(Json),
    before: Type.Optional(Type.Unknown({ description: 'State of the resource before the change, if known' })),
    after: Type.Optional(Type.Unknown({ description: 'State of the resource after the change, if known' })),
    status: StatusSchema,
    httpStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    ip: Type.Optional(Type.String({ maxLength: 64, description: 'Client IPv4 or IPv6 address' })),
    userAgent: Type.Optional(Type.String({ maxLength: LIMITS.userAgent })),
    requestId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.requestId })),
    occurredAt: Type.String({
      format: 'date-time',
      description: "When it happened, by the producer's clock (ISO 8601)",
    }),
    idempotencyKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: LIMITS.idempotencyKey,
        description: 'Retries with the same key store nothing twice',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInputSchema>;

/** The body of POST /v1/events: one event, or a batch. */
export const IngestBodySchema = Type.Union([
  EventInputSchema,
  Type.Object(
    { events: Type.Array(EventInputSchema, { minItems: 1, maxItems: LIMITS.batchEvents }) },
    { additionalProperties: false },
  ),
]);

/** A stored event: immutable, sequenced and chained. */
export const AuditEventSchema = Type.Object({
  id: Type.String({ description: 'ULID assigned by Auditlog; sorts by receipt time' }),
  seq: Type.Integer({ minimum: 1, description: 'Per-account sequence: strictly increasing, gap-free' }),
  accountId: Type.String(),
  stream: StreamSchema,
  category: Type.String(),
  operation: Type.String(),
  actor: ActorSchema,
  target: Type.Union([TargetSchema, Type.Null()]),
  api: Type.Union([ApiSchema, Type.Null()]),
  request: Json,
  response: Json,
  before: Json,
  after: Json,
  status: StatusSchema,
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  idempotencyKey: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.String({ format: 'date-time' }),
  prevHash: Type.String({
    description: 'hash of the previous event of the account (64 zeros for the first)',
  }),
  hash: Type.String({ description: 'sha256 over prevHash and the canonical encoding of this event' }),
});
export type AuditEvent = Static<typeof AuditEventSchema>;

/** A table row: what the list page shows, without the payloads. */
export const EventSummarySchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  stream: StreamSchema,
  occurredAt: Type.String({ format: 'date-time' }),
  actor: ActorSchema,
  category: Type.String(),
  operation: Type.String(),
  status: StatusSchema,
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  api: Type.Union([ApiSchema, Type.Null()]),
  target: Type.Union([TargetSchema, Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
});
export type EventSummary = Static<typeof EventSummarySchema>;

export type Actor = Static<typeof ActorSchema>;
export type Target = Static<typeof TargetSchema>;
export type Api = Static<typeof ApiSchema>;
export type EventStatus = Static<typeof StatusSchema>;
