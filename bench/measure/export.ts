/**
 * @module Measurement 5 — export: the largest account, both producer streams, read whole through
 * GET /v1/events/export (NDJSON in seq order, payloads and hashes included, streamed with
 * backpressure), with events/s counted on the client by lines and the server process's peak RSS.
 */
import { openStore } from '../../src/store/open-store.ts';
import { countResponseLines } from '../http/count-lines.ts';
import { startServerChild } from '../http/server-child.ts';
import { cpuSeconds, cpuSince, postgresBackendsCpu } from '../support/cpu.ts';
import { startProgress } from '../support/progress.ts';
import { sampleRss } from '../support/rss.ts';
import { elapsedMs } from '../support/stats.ts';
import { createKeys } from './accounts.ts';

export interface ExportResult {
  events: number;
  /** Bytes of NDJSON received. */
  bytes: number;
  seconds: number;
  eventsPerSecond: number;
  /** From sending the request to the first byte of the body. */
  firstByteMs: number;
  /** Peak RSS of the server process during the export, sampled every 50 ms. */
  peakRssBytes: number;
  /** The kernel's high-water mark of the server process over its whole life (startup included). */
  highWaterMarkBytes: number | null;
  /** RSS of the idle server before the export, for comparison. */
  idleRssBytes: number;
  /** CPU the server process used per event (user + system), in µs. */
  serverCpuUsPerEvent: number;
  /** CPU this process (the client reading the body) used per event, in µs. */
  clientCpuUsPerEvent: number;
  /** CPU the database's server processes used per event (PostgreSQL only; null on SQLite), in µs. */
  databaseCpuUsPerEvent: number | null;
}

/** The database a postgres:// URL names, or null for any other store URL. */
function postgresDatabaseOf(databaseUrl: string): string | null {
  if (!/^postgres(ql)?:/.test(databaseUrl)) return null;
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || null;
}

/**
 * Exports every event of `accountId` (central and media streams) from a fresh server on the loaded
 * database, reading the body as it arrives, and checks the line count against `expected`.
 *
 * @example
 * const result = await runExport({ databaseUrl, accountId: 'acc_bench_00', expected: 400_000 });
 */
export async function runExport(options: {
  databaseUrl: string;
  accountId: string;
  expected: number;
}): Promise<ExportResult> {
  const store = await openStore(options.databaseUrl);
  const keys = await createKeys(store, [options.accountId], ['read']);
  await store.close();
  const key = keys.get(options.accountId) as string;
  const server = await startServerChild({ mode: 'auditlog', databaseUrl: options.databaseUrl });
  const progress = startProgress('5 export', options.expected, 'events');
  try {
    const idle = sampleRss(server.pid).stop().peakBytes;
    const sampler = sampleRss(server.pid);
    const url = new URL('/v1/events/export?stream=central,media', server.url);
    const database = postgresDatabaseOf(options.databaseUrl);
    const backendsBefore = database ? postgresBackendsCpu(database) : null;
    const serverCpuBefore = cpuSeconds(server.pid) ?? Number.NaN;
    const clientCpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const response = await countResponseLines(url, {
      headers: { authorization: `Bearer ${key}` },
      start,
      onLines: (lines) => progress.advance(lines),
    });
    if (response.status !== 200)
      throw new Error(`GET ${url.pathname} answered ${response.status}: ${response.text}`);
    const { lines: events, bytes, firstByteMs } = response;
    const seconds = elapsedMs(start) / 1000;
    const serverCpu = (cpuSeconds(server.pid) ?? Number.NaN) - serverCpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const databaseCpu =
      database && backendsBefore ? cpuSince(backendsBefore, postgresBackendsCpu(database)) : null;
    const rss = sampler.stop();
    progress.done();
    if (events !== options.expected)
      throw new Error(`the export held ${events} events, the account ${options.expected}`);
    return {
      events,
      bytes,
      seconds,
      eventsPerSecond: events / seconds,
      firstByteMs,
      peakRssBytes: rss.peakBytes,
      highWaterMarkBytes: rss.highWaterMarkBytes,
      idleRssBytes: idle,
      serverCpuUsPerEvent: (serverCpu * 1e6) / events,
      clientCpuUsPerEvent: (clientCpu.user + clientCpu.system) / events,
      databaseCpuUsPerEvent: databaseCpu === null ? null : (databaseCpu * 1e6) / events,
    };
  } finally {
    await server.stop();
  }
}
