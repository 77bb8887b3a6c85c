/**
 * @module The benchmark run: loads the data set (measurement 1), then measures disk footprint,
 * list latency, export, HTTP ingest and middleware overhead in that order, each phase isolated so
 * one failure is reported without losing the others.
 */
import { openStore } from '../src/store/open-store.ts';
import type { BenchEngine } from './engines/types.ts';
import {
  batchedFigures,
  diskFigures,
  exportFigures,
  listFigures,
  middlewareFigures,
  singleFigures,
  storeIngestFigures,
} from './figures.ts';
import { generateEvents } from './generator/events.ts';
import { type QuerySamples, SampleCollector } from './generator/samples.ts';
import { createWorld, type World } from './generator/world.ts';
import { ensureAccounts } from './measure/accounts.ts';
import { poolSingleRounds, runHttpIngest, runRawSingle, type SingleRound } from './measure/http-ingest.ts';
import { runListQueries } from './measure/list-queries.ts';
import { runStoreIngest, type StoreIngestResult } from './measure/store-ingest.ts';
import { deriveSeed } from './support/prng.ts';
import { note } from './support/progress.ts';
import { type Figure, judge, type Report } from './support/report.ts';

/** Everything a run is told by the command line. */
export interface BenchOptions {
  engine: 'sqlite' | 'postgres';
  events: number;
  quick: boolean;
  seed: number;
  batchSize: number;
  durationSeconds: number;
  /** Untimed load before each HTTP server's timed run (measurements 2 and 3). */
  warmupSeconds: number;
  connections: number;
  queries: number;
  singleRows: number;
  /** Turns of measurement 3 (ours, then raw), pooled. */
  singleRounds: number;
  middlewareRequests: number;
  /** Label (SQLite: file path; PostgreSQL: database name) of a data set to reuse or create. */
  reuse?: string;
  /** Measurements to run (1–7). */
  only: ReadonlySet<number>;
  /** occurredAt of the data set's last event (ms). */
  endMs: number;
  workDir: string;
}

/** What the load phase leaves for the others. */
interface DataSet {
  url: string;
  samples: QuerySamples;
  /** Measurement 1 of the run that loaded the data set (this run, or an earlier one on reuse). */
  ingest: StoreIngestResult | null;
  reused: boolean;
  rawUrl: string | null;
}

interface DataSetMeta {
  seed: number;
  events: number;
  endMs: number;
  samples: QuerySamples;
  ingest: StoreIngestResult | null;
}

interface Context {
  options: BenchOptions;
  engine: BenchEngine;
  world: World;
  figures: Figure[];
  details: Record<string, unknown>;
  errors: string[];
}

async function phase(ctx: Context, section: number, name: string, work: () => Promise<void>): Promise<void> {
  if (!ctx.options.only.has(section)) return;
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    note(`[${section}] ${name} FAILED: ${message}`);
    ctx.errors.push(`[${section}] ${name}: ${message.split('\n')[0]}`);
    ctx.figures.push({ section, name, value: null, unit: '', note: `failed: ${message.split('\n')[0]}` });
  }
}

function parseMeta(text: string | null, options: BenchOptions): DataSetMeta | null {
  if (text === null) return null;
  const meta = JSON.parse(text) as DataSetMeta;
  const same = meta.seed === options.seed && meta.events === options.events && meta.endMs === options.endMs;
  return same ? meta : null;
}

async function loadDataSet(ctx: Context): Promise<DataSet> {
  const { options, engine, world } = ctx;
  const label = options.reuse ?? 'load';
  if (options.reuse && (await engine.exists(label))) {
    const url = await engine.databaseUrl(label, false);
    const description = await engine.readDescription(label);
    const meta = parseMeta(description, options);
    if (meta) {
      note(
        `reusing the data set in ${label} (${meta.events} events): measurement 1 comes from its loading run`,
      );
      return { url, samples: meta.samples, ingest: meta.ingest ?? null, reused: true, rawUrl: null };
    }
    note(
      description === null
        ? `${label} has no description of its data set (an interrupted load?): loading it again`
        : `${label} was loaded with other settings (seed, events or end): loading it again`,
    );
  }
  const url = await engine.databaseUrl(label, true);
  const rawUrl = options.only.has(1) ? await engine.databaseUrl('raw-batch', true) : null;
  const store = await openStore(url);
  const raw = rawUrl ? await engine.openRawWriter(url, rawUrl) : null;
  const collector = new SampleCollector(world.largest.id, deriveSeed(options.seed, 'samples'));
  try {
    await ensureAccounts(store, world);
    const events = generateEvents({ world, seed: options.seed, count: options.events, endMs: options.endMs });
    const ingest = await runStoreIngest({
      store,
      raw,
      events,
      total: options.events,
      batchSize: options.batchSize,
      collector,
    });
    const samples = collector.result();
    const meta: DataSetMeta = {
      seed: options.seed,
      events: options.events,
      endMs: options.endMs,
      samples,
      ingest,
    };
    // Only a kept data set needs its description (a temporary one is deleted with the work
    // directory). Saved last: a load that stops halfway leaves none, and is loaded again.
    if (options.reuse) await engine.saveDescription(label, JSON.stringify(meta));
    return { url, samples, ingest, reused: false, rawUrl };
  } finally {
    await raw?.close();
    await store.close();
  }
}

