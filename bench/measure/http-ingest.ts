/**
 * @module Measurements 2 and 3 — HTTP ingest through our server (batched: 100 events per request;
 * single: one event per request), each against its baseline: the same load on a no-op Fastify
 * server, and for single events raw one-row-per-transaction inserts with synchronous=FULL.
 */
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/types.ts';
import type { BenchEngine, RowRange } from '../engines/types.ts';
import type { World } from '../generator/world.ts';
import { buildBodyPool } from '../http/bodies.ts';
import { type LoadResult, runLoad } from '../http/load.ts';
import { type ServerChild, startServerChild } from '../http/server-child.ts';
import { startProgress } from '../support/progress.ts';
import { elapsedMs, summarize } from '../support/stats.ts';
import { createKeys, ensureAccounts } from './accounts.ts';

export interface HttpIngestOptions {
  world: World;
  seed: number;
  /** The database our server writes to (created and migrated if new). */
  databaseUrl: string;
  eventsPerRequest: number;
  connections: number;
  durationSeconds: number;
  /**
   * An untimed run of the same load before each server's timed run (0: none). Our server starts
   * its writer thread on the first append and opens the database with an empty page cache; the
   * first 2–3 s ran at about half the steady rate and are not what a running service sees.
   */
  warmupSeconds: number;
  label: string;
}

export interface HttpIngestResult {
  ours: LoadResult;
  /** Events the store holds after the timed run minus before it (after any warm-up): what was made durable. */
  durableEvents: number;
  /** durableEvents over the load's duration. */
  durableEventsPerSecond: number;
  /** The rows the run added, per account (what the raw single-row baseline copies). */
  added: RowRange[];
  noop: LoadResult;
}

/** Every account's last seq. */
async function headsOf(store: Store, world: World): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (const account of world.accounts) heads.set(account.id, (await store.events.head(account.id)).seq);
  return heads;
}

/** Heads are re-read this often until they stop moving. */
const SETTLE_POLL_MS = 200;
/** A warm-up's requests still in flight finish within a second; this bounds a server that never settles. */
const SETTLE_TRIES = 50;

/**
 * Each account's last seq once the server has answered every request of a finished load: read
 * until two reads agree, so that no warm-up event is counted as the timed run's.
 */
async function settledHeads(server: ServerChild, world: World): Promise<Map<string, number>> {
  const ids = world.accounts.map((a) => a.id);
  let last = await server.heads(ids);
  for (let tries = 0; tries < SETTLE_TRIES; tries++) {
    await new Promise((done) => setTimeout(done, SETTLE_POLL_MS));
    const now = await server.heads(ids);
    if ([...now].every(([id, seq]) => last.get(id) === seq)) return now;
    last = now;
  }
  throw new Error(
    `the server was still storing events ${(SETTLE_POLL_MS * SETTLE_TRIES) / 1000} s after the warm-up`,
  );
}

/** API keys go in the Authorization header as a bearer token. */
const bearer = (key: string) => `Bearer ${key}`;

async function prepareDatabase(
  options: HttpIngestOptions,
): Promise<{ keys: Map<string, string>; before: Map<string, number> }> {
  const store = await openStore(options.databaseUrl);
  try {
    await ensureAccounts(store, options.world);
    const keys = await createKeys(
      store,
      options.world.accounts.map((a) => a.id),
      ['ingest'],
    );
    return { keys, before: await headsOf(store, options.world) };
  } finally {
    await store.close();
  }
}

/** The untimed warm-up of a server, then its timed run (both the same load). */
async function warmThenLoad(
  options: HttpIngestOptions,
  server: ServerChild,
  pool: (suffix: string) => ReturnType<typeof buildBodyPool>,
  side: 'ours' | 'no-op',
  beforeTimed: () => Promise<void>,
): Promise<LoadResult> {
  if (options.warmupSeconds > 0) {
    await runLoad({
      url: server.url,
      pool: pool(`${side[0]}w`),
      connections: options.connections,
      durationSeconds: options.warmupSeconds,
      label: `${options.label} ${side} warm-up`,
    });
  }
  await beforeTimed();
  return runLoad({
    url: server.url,
    pool: pool(side[0]!),
    ...loadShape(options),
    label: `${options.label} ${side}`,
  });
}

/**
 * Loads our server, then the no-op server, with the same kind of requests for the same duration,
 * each after its own warm-up.
 *
 * @example
 * await runHttpIngest({ world, seed, databaseUrl, eventsPerRequest: 100, connections: 50, durationSeconds: 10, label: '2 batched' });
 */
