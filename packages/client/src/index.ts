/** @module @auditlog/client: the batching publisher, the durable outbox, and capture middleware. */
export type { RedactionPolicy } from '../../../src/events/redaction.ts';
export { DEFAULT_SENSITIVE_KEYS, redactEvent, redactValue } from '../../../src/events/redaction.ts';
export type { Actor, EventInput, Target } from '../../../src/events/schema.ts';
export {
  type AuditlogClient,
  type AuditlogClientOptions,
  type ClientStats,
  createAuditlogClient,
  type PublishInput,
} from './client.ts';
export type { ClientLogger } from './drainer.ts';
export { AuditlogClientError, type ClientErrorCode, type ClientViolation } from './errors.ts';
export {
  type AuditRouteConfig,
  buildEvent,
  type CaptureOptions,
  clientIp,
  proxyTrust,
} from './middleware/capture.ts';
export {
  type AuditlogExpressOptions,
  auditlogExpress,
  auditRoute,
  type ExpressAuditRouteConfig,
} from './middleware/express.ts';
export {
  type AuditlogFastifyOptions,
  auditlogFastify,
  type FastifyAuditRouteConfig,
} from './middleware/fastify.ts';
export type { OutboxMode, OutboxOptions } from './outbox.ts';
