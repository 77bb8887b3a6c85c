/**
 * @module The one error mapping: every failure leaves the server as RFC 9457
 * `application/problem+json` with a stable `code` and, where a field is at fault, its violations.
 * Fastify's own errors (bad JSON, body too large, wrong content type, validation) are translated
 * to our codes here, and anything unexpected becomes a logged INTERNAL 500 with no stack.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuditlogError, type ErrorCode, isAuditlogError, type Violation } from '../errors.ts';
import type { App } from './type-provider.ts';

/** The problem document, for the OpenAPI description of error responses. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'https://auditlog.dev/problems/<code in lower case>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable error code, e.g. EVENT_INVALID' }),
    violations: Type.Array(
      Type.Object({
        field: Type.String(),
        rule: Type.String(),
        index: Type.Optional(Type.Integer()),
      }),
    ),
    instance: Type.String({ description: 'The request path the problem occurred on' }),
  },
  { description: 'RFC 9457 problem details' },
);
export type Problem = Static<typeof ProblemSchema>;

/** Builds the problem document of an AuditlogError for a request path. */
export function toProblem(error: AuditlogError, instance: string): Problem {
  return {
    type: `https://auditlog.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    violations: error.violations,
    instance,
  };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_MALFORMED',
};

/** Fastify's schema-validation errors, as our field + rule violations. */
function validationError(error: FastifyError): AuditlogError {
  const context = error.validationContext ?? 'request';
  const violations: Violation[] = (error.validation ?? []).map((v) => ({
    field: `${context}${v.instancePath || ''}`,
    rule: v.message ?? 'is invalid',
  }));
  const code: ErrorCode = context === 'body' ? 'EVENT_INVALID' : 'QUERY_INVALID';
  return new AuditlogError(code, error.message, { violations });
}

/**
 * Translates anything thrown while handling a request into an AuditlogError. Unknown failures
 * become INTERNAL; `unexpected` tells the caller to log them.
 */
export function asAuditlogError(error: unknown): { error: AuditlogError; unexpected: boolean } {
  if (isAuditlogError(error)) return { error, unexpected: false };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError?.validation)
    return { error: validationError(fastifyError as FastifyError), unexpected: false };
  const mapped = fastifyError?.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return { error: new AuditlogError(mapped, undefined, { cause: error }), unexpected: false };
  // secure-json-parse refuses __proto__/constructor keys with a SyntaxError of status 400.
  if (error instanceof SyntaxError && (error as Partial<FastifyError>).statusCode === 400) {
    return { error: new AuditlogError('BODY_MALFORMED', error.message), unexpected: false };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { error: new AuditlogError('BAD_REQUEST', fastifyError.message ?? undefined), unexpected: false };
  }
  return { error: new AuditlogError('INTERNAL', 'Internal error', { cause: error }), unexpected: true };
}

/** Sends an AuditlogError as problem+json. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  error: AuditlogError,
): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  // A string payload bypasses the route's response serializer, which only knows success shapes.
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(toProblem(error, path)));
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL) would
 * otherwise bypass the error handler and leave as Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, request, new AuditlogError('BAD_REQUEST', error.message));
}

/** Installs the error and not-found handlers on an app. */
export function registerProblemHandlers(app: App): void {
  app.setErrorHandler((raw, request, reply) => {
    const { error, unexpected } = asAuditlogError(raw);
    // Server-side failures are the operator's to see; client errors are not worth a log line each.
    if (unexpected || error.status >= 500)
      request.log.error({ err: raw, code: error.code }, 'request failed');
    return sendProblem(reply, request, error);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendProblem(
      reply,
      request,
      new AuditlogError('NOT_FOUND', `No route for ${request.method} ${path}`),
    );
  });
}