export async function runHttpIngest(options: HttpIngestOptions): Promise<HttpIngestResult> {
  const prepared = await prepareDatabase(options);
  const { keys } = prepared;
  let before = prepared.before;
  const runId = `${options.eventsPerRequest}x${Date.now().toString(36)}`;
  const pool = (suffix: string) =>
    buildBodyPool({
      world: options.world,
      seed: options.seed,
      keys,
      eventsPerRequest: options.eventsPerRequest,
      runId: `${runId}${suffix}`,
      authorization: bearer,
    });
  const server = await startServerChild({ mode: 'auditlog', databaseUrl: options.databaseUrl });
  let ours: LoadResult;
  try {
    ours = await warmThenLoad(options, server, pool, 'ours', async () => {
      if (options.warmupSeconds > 0) before = await settledHeads(server, options.world);
    });
  } finally {
    await server.stop();
  }
  const store = await openStore(options.databaseUrl);
  const after = await headsOf(store, options.world);
  await store.close();
  const added = [...after].flatMap(([accountId, seq]): RowRange[] => {
    const from = (before.get(accountId) ?? 0) + 1;
    return seq >= from ? [{ accountId, fromSeq: from, toSeq: seq }] : [];
  });
  const durableEvents = added.reduce((sum, r) => sum + r.toSeq - r.fromSeq + 1, 0);
  const noopServer = await startServerChild({ mode: 'noop' });
  let noop: LoadResult;
  try {
    noop = await warmThenLoad(options, noopServer, pool, 'no-op', async () => {});
  } finally {
    await noopServer.stop();
  }
  const durableEventsPerSecond = durableEvents / ours.durationSeconds;
  return { ours, durableEvents, durableEventsPerSecond, added, noop };
}

function loadShape(options: HttpIngestOptions) {
  return { connections: options.connections, durationSeconds: options.durationSeconds };
}

/** The raw single-row baseline of measurement 3. */
export interface RawSingleResult {
  events: number;
  ms: number;
  eventsPerSecond: number;
}

/** One round of measurement 3: our server's load, then the raw baseline on the rows it stored. */
export interface SingleRound {
  ours: HttpIngestResult;
  raw: RawSingleResult;
}

/** Measurement 3's rounds taken together: each side's events over its total time. */
export interface PooledSingle {
  durableEventsPerSecond: number;
  acknowledgedEventsPerSecond: number;
  noopEventsPerSecond: number;
  rawEventsPerSecond: number;
  /** durable over raw, per round, in the order they ran. */
  roundRatios: number[];
  /** The median (nearest rank) of the rounds' request p99s (ours, then the no-op server's), ms. */
  p99Ms: number;
  noopP99Ms: number;
}

/**
 * Pools the rounds: events summed over seconds summed, on each side. A round is a sample of this
 * machine's disk and CPU at one moment; both sides get the same moments, as closely as they can
 * take turns.
 */
export function poolSingleRounds(rounds: readonly SingleRound[]): PooledSingle {
  const sum = (f: (r: SingleRound) => number) => rounds.reduce((total, r) => total + f(r), 0);
  const oursSeconds = sum((r) => r.ours.ours.durationSeconds);
  const noopSeconds = sum((r) => r.ours.noop.durationSeconds);
  return {
    durableEventsPerSecond: sum((r) => r.ours.durableEvents) / oursSeconds,
    acknowledgedEventsPerSecond:
      sum((r) => r.ours.ours.eventsPerSecond * r.ours.ours.durationSeconds) / oursSeconds,
    noopEventsPerSecond: sum((r) => r.ours.noop.eventsPerSecond * r.ours.noop.durationSeconds) / noopSeconds,
    rawEventsPerSecond: (sum((r) => r.raw.events) * 1000) / sum((r) => r.raw.ms),
    roundRatios: rounds.map((r) => r.ours.durableEventsPerSecond / r.raw.eventsPerSecond),
    p99Ms: summarize(rounds.map((r) => r.ours.ours.latencyMs.p99)).p50,
    noopP99Ms: summarize(rounds.map((r) => r.ours.noop.latencyMs.p99)).p50,
  };
}

/** The first `count` rows of the ranges. */
function firstRows(ranges: readonly RowRange[], count: number): RowRange[] {
  const out: RowRange[] = [];
  let left = count;
  for (const range of ranges) {
    if (left <= 0) break;
    const take = Math.min(left, range.toSeq - range.fromSeq + 1);
    out.push({ accountId: range.accountId, fromSeq: range.fromSeq, toSeq: range.fromSeq + take - 1 });
    left -= take;
  }
  return out;
}

/**
 * Inserts up to `count` of the rows our server stored (`added`, copied from `sourceUrl`) one per
 * transaction into `targetUrl` — the same database the server started from — with autocommit and
 * synchronous=FULL on SQLite, a commit per row on PostgreSQL: what an ingest path without group
 * commit could reach.
 */
export async function runRawSingle(options: {
  engine: BenchEngine;
  sourceUrl: string;
  targetUrl: string;
  added: readonly RowRange[];
  count: number;
}): Promise<RawSingleResult> {
  const writer = await options.engine.openRawWriter(options.sourceUrl, options.targetUrl);
  try {
    const rows = await writer.read(firstRows(options.added, options.count));
    if (rows.count === 0) throw new Error('the HTTP single run stored no rows to copy');
    const progress = startProgress('3 raw single-row', rows.count, 'rows');
    const start = process.hrtime.bigint();
    await writer.insertEach(rows);
    const ms = elapsedMs(start);
    progress.advance(rows.count);
    progress.done();
    return { events: rows.count, ms, eventsPerSecond: (rows.count * 1000) / ms };
  } finally {
    await writer.close();
  }
}
