/**
 * @module Telling "the database cannot be reached" apart from every other failure: the former
 * becomes STORE_UNAVAILABLE (503, retry later), the latter stays as it is (a bug is a 500).
 */
import { AuditlogError, isAuditlogError } from '../../errors.ts';

/** True for failures of the connection or the server, not of the statement. */
export function isConnectionError(error: unknown): boolean {
  if (isAuditlogError(error) || !(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08: connection exception, 53: insufficient resources, 57P: shutdown; E…: Node socket errors.
    return /^(08|53|57P)/.test(code) || /^E[A-Z]+$/.test(code);
  }
  // pg reports a dropped socket or a pool timeout without a code.
  return /Connection terminated|timeout exceeded when trying to connect|Client was closed/i.test(
    error.message,
  );
}

/** STORE_UNAVAILABLE carrying the cause. */
export function storeUnavailable(error: unknown, what: string): AuditlogError {
  const message = error instanceof Error ? error.message : String(error);
  return new AuditlogError('STORE_UNAVAILABLE', `${what}: ${message}`, { cause: error });
}

/** The same methods, rejecting with STORE_UNAVAILABLE when the database cannot be reached. */
export function mapUnavailable<T extends object>(methods: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(methods)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await value(...args);
            } catch (error) {
              throw isConnectionError(error) ? storeUnavailable(error, `${name} failed`) : error;
            }
          }
        : value;
  }
  return wrapped as T;
}
