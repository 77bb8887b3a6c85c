/**
 * @module One bounded autocannon run against a server: POST /v1/events with bodies from a
 * {@link BodyPool}, summarised as requests/s, events/s and latency.
 */
import autocannon from 'autocannon';
import { startProgress } from '../support/progress.ts';
import type { BodyPool } from './bodies.ts';

/** The outcome of one load run. */
export interface LoadResult {
  durationSeconds: number;
  connections: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Accepted (2xx) requests per second. */
  requestsPerSecond: number;
  /** Accepted events per second (2xx requests × events per request). */
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  path?: string;
  pool: BodyPool;
  connections: number;
  durationSeconds: number;
  label: string;
}

/**
 * Runs autocannon in-process for a fixed duration (the server lives in another process, so the two
 * do not share an event loop).
 *
 * @example
 * const result = await runLoad({ url, pool, connections: 50, durationSeconds: 10, label: 'batched' });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const progress = startProgress(options.label, 0, 'requests');
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: options.path ?? '/v1/events',
            setupRequest: (request) => {
              const prepared = options.pool.next();
              request.body = prepared.body;
              request.headers = prepared.headers;
              return request;
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on('response', () => progress.advance(1));
  const result = await finished;
  const ok = result['2xx'];
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0;
  progress.done(`${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    durationSeconds: result.duration,
    connections: options.connections,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: ok / result.duration,
    eventsPerSecond: (ok * options.pool.eventsPerRequest) / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    statusCodes,
  };
}
