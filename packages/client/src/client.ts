/**
 * @module The Auditlog client: `publish()` stamps, redacts and checks an event, then stores it in the
 * queue (an outbox file, or memory); a background sender batches it to POST /v1/events.
 */
import { ulid } from 'ulidx';
import { type RedactionPolicy, redactEvent } from '../../../src/events/redaction.ts';
import type { EventInput } from '../../../src/events/schema.ts';
import { type ClientLogger, createDrainer } from './drainer.ts';
import { AuditlogClientError, type ClientViolation } from './errors.ts';
import { type OutboxOptions, openOutbox } from './outbox.ts';
import { createMemoryQueue, type EventQueue } from './queue.ts';
import type { BackoffOptions } from './retry.ts';
import { postEvents } from './transport.ts';
import { eventViolations } from './validate.ts';

export interface AuditlogClientOptions {
  /** Base URL of the Auditlog server, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** A server API key with the `ingest` scope. */
  apiKey: string;
  /** Keep events in a SQLite file until acknowledged. Without it, events wait in memory. */
  outbox?: OutboxOptions;
  /** Events per request, 1..1000. Default 100. */
  batchSize?: number;
  /** How long a lone event waits for company before it is sent. Default 50 ms. */
  lingerMs?: number;
  /** Failed attempts before a batch is dropped. Default Infinity with an outbox, 10 without. */
  maxRetries?: number;
  /** Extra redaction, applied before anything is queued (the defaults always apply). */
  redaction?: RedactionPolicy;
  /** Default: console, prefixed. */
  logger?: ClientLogger;
  fetch?: typeof fetch;
  /** Per-request deadline. Default 10 s. */
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Events waiting before publish() rejects with QUEUE_FULL. Default 100 000 in memory, unbounded with an outbox. */
  maxQueued?: number;
}

/** An event as a producer writes it: `occurredAt` defaults to now, `idempotencyKey` to a fresh ULID. */
export type PublishInput = Omit<EventInput, 'occurredAt'> & { occurredAt?: string | Date };

export interface ClientStats {
  /** Events waiting in the queue. */
  queued: number;
  sent: number;
  dropped: number;
  retries: number;
  lastError: string | null;
  /** True when publish() resolves only after an fsync. */
  durable: boolean;
}

export interface AuditlogClient {
  /** True with a `durable` outbox: a resolved publish() is on disk. */
  readonly durable: boolean;
  /** Queues one event; resolves once it is stored in the queue (on disk with a durable outbox). */
  publish(event: PublishInput): Promise<void>;
  /** Queues several events atomically, in order. */
  publishMany(events: PublishInput[]): Promise<void>;
  /** Resolves when everything published so far is acknowledged (or dropped). Default timeout 30 s. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Flushes with a deadline (default 10 s), then stops; what is left stays in the outbox file. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  stats(): ClientStats;
}

const consoleLogger: ClientLogger = {
  warn: (message, details) => console.warn(`[auditlog] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[auditlog] ${message}`, details ?? ''),
};

function checkOptions(options: AuditlogClientOptions): void {
  const bad: ClientViolation[] = [];
  if (!/^https?:\/\/[^/]/.test(options.url ?? '')) bad.push({ field: 'url', rule: 'must be an http(s) URL' });
  if (!options.apiKey) bad.push({ field: 'apiKey', rule: 'is required' });
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    bad.push({ field: 'batchSize', rule: 'must be an integer from 1 to 1000' });
  }
  if ((options.lingerMs ?? 0) < 0) bad.push({ field: 'lingerMs', rule: 'must not be negative' });
  if (bad.length > 0)
    throw new AuditlogClientError('OPTIONS_INVALID', 'Invalid Auditlog client options', bad);
}

/** Stamps, redacts and checks one event. */
function prepare(input: PublishInput, policy: RedactionPolicy | undefined): EventInput {
  const occurredAt =
    input.occurredAt instanceof Date
      ? input.occurredAt.toISOString()
      : (input.occurredAt ?? new Date().toISOString());
  // The key is fixed before the first attempt, so every retry of this event is recognised as one.
  const event = redactEvent({ ...input, occurredAt, idempotencyKey: input.idempotencyKey ?? ulid() }, policy);
  const violations = eventViolations(event);
  if (violations.length > 0) {
    const list = violations.map((v) => `${v.field} ${v.rule}`).join('; ');
    throw new AuditlogClientError('EVENT_INVALID', `Invalid audit event: ${list}`, violations);
  }
  return event;
}

/**
 * Creates a client. Call `close()` before the process exits.
 *
 * @example
 * const audit = createAuditlogClient({
 *   url: 'http://127.0.0.1:4000',
 *   apiKey: process.env.AUDITLOG_API_KEY!,
 *   outbox: { path: './data/auditlog-outbox.db', mode: 'durable' },
 * });
 * await audit.publish({ category: 'url_endpoints', operation: 'update', status: 'success',
 *   actor: { type: 'user', id: 'u_1' } });
 */
export function createAuditlogClient(options: AuditlogClientOptions): AuditlogClient {
  checkOptions(options);
  const logger = options.logger ?? consoleLogger;
  const queue: EventQueue = options.outbox ? openOutbox(options.outbox) : createMemoryQueue();
  const maxQueued = options.maxQueued ?? (options.outbox ? Number.POSITIVE_INFINITY : 100_000);
  const transport = {
    url: options.url,
    apiKey: options.apiKey,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.requestTimeoutMs,
  };
  const drainer = createDrainer({
    queue,
    send: (events, signal) => postEvents(transport, events, signal),
    batchSize: options.batchSize ?? 100,
    lingerMs: options.lingerMs ?? 50,
    maxRetries: options.maxRetries ?? (options.outbox ? Number.POSITIVE_INFINITY : 10),
    backoff: options.backoff,
    logger,
  });
  let closed = false;

  async function publishMany(inputs: PublishInput[]): Promise<void> {
    if (closed) throw new AuditlogClientError('CLIENT_CLOSED');
    const events = inputs.map((input) => prepare(input, options.redaction));
    if (queue.size() + events.length > maxQueued) {
      throw new AuditlogClientError(
        'QUEUE_FULL',
        `${queue.size()} events are waiting (maxQueued ${maxQueued})`,
      );
    }
    queue.append(events);
    drainer.notify();
  }

  return {
    durable: queue.durable,
    publish: (event) => publishMany([event]),
    publishMany,
    flush: (flushOptions) => drainer.flush(flushOptions?.timeoutMs ?? 30_000),
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      try {
        await drainer.flush(closeOptions?.timeoutMs ?? 10_000);
      } catch {
        const left = queue.size();
        if (options.outbox) logger.warn(`Auditlog: ${left} event(s) stay in the outbox for the next start`);
        else logger.error(`Auditlog: ${left} event(s) were never acknowledged and are lost`);
      }
      await drainer.stop();
      queue.close();
    },
    stats: () => ({ queued: closed ? 0 : queue.size(), durable: queue.durable, ...drainer.stats() }),
  };
}
