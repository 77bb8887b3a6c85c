/**
 * @module The redaction step of ingest. The SDK redacts before sending, but a producer may not use
 * the SDK (or may be misconfigured), so ingest redacts the four payloads (request, response, before,
 * after) again before anything is hashed or stored: defence in depth.
 */

import { type RedactionPolicy, redactEvent } from '../events/redaction.ts';
import type { EventInput } from '../events/schema.ts';

/**
 * Returns a copy of the event whose payloads went through the redaction policy (the default policy
 * when none is given); identifiers and other fields are untouched, since the log exists to show them.
 *
 * @example redactForStorage({ ...event, request: { password: 'x' } }).request // { password: '[REDACTED]' }
 */
export function redactForStorage(event: EventInput, policy?: RedactionPolicy): EventInput {
  return redactEvent(event, policy);
}
