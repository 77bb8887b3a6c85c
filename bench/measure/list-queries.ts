/**
 * @module Measurement 4 — list latency: p50/p99 of the store's `list()` for each filter the Audit
 * Logs page offers, on the largest account, against the same query written by hand in plain SQL on
 * the same database. Parameters vary query to query (drawn from the loaded data), and the store and
 * the raw query alternate, so neither profits alone from a warm cache. Both connections read the
 * same number of events first, so both start with a full page cache (fillCaches). Each query's
 * disk reads are counted outside its timed span (support/disk-reads.ts), so a tail that waited for
 * the disk shows as such in the report.
 */
import { EXPORT_PAGE_SIZE } from '../../src/query/export-stream.ts';
import type { EventQuery, Store } from '../../src/store/types.ts';
import type { RawReader } from '../engines/types.ts';
import type { QuerySamples } from '../generator/samples.ts';
import { type DiskReadTally, diskBytesRead, tallyDiskReads } from '../support/disk-reads.ts';
import { deriveSeed, mulberry32, pick, type Random } from '../support/prng.ts';
import { startProgress } from '../support/progress.ts';
import { elapsedMs, type LatencySummary, summarize } from '../support/stats.ts';

/** One filter of the page and how to draw its parameters. */
export interface QueryCase {
  name: string;
  make(random: Random): EventQuery;
}

export interface QueryCaseResult {
  name: string;
  ours: LatencySummary;
  raw: LatencySummary;
  /** Queries where the store and the raw SQL returned a different number of rows. */
  rowCountMismatches: number;
  /** Mean rows per page, to show the query is not trivially empty. */
  meanRows: number;
  /** Queries that read from disk (page-cache misses), each side; null where not countable. */
  diskReads: { ours: DiskReadTally; raw: DiskReadTally } | null;
  /** Our latency over the queries that read nothing from disk. */
  oursCached: LatencySummary | null;
  plan: string;
  example: EventQuery;
}

/** The page size the Audit Logs page asks for. */
export const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

/**
 * The page's filters, with parameters drawn from what was loaded for the largest account.
 *
 * @example
 * const cases = queryCases(samples); // first page, actor, operation, … deep keyset page
 */
export function queryCases(samples: QuerySamples): QueryCase[] {
  const limit = PAGE_SIZE;
  const first = Date.parse(samples.firstOccurredAt);
  const last = Date.parse(samples.lastOccurredAt);
  const streams = ['central', 'media'] as const;
  return [
    { name: 'first page', make: (r) => ({ stream: pick(r, streams), limit }) },
    {
      name: 'actor',
      make: (r) => {
        const a = pick(r, samples.actors);
        return { stream: a.stream, actorIds: [a.id], limit };
      },
    },
    {
      name: 'operation',
      make: (r) => {
        const o = pick(r, samples.operations);
        return { stream: o.stream, operations: [o.operation], limit };
      },
    },
    {
      name: 'category',
      make: (r) => {
        const c = pick(r, samples.categories);
        return { stream: c.stream, categories: [c.category], limit };
      },
    },
    {
      name: 'date range (7 days)',
      make: (r) => {
        const from = first + r() * Math.max(0, last - first - 7 * DAY_MS);
        return {
          stream: pick(r, streams),
          from: new Date(from).toISOString(),
          to: new Date(from + 7 * DAY_MS).toISOString(),
          limit,
        };
      },
    },
    {
      name: 'asset path',
      make: (r) => ({ stream: 'media', targetPath: pick(r, samples.paths).path, limit }),
    },
    {
      name: 'request id',
      make: (r) => {
        const s = pick(r, samples.requestIds);
        return { stream: s.stream, requestId: s.requestId, limit };
      },
    },
    { name: 'free text (file name)', make: (r) => ({ stream: 'media', q: pick(r, samples.terms), limit }) },
    {
      name: 'deep keyset page',
      make: (r) => {
        const k = pick(r, samples.keysets);
        return { stream: k.stream, after: { occurredAt: k.occurredAt, id: k.id }, limit };
      },
    },
  ];
}

/**
 * Events each connection reads before the first timed query: ~6,000 pages of the events table
 * (~65 events per 16 KiB page at 1e6), about three times what a 32 MiB page cache holds.
 */
const FILL_EVENTS = 400_000;

