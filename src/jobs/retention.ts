/**
 * @module The retention job: on a schedule, removes every account's events older than its
 * `retentionDays`. The store does the removal (whole partitions in PostgreSQL, bounded batches in
 * SQLite); this module only decides when, and never lets two runs overlap.
 */
import type { EventStore, PurgeResult } from '../store/types.ts';

export interface RetentionJobOptions {
  events: EventStore;
  /** Seconds between runs; 0 disables the schedule (runOnce still works). */
  intervalSeconds: number;
  /** The clock retention is measured against; injectable so tests can move time. */
  clock?: () => Date;
  logger?: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export interface RetentionJob {
  /** Runs one purge now (or waits for the one in progress) and returns what it removed. */
  runOnce(): Promise<PurgeResult>;
  /** Stops the schedule and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/** Starts the schedule. The first run happens one interval after start, not at boot. */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<PurgeResult> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const runOnce = (): Promise<PurgeResult> => {
    if (running) return running;
    const now = clock();
    running = options.events
      .purgeExpired(now)
      .then((result) => {
        options.logger?.info({ ...result, now: now.toISOString() }, 'retention purge finished');
        return result;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  if (options.intervalSeconds > 0) {
    timer = setInterval(() => {
      runOnce().catch((error: unknown) => options.logger?.error({ err: error }, 'retention purge failed'));
    }, options.intervalSeconds * 1000);
    // The schedule alone must not keep the process alive.
    timer.unref();
  }

  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running.catch(() => undefined);
    },
  };
}
