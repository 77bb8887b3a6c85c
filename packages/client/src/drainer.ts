/**
 * @module The background sender: takes the oldest events from the queue, one batch in flight at a
 * time (so Auditlog receives them in publish order), and removes them only once acknowledged.
 * Transient failures back off with full jitter; events Auditlog will never accept are reported and
 * dropped, so one poison event cannot block the queue forever.
 */
import type { EventInput } from '../../../src/events/schema.ts';
import { AuditlogClientError } from './errors.ts';
import type { EventQueue, QueuedEvent } from './queue.ts';
import { type BackoffOptions, backoffDelay } from './retry.ts';
import type { SendOutcome } from './transport.ts';

/** Where the SDK reports trouble. Pass `{ warn: (m, d) => log.warn(d, m), error: … }` for pino. */
export interface ClientLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface DrainerOptions {
  queue: EventQueue;
  send: (events: EventInput[], signal: AbortSignal) => Promise<SendOutcome>;
  batchSize: number;
  lingerMs: number;
  /** Failed attempts of one batch before it is dropped; Infinity never drops. */
  maxRetries: number;
  backoff?: BackoffOptions;
  logger: ClientLogger;
  random?: () => number;
}

export interface DrainerStats {
  /** Events Auditlog acknowledged. */
  sent: number;
  /** Events dropped: rejected by Auditlog, or out of retries. */
  dropped: number;
  /** Failed attempts that were retried. */
  retries: number;
  lastError: string | null;
}

export interface Drainer {
  /** New events were appended. */
  notify(): void;
  /** Resolves when every event appended so far is acknowledged or dropped. */
  flush(timeoutMs: number): Promise<void>;
  /** Stops timers, aborts the request in flight and waits for it to settle. */
  stop(): Promise<void>;
  stats(): DrainerStats;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Creates the sender for a queue.
 *
 * @example
 * const drainer = createDrainer({ queue, send, batchSize: 100, lingerMs: 50, maxRetries: 10, logger });
 * queue.append(events); drainer.notify();
 */
export function createDrainer(options: DrainerOptions): Drainer {
  const { queue, logger } = options;
  const counters: DrainerStats = { sent: 0, dropped: 0, retries: 0, lastError: null };
  const waiters = new Set<Waiter>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timerKind: 'linger' | 'backoff' | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  let attempt = 0;
  let limit = options.batchSize;

  function clearTimer(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    timerKind = undefined;
  }

  function schedule(kind: 'linger' | 'backoff', ms: number): void {
    clearTimer();
    timerKind = kind;
    timer = setTimeout(() => {
      timer = undefined;
      timerKind = undefined;
      pump();
    }, ms);
    // Background timers must not keep the host process alive; flush() and close() hold their own.
    timer.unref();
  }

  function settleWaiters(): void {
    const first = queue.firstId();
    for (const waiter of waiters) {
      if (first === null || first > waiter.target) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  function drop(rows: QueuedEvent[], message: string, details: Record<string, unknown>): void {
    queue.remove(rows.map((row) => row.id));
    counters.dropped += rows.length;
    logger.error(message, { ...details, events: rows.map((row) => row.event) });
  }

  function onRetry(rows: QueuedEvent[], outcome: Extract<SendOutcome, { kind: 'retry' }>): void {
    attempt++;
    counters.retries++;
    counters.lastError = outcome.reason;
    if (attempt > options.maxRetries) {
      attempt = 0;
      drop(rows, `Auditlog: dropping ${rows.length} event(s) after ${options.maxRetries} retries`, {
        reason: outcome.reason,
      });
      return;
    }
    const delay = outcome.retryAfterMs ?? backoffDelay(attempt, options.backoff, options.random);
    logger.warn(`Auditlog: send failed (${outcome.reason}); retry ${attempt} in ${delay} ms`, {
      queued: queue.size(),
    });
    schedule('backoff', delay);
  }

  function handle(rows: QueuedEvent[], outcome: SendOutcome): void {
    if (outcome.kind === 'retry') {
      onRetry(rows, outcome);
      return;
    }
    attempt = 0;
    if (outcome.kind === 'ok') {
      queue.remove(rows.map((row) => row.id));
      counters.sent += rows.length;
      limit = Math.min(options.batchSize, limit * 2);
      return;
    }
    counters.lastError = `HTTP ${outcome.status}`;
    if (outcome.kind === 'invalid') {
      const bad = outcome.indexes.filter((i) => i < rows.length).map((i) => rows[i]!);
      if (bad.length > 0) {
        // Nothing of the batch was stored: the valid events stay at the head and go out next.
        drop(bad, `Auditlog rejected ${bad.length} invalid event(s)`, { problem: outcome.problem });
        return;
      }
    }
    if (rows.length > 1 && outcome.kind === 'rejected' && outcome.code !== 'FEATURE_NOT_ENABLED') {
      // Split until the culprit is alone (a 413 shrinks the batch; a 400/409 isolates the event).
      limit = Math.max(1, Math.ceil(rows.length / 2));
      return;
    }
    drop(rows, `Auditlog rejected ${rows.length} event(s) with HTTP ${outcome.status}`, {
      problem: 'problem' in outcome ? outcome.problem : undefined,
    });
  }

  async function sendHead(): Promise<void> {
    const rows = queue.head(limit);
    const outcome = await options.send(
      rows.map((row) => row.event),
      abort.signal,
    );
    if (stopped && outcome.kind === 'retry') return;
    handle(rows, outcome);
  }

  function pump(): void {
    if (stopped || inFlight || timer) return;
    settleWaiters();
    if (queue.size() === 0) return;
    inFlight = sendHead()
      .catch((error: unknown) => {
        counters.lastError = String(error);
        logger.error('Auditlog: the sender failed', { error: String(error) });
        schedule('backoff', backoffDelay(++attempt, options.backoff, options.random));
      })
      .finally(() => {
        inFlight = undefined;
        settleWaiters();
        pump();
      });
  }

  return {
    notify() {
      if (stopped || inFlight || timerKind === 'backoff') return;
      const urgent = queue.size() >= options.batchSize || waiters.size > 0 || options.lingerMs <= 0;
      if (urgent) {
        clearTimer();
        pump();
      } else if (!timer) schedule('linger', options.lingerMs);
    },
    flush(timeoutMs) {
      const first = queue.firstId();
      if (first === null) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const target = queue.lastId();
        const waiter: Waiter = {
          target,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const left = queue.size();
            reject(
              new AuditlogClientError(
                'FLUSH_TIMEOUT',
                `${left} event(s) not acknowledged in ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
        if (timerKind === 'linger') clearTimer();
        pump();
      });
    },
    async stop() {
      stopped = true;
      clearTimer();
      abort.abort();
      await inFlight;
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new AuditlogClientError('CLIENT_CLOSED'));
      }
      waiters.clear();
    },
    stats: () => ({ ...counters }),
  };
}