/**
 * Fills the page cache of the store's connection (by exporting the account's oldest events) and
 * of the raw reader's, as a server that has been running has them. In a fresh process a page read
 * into a cache slot never used before costs ~75 µs on this VM (the first touch of new memory),
 * ~16 µs once slots are reused: at 5e6 the first ~20 asset-path queries of a run, 50 scattered
 * rows each, paid that for both readers, and set the p99 (~4–7 ms instead of ~2).
 *
 * The export reads pages of the size the server's export reads. This process times the queries
 * next, and pages of 5,000 events left its heap unlike a server's: ~60% of what the export
 * allocated lived through two scavenges (a page's lines are half the young generation), so 70–150
 * MB of dead objects sat in the old generation, and each scavenge during the timed queries took
 * ~3.3 ms with 150 MB of old space, 1.3–1.5 ms with 16–46 MB (`--trace-gc-nvp`).
 */
async function fillCaches(store: Store, raw: RawReader, accountId: string): Promise<void> {
  const { seq: throughSeq } = await store.events.head(accountId);
  let afterSeq = 0;
  while (afterSeq < Math.min(throughSeq, FILL_EVENTS)) {
    const page = await store.events.exportPage(accountId, {
      afterSeq,
      throughSeq,
      limit: EXPORT_PAGE_SIZE,
    });
    if (page.next === null) break;
    afterSeq = page.next;
  }
  await raw.fillCache(accountId, FILL_EVENTS);
}

/** A query's time, rows, and bytes it read from disk (counted outside the timed span). */
interface Timed {
  ms: number;
  rows: number;
  diskBytes: number | null;
}

async function timeOnce(run: () => Promise<number>): Promise<Timed> {
  const before = diskBytesRead();
  const start = process.hrtime.bigint();
  const rows = await run();
  const ms = elapsedMs(start);
  const after = before === null ? null : diskBytesRead();
  return { ms, rows, diskBytes: after === null || before === null ? null : after - before };
}

function diskReadsOf(ours: readonly Timed[], raw: readonly Timed[]): QueryCaseResult['diskReads'] {
  const tally = (runs: readonly Timed[]) => tallyDiskReads(runs.map((run) => run.diskBytes));
  const [o, r] = [tally(ours), tally(raw)];
  return o && r ? { ours: o, raw: r } : null;
}

/**
 * Runs `count` queries of each case through the store and through the raw reader.
 *
 * @example
 * const results = await runListQueries({ store, raw, samples, count: 200, seed: 1 });
 */
export async function runListQueries(options: {
  store: Store;
  raw: RawReader;
  samples: QuerySamples;
  count: number;
  seed: number;
}): Promise<QueryCaseResult[]> {
  const { store, raw, samples, count } = options;
  const cases = queryCases(samples);
  const progress = startProgress('4 list queries', cases.length * count * 2, 'queries');
  const results: QueryCaseResult[] = [];
  await fillCaches(store, raw, samples.accountId);
  for (const queryCase of cases) {
    const random = mulberry32(deriveSeed(options.seed, queryCase.name));
    const queries = Array.from({ length: count }, () => queryCase.make(random));
    const ours: Timed[] = [];
    const raws: Timed[] = [];
    let mismatches = 0;
    let rows = 0;
    // A few untimed runs first: prepared statements and the first page reads are one-off costs.
    for (const q of queries.slice(0, 3)) {
      await store.events.list(samples.accountId, q);
      await raw.list(samples.accountId, q);
    }
    for (const [i, query] of queries.entries()) {
      const runOurs = () =>
        timeOnce(async () => (await store.events.list(samples.accountId, query)).events.length);
      const runRaw = () => timeOnce(() => raw.list(samples.accountId, query));
      const [a, b] = i % 2 === 0 ? [await runOurs(), await runRaw()] : [undefined, await runRaw()];
      const o = a ?? (await runOurs());
      ours.push(o);
      raws.push(b);
      rows += o.rows;
      if (o.rows !== b.rows) mismatches++;
      progress.advance(2);
    }
    const diskReads = diskReadsOf(ours, raws);
    results.push({
      name: queryCase.name,
      ours: summarize(ours.map((run) => run.ms)),
      raw: summarize(raws.map((run) => run.ms)),
      rowCountMismatches: mismatches,
      meanRows: rows / count,
      diskReads,
      oursCached: diskReads && summarize(ours.filter((run) => run.diskBytes === 0).map((run) => run.ms)),
      plan: await raw.explain(samples.accountId, queries[0] as EventQuery),
      example: queries[0] as EventQuery,
    });
  }
  progress.done();
  return results;
}