async function measureLoadAndDisk(ctx: Context): Promise<DataSet | null> {
  let data: DataSet | null = null;
  const needing = [1, 4, 5, 6].find((n) => ctx.options.only.has(n));
  if (needing === undefined) return null;
  try {
    data = await loadDataSet(ctx);
  } catch (error) {
    // Reported under a measurement that was asked for, so `--only 4` fails loudly too.
    await phase(ctx, needing, 'loading the data set', async () => {
      throw error;
    });
    return null;
  }
  const loaded = data;
  if (loaded.ingest && ctx.options.only.has(1)) {
    ctx.figures.push(...storeIngestFigures(loaded.ingest, ctx.options.batchSize, loaded.reused));
    ctx.details.storeIngest = loaded.ingest;
  }
  await phase(ctx, 6, 'bytes on disk', async () => {
    const ours = await ctx.engine.footprint(loaded.url);
    const raw = loaded.rawUrl ? await ctx.engine.footprint(loaded.rawUrl) : null;
    ctx.figures.push(...diskFigures(ours, raw));
    ctx.details.disk = { ours, raw };
  });
  return loaded;
}

async function measureReads(ctx: Context, data: DataSet | null): Promise<void> {
  if (!data) return;
  await phase(ctx, 4, 'list queries', async () => {
    await ctx.engine.warmCache(data.url);
    const store = await openStore(data.url);
    const raw = await ctx.engine.openRawReader(data.url);
    try {
      const results = await runListQueries({
        store,
        raw,
        samples: data.samples,
        count: ctx.options.queries,
        seed: ctx.options.seed,
      });
      ctx.figures.push(...listFigures(results, ctx.engine.name));
      ctx.details.list = results;
    } finally {
      await raw.close();
      await store.close();
    }
  });
  await phase(ctx, 5, 'export', async () => {
    await ctx.engine.warmCache(data.url);
    const { runExport } = await import('./measure/export.ts');
    const result = await runExport({
      databaseUrl: data.url,
      accountId: data.samples.accountId,
      expected: data.samples.events,
    });
    ctx.figures.push(...exportFigures(result));
    ctx.details.export = result;
  });
}

/** A copy of the loaded data set (a server ingesting into a year of data), else a fresh database. */
function writableDatabase(ctx: Context, data: DataSet | null, label: string): Promise<string> {
  return data ? ctx.engine.copyDatabase(data.url, label) : ctx.engine.databaseUrl(label, true);
}

async function measureHttp(ctx: Context, data: DataSet | null): Promise<void> {
  const { options, engine, world } = ctx;
  const rawBatch = data?.ingest?.tail.raw?.eventsPerSecond ?? null;
  const shape = {
    world,
    seed: options.seed,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
  await phase(ctx, 2, 'HTTP batched ingest', async () => {
    const databaseUrl = await writableDatabase(ctx, data, 'http-batched');
    const result = await runHttpIngest({ ...shape, databaseUrl, eventsPerRequest: 100, label: '2 batched' });
    ctx.figures.push(...batchedFigures(result, rawBatch));
    ctx.details.httpBatched = result;
  });
  await phase(ctx, 3, 'HTTP single-event ingest', async () => {
    const databaseUrl = await writableDatabase(ctx, data, 'http-single');
    const rawUrl = await writableDatabase(ctx, data, 'raw-single');
    // Rounds take turns, ours then raw: this machine's disk syncs 1–2x faster from one minute to
    // the next, and one sample of each side, a minute apart, put the ratio anywhere in 1.3–3.4x.
    const rounds: SingleRound[] = [];
    for (let round = 1; round <= options.singleRounds; round++) {
      const label = `3 single (round ${round}/${options.singleRounds})`;
      const ours = await runHttpIngest({ ...shape, databaseUrl, eventsPerRequest: 1, label });
      const raw = await runRawSingle({
        engine,
        sourceUrl: databaseUrl,
        targetUrl: rawUrl,
        added: ours.added,
        count: options.singleRows,
      });
      rounds.push({ ours, raw });
    }
    const pooled = poolSingleRounds(rounds);
    ctx.figures.push(...singleFigures(rounds, pooled, engine.name));
    ctx.details.httpSingle = { rounds, pooled };
  });
  await phase(ctx, 7, 'middleware overhead', async () => {
    // Imported here: the demo dashboard and the client package are optional to the other measurements.
    const { runMiddleware } = await import('./measure/middleware.ts');
    const databaseUrl = await engine.databaseUrl('middleware', true);
    const result = await runMiddleware({
      workDir: options.workDir,
      world,
      databaseUrl,
      count: options.middlewareRequests,
    });
    ctx.figures.push(...middlewareFigures(result));
    ctx.details.middleware = result;
  });
}

/**
 * Runs the selected measurements on `engine` and returns the report (not yet printed or saved)
 * with the list of phases that failed.
 *
 * @example
 * const { report, errors } = await runBench(options, engine);
 */
export async function runBench(
  options: BenchOptions,
  engine: BenchEngine,
): Promise<{ report: Report; errors: string[] }> {
  const started = Date.now();
  const world = createWorld({ seed: deriveSeed(options.seed, 'world') });
  const ctx: Context = { options, engine, world, figures: [], details: {}, errors: [] };
  const data = await measureLoadAndDisk(ctx);
  await measureReads(ctx, data);
  await measureHttp(ctx, data);
  const figures = ctx.figures.sort((a, b) => a.section - b.section).map(judge);
  const meta = {
    date: new Date().toISOString(),
    engine: engine.name,
    events: options.events,
    quick: options.quick,
    seed: options.seed,
    batchSize: options.batchSize,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    queriesPerFilter: options.queries,
    dataWindowEnd: new Date(options.endMs).toISOString(),
    reused: data ? data.reused : null,
    node: process.version,
    seconds: Math.round((Date.now() - started) / 1000),
    errors: ctx.errors,
  };
  return { report: { meta, figures, details: ctx.details }, errors: ctx.errors };
}
