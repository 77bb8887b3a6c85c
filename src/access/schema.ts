/**
 * @module The schemas of the access API — members, account settings, viewer tokens and the caller's
 * own session: the single source of request validation, response serialization, TypeScript types
 * and the OpenAPI document for these payloads.
 */
import { type Static, Type } from '@sinclair/typebox';
import { STREAMS } from '../events/catalog.ts';
import { LIMITS } from '../events/schema.ts';
import { ROLES } from './policies.ts';

/** Bounds of viewer-token lifetimes, in seconds. */
export const VIEWER_TOKEN_TTL = { default: 15 * 60, min: 60, max: 24 * 60 * 60 } as const;
/** Bounds of an account's retention, in days (as AUDITLOG_DEFAULT_RETENTION_DAYS). */
export const RETENTION_DAYS = { min: 1, max: 36_500 } as const;

// No control characters: they have no place in ids, names or emails, and PostgreSQL text cannot
// hold NUL at all (refusing it here keeps both engines answering alike).
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$';

export const RoleSchema = Type.Union(
  ROLES.map((role) => Type.Literal(role)),
  { description: 'owner, admin and auditor may read audit logs; developer and member may not' },
);

/** A member id: the host product's id for the person, unique within the account. */
export const MemberIdSchema = Type.String({
  minLength: 1,
  maxLength: LIMITS.id,
  pattern: PRINTABLE,
  description: "The host product's id for the member",
});

/** The path parameters of /v1/members/:id. */
export const MemberParamsSchema = Type.Object({ id: MemberIdSchema });

/** PUT /v1/members/:id — the member as the host product knows them now. */
export const MemberBodySchema = Type.Object(
  {
    email: Type.String({
      maxLength: LIMITS.email,
      pattern: '^[^\\s@]+@[^\\s@]+$',
      description: 'The member’s email, shown as the actor of their reads',
    }),
    name: Type.String({ minLength: 1, maxLength: LIMITS.name, pattern: PRINTABLE }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);
export type MemberBody = Static<typeof MemberBodySchema>;

/** A member as the API returns it. */
export const MemberSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  createdAt: Type.String({ format: 'date-time', description: 'When the member was first synced' }),
  updatedAt: Type.String({ format: 'date-time', description: 'When the member was last synced' }),
});
export type MemberView = Static<typeof MemberSchema>;

/** PATCH /v1/account — only the fields given change. */
export const AccountPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name, pattern: PRINTABLE })),
    plan: Type.Optional(
      Type.Union([Type.Literal('free'), Type.Literal('enterprise')], {
        description: 'Moving to free turns audit logs off (recorded as such)',
      }),
    ),
    auditLogsEnabled: Type.Optional(
      Type.Boolean({ description: 'Can be true only on the enterprise plan (else 409 PLAN_REQUIRED)' }),
    ),
    retentionDays: Type.Optional(
      Type.Integer({
        minimum: RETENTION_DAYS.min,
        maximum: RETENTION_DAYS.max,
        description: 'Events older than this many days are purged',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AccountPatchBody = Static<typeof AccountPatchSchema>;

/** The caller's own account as the API returns it. */
export const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  plan: Type.Union([Type.Literal('free'), Type.Literal('enterprise')]),
  auditLogsEnabled: Type.Boolean(),
  retentionDays: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type AccountView = Static<typeof AccountSchema>;

/** POST /v1/viewer-tokens — a short-lived read token for one member. */
export const ViewerTokenRequestSchema = Type.Object(
  {
    memberId: MemberIdSchema,
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: VIEWER_TOKEN_TTL.min,
        maximum: VIEWER_TOKEN_TTL.max,
        default: VIEWER_TOKEN_TTL.default,
        description: 'Lifetime; default 900 (15 minutes)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ViewerTokenRequest = Static<typeof ViewerTokenRequestSchema>;

export const ViewerTokenSchema = Type.Object({
  token: Type.String({ description: 'alv1.<claims>.<signature>: send as "Authorization: Bearer <token>"' }),
  expiresAt: Type.String({ format: 'date-time' }),
  memberId: Type.String(),
  role: RoleSchema,
});
export type ViewerTokenView = Static<typeof ViewerTokenSchema>;

const StreamNameSchema = Type.Union(STREAMS.map((s) => Type.Literal(s)));

/** GET /v1/me — who the credential is, and what it may read (the page shows only those streams). */
export const SessionSchema = Type.Object({
  kind: Type.Union([Type.Literal('viewer'), Type.Literal('api_key')]),
  accountId: Type.String(),
  auditLogsEnabled: Type.Boolean(),
  member: Type.Union([MemberSchema, Type.Null()], { description: 'The viewer; null for a server key' }),
  streams: Type.Array(StreamNameSchema, { description: 'The streams this credential may read' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: "The viewer token's expiry; null for a server key",
  }),
});
export type SessionView = Static<typeof SessionSchema>;
