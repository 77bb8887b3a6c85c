/**
 * @module The SDK's coded errors. They live apart from the server's registry (src/errors.ts) because
 * they never cross HTTP: they are what a host application sees from `publish`, `flush` and `close`.
 */

const titles = {
  EVENT_INVALID: 'The event does not match the Auditlog event schema',
  QUEUE_FULL: 'The client queue is full; Auditlog has been unreachable for too long',
  FLUSH_TIMEOUT: 'Not every event was acknowledged before the deadline',
  CLIENT_CLOSED: 'The client is closed',
  OPTIONS_INVALID: 'The client options are invalid',
} as const;

/** Every stable code the SDK can reject with. */
export type ClientErrorCode = keyof typeof titles;

/** One field-level problem: where it is and which rule it broke. */
export interface ClientViolation {
  field: string;
  rule: string;
}

/** An error a host application can act on: a stable code, a detail, and field violations. */
export class AuditlogClientError extends Error {
  readonly code: ClientErrorCode;
  readonly violations: ClientViolation[];

  constructor(code: ClientErrorCode, detail?: string, violations: ClientViolation[] = []) {
    super(detail ?? titles[code]);
    this.name = 'AuditlogClientError';
    this.code = code;
    this.violations = violations;
  }
}
