/** @module The OpenAPI document's frame: info, security and shared components. Paths come from routes. */
import { AuditEventSchema, EventInputSchema, EventSummarySchema } from '../events/schema.ts';
import { ProblemSchema } from './problem.ts';

/** Options for @fastify/swagger: the document every route schema is added to. */
export function openApiOptions() {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Auditlog API',
        version: '1',
        description:
          'A central audit log. Producers POST events with an `ingest` API key; readers list and fetch them ' +
          'with a `read` key, or with a viewer token minted for one member (`POST /v1/viewer-tokens`, admin key). ' +
          'Every error is RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http' as const,
            scheme: 'bearer',
            description: 'alk_<id>_<secret> (server key) or alv1.<claims>.<signature> (viewer token)',
          },
        },
        // The same schema objects that validate and serialize, so the document cannot drift from them.
        schemas: {
          EventInput: EventInputSchema,
          AuditEvent: AuditEventSchema,
          EventSummary: EventSummarySchema,
          Problem: ProblemSchema,
        },
      },
      security: [{ apiKey: [] }],
    },
  };
}
