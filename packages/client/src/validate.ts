/**
 * @module The producer-side check of an event against the one schema (src/events/schema.ts), so a
 * programming mistake fails at `publish()` in the host's own stack trace instead of becoming a
 * poison event in the queue. The catalog and the time window stay the server's to check.
 */

import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { type EventInput, EventInputSchema } from '../../../src/events/schema.ts';
import type { ClientViolation } from './errors.ts';

// RFC 3339 with a mandatory offset: what the server accepts for occurredAt.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Returns the schema violations of an event (empty when valid).
 *
 * @example eventViolations({ category: 'x' }) // [{ field: '/operation', rule: 'is required' }, …]
 */
export function eventViolations(event: EventInput): ClientViolation[] {
  const violations: ClientViolation[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(EventInputSchema, event)) {
    // Formats are registered by the server's validator; the client checks occurredAt itself below
    // rather than touching TypeBox's process-wide FormatRegistry.
    if (error.type === ValueErrorType.StringFormatUnknown || error.type === ValueErrorType.StringFormat)
      continue;
    const field = error.path || '/';
    if (seen.has(field)) continue;
    seen.add(field);
    violations.push({ field, rule: error.message });
  }
  const at = (event as { occurredAt?: unknown }).occurredAt;
  if (typeof at === 'string' && (!DATE_TIME.test(at) || Number.isNaN(Date.parse(at)))) {
    violations.push({ field: '/occurredAt', rule: 'must be an ISO 8601 date-time with a timezone' });
  }
  return violations;
}
