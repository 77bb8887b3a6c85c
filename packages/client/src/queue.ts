/**
 * @module The queue contract between `publish` and the background sender, and its in-memory
 * implementation (used when no outbox file is configured: fast, but lost if the process dies).
 */
import type { EventInput } from '../../../src/events/schema.ts';

/** One queued event and its position; positions only grow, so they order events across restarts. */
export interface QueuedEvent {
  id: number;
  event: EventInput;
}

/**
 * Where published events wait until Auditlog acknowledges them. Synchronous on purpose:
 * better-sqlite3 is synchronous, and a returned `append` means the events are stored.
 */
export interface EventQueue {
  /** True when `append` returns only after the events are on disk (fsync). */
  readonly durable: boolean;
  /** Stores events in order and returns the position of the last one. */
  append(events: EventInput[]): number;
  /** The oldest `limit` events, oldest first. */
  head(limit: number): QueuedEvent[];
  /** Forgets acknowledged (or dropped) events. */
  remove(ids: number[]): void;
  /** How many events are waiting. */
  size(): number;
  /** The position of the oldest waiting event, or null when empty. */
  firstId(): number | null;
  /** The position of the newest event ever appended (0 when none). */
  lastId(): number;
  close(): void;
}

/**
 * An in-memory queue.
 *
 * @example
 * const queue = createMemoryQueue();
 * queue.append([event]); queue.head(100); // → [{ id: 1, event }]
 */
export function createMemoryQueue(): EventQueue {
  let items: QueuedEvent[] = [];
  let last = 0;
  return {
    durable: false,
    append(events) {
      for (const event of events) items.push({ id: ++last, event });
      return last;
    },
    head: (limit) => items.slice(0, limit),
    remove(ids) {
      const gone = new Set(ids);
      items = items.filter((item) => !gone.has(item.id));
    },
    size: () => items.length,
    firstId: () => items[0]?.id ?? null,
    lastId: () => last,
    close() {
      items = [];
    },
  };
}
