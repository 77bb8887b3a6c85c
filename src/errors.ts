/**
 * @module The one registry of coded errors. Every failure a client can see has a stable `code`, an
 * HTTP status and a title here; the server maps an {@link AuditlogError} to RFC 9457 problem+json in
 * exactly one place (src/server/problem.ts).
 */

/** One field-level violation: where it is and which rule it broke. */
export interface Violation {
  /** JSON-pointer-like path of the offending field, e.g. `/events/3/ip` or `query/limit`. */
  field: string;
  /** The rule that failed, in words a developer can act on. */
  rule: string;
  /** Index of the event in a batch, when the violation belongs to one event. */
  index?: number;
}

const definitions = {
  EVENT_INVALID: { status: 422, title: 'The event is invalid' },
  BATCH_TOO_LARGE: { status: 413, title: 'Too many events in one request' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  BODY_MALFORMED: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  QUERY_INVALID: { status: 400, title: 'A query parameter is invalid' },
  BAD_REQUEST: { status: 400, title: 'The request is malformed' },
  CURSOR_MALFORMED: { status: 400, title: 'The cursor is malformed or was not issued for this query' },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    title: 'The idempotency key was already used for a different event',
  },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  TOKEN_EXPIRED: { status: 401, title: 'The token has expired' },
  FORBIDDEN: { status: 403, title: 'The credentials do not allow this action' },
  FEATURE_NOT_ENABLED: { status: 403, title: 'Audit logs are available on Enterprise plans' },
  ROLE_NOT_ALLOWED: { status: 403, title: 'Your role does not allow reading audit logs' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'The account does not exist' },
  MEMBER_NOT_FOUND: { status: 404, title: 'The member does not exist' },
  MEMBER_INVALID: { status: 422, title: 'The member is invalid' },
  ACCOUNT_INVALID: { status: 422, title: 'The account settings are invalid' },
  TOKEN_REQUEST_INVALID: { status: 422, title: 'The viewer-token request is invalid' },
  ACCOUNT_EXISTS: { status: 409, title: 'The account already exists' },
  PLAN_REQUIRED: { status: 409, title: 'The feature requires the enterprise plan' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  CONFIG_INVALID: { status: 500, title: 'The configuration is invalid' },
  STORE_UNAVAILABLE: { status: 503, title: 'The event store is unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

/** Every stable error code the service can emit. */
export type ErrorCode = keyof typeof definitions;

/** An error a client or operator can act on: a stable code, a status, a detail and violations. */
export class AuditlogError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly violations: Violation[];
  /** Extra headers the HTTP layer should send (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { violations?: Violation[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    const def = definitions[code];
    super(detail ?? def.title, { cause: options.cause });
    this.name = 'AuditlogError';
    this.code = code;
    this.status = def.status;
    this.title = def.title;
    this.violations = options.violations ?? [];
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for a single-field validation failure. */
export function invalid(code: ErrorCode, field: string, rule: string): AuditlogError {
  return new AuditlogError(code, `${field}: ${rule}`, { violations: [{ field, rule }] });
}

/** True when `value` is one of our coded errors. */
export function isAuditlogError(value: unknown): value is AuditlogError {
  return value instanceof AuditlogError;
}

/** The HTTP status and title of a code, for documentation and the OpenAPI document. */
export function describeError(code: ErrorCode): { status: number; title: string } {
  return definitions[code];
}

/** All codes, for the OpenAPI document and the README. */
export const errorCodes = Object.keys(definitions) as ErrorCode[];
