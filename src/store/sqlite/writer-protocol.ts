/**
 * @module The messages between the main thread and the SQLite writer thread. Outcomes cross the
 * thread boundary by structured clone, which keeps plain data only: errors travel as their code,
 * detail and violations and are rebuilt as AuditlogErrors on arrival.
 */
import { AuditlogError, type ErrorCode, isAuditlogError, type Violation } from '../../errors.ts';
import type { AppendBatch, AppendedEvent, AppendOutcome } from '../types.ts';

/** One appendBatches call. */
export interface AppendRequest {
  id: number;
  batches: AppendBatch[];
}

/** Drain the ingest journal (journal-drain.ts), then answer with no outcomes. */
export interface DrainRequest {
  id: number;
  drain: true;
}

/** An AuditlogError as plain data. */
export interface ErrorData {
  code: ErrorCode;
  detail: string;
  violations: Violation[];
}

type OutcomeData = { ok: true; events: AppendedEvent[] } | { ok: false; error: ErrorData };

/** The answer of a committed group: every batch's outcome (sent on by the sync thread). */
export type CommittedReply = { id: number; outcomes: OutcomeData[] };

/** The answer to an AppendRequest: every batch's outcome, or why the whole call failed. */
export type AppendReply = CommittedReply | { id: number; failure: ErrorData };

function errorData(error: AuditlogError): ErrorData {
  return { code: error.code, detail: error.message, violations: error.violations };
}

export function serializeOutcomes(outcomes: AppendOutcome[]): OutcomeData[] {
  return outcomes.map((o) => (o.ok ? o : { ok: false, error: errorData(o.error) }));
}

export function serializeFailure(error: unknown): ErrorData {
  if (isAuditlogError(error)) return errorData(error);
  return { code: 'STORE_UNAVAILABLE', detail: `append failed: ${(error as Error).message}`, violations: [] };
}

export function rebuildError(data: ErrorData): AuditlogError {
  return new AuditlogError(data.code, data.detail, { violations: data.violations });
}

export function rebuildOutcomes(outcomes: OutcomeData[]): AppendOutcome[] {
  return outcomes.map((o) => (o.ok ? o : { ok: false, error: rebuildError(o.error) }));
}
