/**
 * @module Pre-serialised POST /v1/events bodies for load tests. Serialising 100 events per request
 * inside the load generator would make it the bottleneck, so bodies are built once; each request
 * only splices a fresh counter into its idempotency keys (the server would otherwise deduplicate
 * every repeat and store nothing).
 */
import { generateEvents, toEventInput } from '../generator/events.ts';
import type { World } from '../generator/world.ts';

/** One ready request: its body and headers. */
export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Cycles through the templates, making every request's idempotency keys unique. */
export interface BodyPool {
  readonly eventsPerRequest: number;
  readonly templates: number;
  next(): PreparedRequest;
}

export interface BodyPoolOptions {
  world: World;
  seed: number;
  /** Ingest API key of each account (accounts without one are skipped). */
  keys: ReadonlyMap<string, string>;
  /** 1 sends a bare event; more sends `{ events: [...] }`. */
  eventsPerRequest: number;
  templates?: number;
  /** Distinguishes runs so keys never collide with an earlier run on the same database. */
  runId: string;
  /** How the API key is presented; the server's scheme. */
  authorization: (key: string) => string;
}

const SLOT = '~~SLOT~~';

/**
 * Builds a pool of request templates from generated events (occurred during the last hour, so no
 * clock-skew rule rejects them), grouping each template's events by account.
 *
 * @example
 * const pool = buildBodyPool({ world, seed, keys, eventsPerRequest: 100, runId: 'b1', authorization: (k) => `Bearer ${k}` });
 * const { body, headers } = pool.next();
 */
export function buildBodyPool(options: BodyPoolOptions): BodyPool {
  const wanted = options.templates ?? 64;
  const size = options.eventsPerRequest;
  const buckets = new Map<string, unknown[]>();
  const templates: { parts: string[]; headers: Record<string, string> }[] = [];
  const events = generateEvents({
    world: options.world,
    seed: options.seed,
    count: wanted * size * 20,
    endMs: Date.now() - 1000,
    spanMs: 3600 * 1000,
    keyPrefix: `http_${options.runId}`,
  });
  for (const { accountId, event } of events) {
    const key = options.keys.get(accountId);
    if (!key) continue;
    const bucket = buckets.get(accountId) ?? [];
    const index = bucket.length;
    bucket.push({
      ...toEventInput(event),
      idempotencyKey: `ik_${options.runId}_${templates.length}_${index}_${SLOT}`,
    });
    buckets.set(accountId, bucket);
    if (bucket.length < size) continue;
    buckets.delete(accountId);
    const json = JSON.stringify(size === 1 ? bucket[0] : { events: bucket });
    templates.push({
      parts: json.split(SLOT),
      headers: { 'content-type': 'application/json', authorization: options.authorization(key) },
    });
    if (templates.length >= wanted) break;
  }
  if (templates.length === 0) throw new Error('no request template could be built (no API keys?)');
  let counter = 0;
  return {
    eventsPerRequest: size,
    templates: templates.length,
    next() {
      const template = templates[counter % templates.length] as (typeof templates)[number];
      counter++;
      return { body: template.parts.join(counter.toString(36)), headers: template.headers };
    },
  };
}
