/**
 * @module Group commit: concurrent ingest requests share one durable transaction. Batches submitted
 * while a commit is in flight (or within the same tick) are merged into the next `appendBatches`
 * call, so the cost of an fsync is paid once per group instead of once per request. A store that
 * declares appendConcurrency > 1 (SQLite) gets the next group while the previous one is syncing.
 */
import { AuditlogError } from '../errors.ts';
import type { AppendBatch, AppendOutcome, EventStore } from '../store/types.ts';

/** Merges concurrent submissions into shared `appendBatches` calls. */
export interface GroupCommitter {
  /** Queues one account's batch; resolves with its own outcome once its group is durable. */
  submit(batch: AppendBatch): Promise<AppendOutcome>;
  /** Resolves when every batch submitted so far has been committed (or has failed). */
  flush(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Upper bound on the events of one group (a single larger batch still goes alone). Default 5000. */
  maxEvents?: number;
  /** Groups whose commit may be in flight at once. Default: the store's appendConcurrency, else 1. */
  maxInFlight?: number;
}

interface Waiting {
  batch: AppendBatch;
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: unknown) => void;
}

/** Takes from the front of the queue as many batches as fit in one group (at least one). */
function takeGroup(queue: Waiting[], maxEvents: number): Waiting[] {
  let events = 0;
  let count = 0;
  for (const waiting of queue) {
    if (count > 0 && events + waiting.batch.events.length > maxEvents) break;
    events += waiting.batch.events.length;
    count += 1;
  }
  return queue.splice(0, count);
}

/**
 * Creates a group committer over an event store.
 *
 * @example
 * const committer = createGroupCommitter(store.events);
 * const outcome = await committer.submit({ accountId: 'acme', events: [pending] });
 */
export function createGroupCommitter(events: EventStore, options: GroupCommitOptions = {}): GroupCommitter {
  const maxEvents = options.maxEvents ?? 5000;
  const maxInFlight = Math.max(1, options.maxInFlight ?? events.appendConcurrency ?? 1);
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => {};

  const busy = () => scheduled || inFlight > 0 || queue.length > 0;

  async function commit(group: Waiting[]): Promise<void> {
    try {
      const outcomes = await events.appendBatches(group.map((w) => w.batch));
      group.forEach((waiting, i) => {
        const outcome = outcomes[i];
        if (outcome) waiting.resolve(outcome);
        else waiting.reject(new AuditlogError('INTERNAL', 'The store returned fewer outcomes than batches'));
      });
    } catch (error) {
      // The whole transaction failed (e.g. the database is gone): every caller of the group hears it.
      for (const waiting of group) waiting.reject(error);
    }
  }

  function committed(): void {
    inFlight -= 1;
    if (queue.length > 0) schedule();
    else if (!busy()) markIdle();
  }

  function drain(): void {
    scheduled = false;
    // Groups are started in submission order. With a store that writes synchronously and only
    // waits for its fsync (SQLite), a later group is written while an earlier one is syncing.
    while (queue.length > 0 && inFlight < maxInFlight) {
      inFlight += 1;
      void commit(takeGroup(queue, maxEvents)).then(committed);
    }
    if (!busy()) markIdle();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate rather than a microtask: requests parsed in the same I/O turn join one group.
    // Twice: the second turn's poll phase also takes the requests that arrived while the first
    // was parsed (the replies of the previous group go out, their clients' next requests come in),
    // so under load a group holds nearly every connection's request and pays one fsync for all.
    setImmediate(() => setImmediate(drain));
  }

  return {
    submit(batch) {
      return new Promise<AppendOutcome>((resolve, reject) => {
        if (!busy()) {
          idle = new Promise((done) => {
            markIdle = done;
          });
        }
        queue.push({ batch, resolve, reject });
        if (inFlight < maxInFlight) schedule();
      });
    },
    flush() {
      return busy() ? idle : Promise.resolve();
    },
  };
}
