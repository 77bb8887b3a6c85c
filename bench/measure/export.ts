/**
 * @module Measurement 5 — export: the largest account, both producer streams, read whole through
 * GET /v1/events/export (NDJSON in seq order, payloads and hashes included, streamed with
 * backpressure), with events/s counted on the client by lines and the server process's peak RSS.
 */
import { get, type IncomingMessage } from 'node:http';
import { openStore } from '../../src/store/open-store.ts';
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

const NEWLINE = 0x0a;

/** Lines in a chunk of NDJSON: every line, the last included, ends with a newline. */
function countLines(chunk: Uint8Array): number {
  let lines = 0;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

/**
 * GETs `url` with node:http, whose body comes as plain Buffers: fetch() hands them through web
 * streams, which cost the client (on the same two cores as the server) ~10 µs per event against ~4.
 */
function request(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, resolve).on('error', reject);
  });
}

/**
 * Counts a body's lines as its chunks arrive. 'data' events rather than `for await`: the async
 * iterator joins the chunks buffered between two reads into a new Buffer each time.
 */
function readLines(
  response: IncomingMessage,
  start: bigint,
  progress: { advance(n: number): void },
): Promise<{ events: number; bytes: number; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    let events = 0;
    let bytes = 0;
    let firstByteMs = Number.NaN;
    response.on('data', (chunk: Buffer) => {
      if (bytes === 0) firstByteMs = elapsedMs(start);
      const lines = countLines(chunk);
      events += lines;
      bytes += chunk.byteLength;
      progress.advance(lines);
    });
    response.on('end', () => resolve({ events, bytes, firstByteMs }));
    response.on('error', reject);
  });
}

/** The whole body of a response, as text (for an error message). */
async function text(response: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of response) body += chunk;
  return body;
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
    const response = await request(url, { authorization: `Bearer ${key}` });
    if (response.statusCode !== 200)
      throw new Error(`GET ${url.pathname} answered ${response.statusCode}: ${await text(response)}`);
    const { events, bytes, firstByteMs } = await readLines(response, start, progress);
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
