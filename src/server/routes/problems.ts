/** @module The problem+json responses a route documents in OpenAPI. */
import { describeError, type ErrorCode, errorCodes } from '../../errors.ts';
import { ProblemSchema } from '../problem.ts';

/**
 * Documents error statuses as problem+json, listing the codes that use each status.
 *
 * @example response: { 200: Ok, ...problemResponses(400, 401) }
 */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const status of statuses) {
    const codes = errorCodes.filter((code: ErrorCode) => describeError(code).status === status);
    out[status] = {
      description: `Problem details; code is one of ${codes.join(', ')}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}
