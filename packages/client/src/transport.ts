/**
 * @module One POST /v1/events and what its answer means for the queue: acknowledged, retry later,
 * some events invalid (drop those, resend the rest), or rejected as a whole.
 */
import type { EventInput } from '../../../src/events/schema.ts';
import { parseRetryAfter } from './retry.ts';

/** What a send means for the queue. */
export type SendOutcome =
  | { kind: 'ok'; status: number }
  /** Transient: network error, 408, 425, 429, 5xx, or an auth/config problem an operator can fix. */
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string }
  /** 422 naming the invalid events of the batch: nothing was stored. */
  | { kind: 'invalid'; status: number; indexes: number[]; problem: unknown }
  /** Any other 4xx: the batch as sent will never be accepted. */
  | { kind: 'rejected'; status: number; code?: string; problem: unknown };

export interface TransportOptions {
  /** Base URL of the Auditlog server, e.g. http://127.0.0.1:4000 */
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  /** Per-request deadline. Default 10 s. */
  timeoutMs?: number;
}

/** Statuses worth retrying even though they are 4xx: the request may succeed unchanged later. */
const TRANSIENT_4XX = new Set([401, 403, 404, 408, 425, 429]);

async function readProblem(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Indexes of the invalid events named by a 422 problem (`violations[].index` or `/events/<i>/…`). */
export function invalidIndexes(problem: unknown): number[] {
  const violations = (problem as { violations?: unknown } | null)?.violations;
  if (!Array.isArray(violations)) return [];
  const indexes = new Set<number>();
  for (const v of violations as { index?: unknown; field?: unknown }[]) {
    if (Number.isInteger(v?.index)) indexes.add(v.index as number);
    else if (typeof v?.field === 'string') {
      const match = /^\/events\/(\d+)(\/|$)/.exec(v.field);
      if (match) indexes.add(Number(match[1]));
    }
  }
  return [...indexes].sort((a, b) => a - b);
}

/** Maps an HTTP answer to what the queue should do with the batch. */
async function classify(response: Response): Promise<SendOutcome> {
  const { status } = response;
  if (status >= 200 && status < 300) {
    await response.body?.cancel().catch(() => {});
    return { kind: 'ok', status };
  }
  const problem = await readProblem(response);
  const code = (problem as { code?: unknown } | null)?.code;
  const named = typeof code === 'string' ? code : undefined;
  // The account turned audit logs off: the server will never want these events, and keeping them
  // would grow the outbox without end.
  if (status === 403 && named === 'FEATURE_NOT_ENABLED')
    return { kind: 'rejected', status, code: named, problem };
  if (status >= 500 || TRANSIENT_4XX.has(status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return { kind: 'retry', status, retryAfterMs, reason: `HTTP ${status}${named ? ` ${named}` : ''}` };
  }
  if (status === 422) {
    const indexes = invalidIndexes(problem);
    if (indexes.length > 0) return { kind: 'invalid', status, indexes, problem };
  }
  return { kind: 'rejected', status, code: named, problem };
}

/**
 * Sends one batch. Never throws: network failures and timeouts come back as `retry`.
 *
 * @example
 * const outcome = await postEvents({ url, apiKey, fetch }, events);
 * if (outcome.kind === 'ok') queue.remove(ids);
 */
export async function postEvents(
  options: TransportOptions,
  events: EventInput[],
  signal?: AbortSignal,
): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  try {
    const response = await options.fetch(`${options.url.replace(/\/+$/, '')}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.apiKey}`,
        'user-agent': '@auditlog/client',
      },
      body: JSON.stringify({ events }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return await classify(response);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'retry', reason };
  }
}
