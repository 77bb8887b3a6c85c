/**
 * @module The dashboard's coded errors and the one place they become HTTP replies. Every failure a
 * caller sees is `{ code, message, violations? }` with a stable code, so the day-in-the-life script
 * and the audit log can tell a validation failure from a forbidden one.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

const definitions = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL: 500,
} as const;

/** Every stable error code the dashboard can reply with. */
export type DashboardErrorCode = keyof typeof definitions;

/** One field-level violation: which field, which rule. */
export interface Violation {
  field: string;
  rule: string;
}

/** An error a caller can act on; {@link registerErrorHandler} maps it to its HTTP status. */
export class DashboardError extends Error {
  readonly code: DashboardErrorCode;
  readonly status: number;
  readonly violations: Violation[];

  /** `status` overrides the code's usual one, for Fastify's own 4xx errors (413, 415). */
  constructor(code: DashboardErrorCode, message: string, violations: Violation[] = [], status?: number) {
    super(message);
    this.name = 'DashboardError';
    this.code = code;
    this.status = status ?? definitions[code];
    this.violations = violations;
  }
}

/** A 404 naming the kind of record and its id. */
export function notFound(kind: string, id: string): DashboardError {
  return new DashboardError('NOT_FOUND', `${kind} ${id} does not exist`);
}

/** A 409 naming the field whose value is already taken or whose state forbids the change. */
export function conflict(field: string, rule: string): DashboardError {
  return new DashboardError('CONFLICT', `${field}: ${rule}`, [{ field, rule }]);
}

/** A 400 for a rule the route schema cannot express (e.g. a cross-field check). */
export function invalid(field: string, rule: string): DashboardError {
  return new DashboardError('VALIDATION_FAILED', `${field}: ${rule}`, [{ field, rule }]);
}

function fromValidation(error: FastifyError): DashboardError {
  const context = error.validationContext ?? 'body';
  const violations = (error.validation ?? []).map((v) => ({
    field: `${context}${v.instancePath || ''}`,
    rule: v.message ?? 'is invalid',
  }));
  return new DashboardError('VALIDATION_FAILED', error.message, violations);
}

function toDashboardError(error: FastifyError | DashboardError): DashboardError {
  if (error instanceof DashboardError) return error;
  if (error.validation) return fromValidation(error);
  const status = error.statusCode ?? 500;
  // Fastify's own 4xx errors (malformed JSON, body too large, wrong content type) are the caller's.
  if (status >= 400 && status < 500) {
    return new DashboardError('VALIDATION_FAILED', error.message, [], status);
  }
  return new DashboardError('INTERNAL', 'Internal error');
}

/** Installs the error handler that turns every thrown error into `{ code, message, violations }`. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | DashboardError>((error, request, reply) => {
    const failure = toDashboardError(error);
    if (failure.status >= 500) request.log.error({ err: error }, 'request failed');
    const body: Record<string, unknown> = { code: failure.code, message: failure.message };
    if (failure.violations.length > 0) body.violations = failure.violations;
    return reply.status(failure.status).send(body);
  });
}
