/**
 * @module Measurement 1 — store ingest: our store's appendBatches against a raw prepared INSERT of
 * the same rows (read back from the store's database) into a copy of the same table and indexes,
 * batch for batch. Loading the big data set for the
 * later measurements is this same run.
 */
import type { PendingEvent } from '../../src/events/chain.ts';
import type { AppendBatch, AppendOutcome, Store } from '../../src/store/types.ts';
import type { RawWriter, RowRange } from '../engines/types.ts';
import type { GeneratedEvent } from '../generator/events.ts';
import type { SampleCollector } from '../generator/samples.ts';
import { startProgress } from '../support/progress.ts';
import { elapsedMs } from '../support/stats.ts';

/** Events and the time spent writing them (generation excluded). */
export interface IngestTiming {
  events: number;
  ms: number;
  eventsPerSecond: number;
}

export interface StoreIngestResult {
  store: IngestTiming;
  raw: IngestTiming | null;
  /**
   * The same over the last 10% of the events, when the database is nearly full size: what a
   * server ingesting into this database (measurements 2 and 3) is compared with.
   */
  tail: { store: IngestTiming; raw: IngestTiming | null };
  batches: number;
}

/** Where the tail starts, as a share of all events. */
const TAIL_FROM = 0.9;

export interface StoreIngestOptions {
  store: Store;
  /** The baseline writer (copying from the store's database); null to load without it. */
  raw: RawWriter | null;
  events: Iterable<GeneratedEvent>;
  total: number;
  /** Events per appendBatches call (grouped by account into AppendBatch[] as group commit does). */
  batchSize: number;
  collector?: SampleCollector;
}

/** Groups consecutive events by account, keeping each account's order. */
function groupByAccount(chunk: readonly GeneratedEvent[]): AppendBatch[] {
  const byAccount = new Map<string, PendingEvent[]>();
  for (const { accountId, event } of chunk) {
    const list = byAccount.get(accountId);
    if (list) list.push(event);
    else byAccount.set(accountId, [event]);
  }
  return [...byAccount].map(([accountId, events]) => ({ accountId, events }));
}

/** The rows each batch added, as ranges the raw writer can copy. */
function rangesOf(batches: readonly AppendBatch[], outcomes: readonly AppendOutcome[]): RowRange[] {
  return batches.flatMap((batch, i): RowRange[] => {
    const outcome = outcomes[i];
    if (!outcome?.ok) return [];
    const added = outcome.events.filter((e) => !e.duplicate);
    if (added.length === 0) return [];
    const seqs = added.map((e) => e.seq);
    return [
      {
        accountId: batch.accountId,
        fromSeq: Math.min(...seqs),
        toSeq: Math.max(...seqs),
        ids: added.map((e) => e.id),
      },
    ];
  });
}

function timing(events: number, ms: number): IngestTiming {
  return { events, ms, eventsPerSecond: ms > 0 ? (events * 1000) / ms : 0 };
}

/**
 * Streams the events into the store (and, batch for batch, into the raw baseline), timing only the
 * writes: generating events and reading back the rows for the baseline happen outside the clock.
 *
 * @example
 * const result = await runStoreIngest({ store, raw, events: generateEvents(…), total: 1e6, batchSize: 500 });
 */
export async function runStoreIngest(options: StoreIngestOptions): Promise<StoreIngestResult> {
  const progress = startProgress('1 store ingest', options.total, 'events');
  const all = { store: 0, raw: 0 };
  const tail = { store: 0, raw: 0, events: 0 };
  let count = 0;
  let batches = 0;
  let chunk: GeneratedEvent[] = [];
  const flush = async () => {
    const groups = groupByAccount(chunk);
    const inTail = count >= options.total * TAIL_FROM;
    let start = process.hrtime.bigint();
    const outcomes = await options.store.events.appendBatches(groups);
    // SQLite acknowledges small batches from its ingest journal and indexes them later; a read
    // waits until they are in the events table. Timed: indexing them is part of the store's work,
    // as it is of the raw baseline's, which copies those rows from the events table next.
    await options.store.events.head(groups[0]!.accountId);
    const storeMs = elapsedMs(start);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok)
      throw new Error(`appendBatches failed: ${failed.error.code} ${failed.error.message}`);
    let rawMs = 0;
    if (options.raw) {
      const ranges = rangesOf(groups, outcomes);
      const rows = await options.raw.read(ranges);
      const added = ranges.reduce((sum, r) => sum + r.toSeq - r.fromSeq + 1, 0);
      if (rows.count !== added) throw new Error(`raw baseline: read back ${rows.count} of ${added} rows`);
      start = process.hrtime.bigint();
      await options.raw.insertBatch(rows);
      rawMs = elapsedMs(start);
    }
    all.store += storeMs;
    all.raw += rawMs;
    if (inTail) {
      tail.store += storeMs;
      tail.raw += rawMs;
      tail.events += chunk.length;
    }
    count += chunk.length;
    batches++;
    progress.advance(chunk.length);
    chunk = [];
  };
  for (const generated of options.events) {
    options.collector?.observe(generated.accountId, generated.event);
    chunk.push(generated);
    if (chunk.length >= options.batchSize) await flush();
  }
  if (chunk.length > 0) await flush();
  const store = timing(count, all.store);
  const raw = options.raw ? timing(count, all.raw) : null;
  progress.done(
    `store ${Math.round(store.eventsPerSecond)}/s${raw ? `, raw ${Math.round(raw.eventsPerSecond)}/s` : ''}`,
  );
  const tailRaw = options.raw ? timing(tail.events, tail.raw) : null;
  return { store, raw, tail: { store: timing(tail.events, tail.store), raw: tailRaw }, batches };
}
