/**
 * @module Turns each measurement's result into the figures of the report table: the value, the
 * baseline it is compared with, and the targets of issue 6.
 */

import type { ExportResult } from './measure/export.ts';
import type { HttpIngestResult, PooledSingle, SingleRound } from './measure/http-ingest.ts';
import type { QueryCaseResult } from './measure/list-queries.ts';
import type { MiddlewareResult } from './measure/middleware.ts';
import type { StoreIngestResult } from './measure/store-ingest.ts';
import type { Figure } from './support/report.ts';

const MB = 1024 * 1024;

/** Measurement 1. */
export function storeIngestFigures(result: StoreIngestResult, batchSize: number, reused: boolean): Figure[] {
  const from = reused ? ' (loading run)' : '';
  return [
    {
      section: 1,
      name: `store ingest: appendBatches, ${batchSize} events/call${from}`,
      value: result.store.eventsPerSecond,
      unit: 'events/s',
      baseline: { name: 'raw prepared INSERT, 1 tx/call', value: result.raw?.eventsPerSecond ?? null },
      note: `${result.store.events} events in ${(result.store.ms / 1000).toFixed(1)} s of store time`,
    },
    {
      section: 1,
      name: `store ingest: last 10% (database nearly full size)${from}`,
      value: result.tail.store.eventsPerSecond,
      unit: 'events/s',
      baseline: { name: 'raw prepared INSERT, last 10%', value: result.tail.raw?.eventsPerSecond ?? null },
    },
  ];
}

/** Measurement 2: batched HTTP ingest against the no-op server and against the raw batch insert. */
export function batchedFigures(result: HttpIngestResult, rawBatchEventsPerSecond: number | null): Figure[] {
  const ack = result.ours.eventsPerSecond;
  const failures = result.ours.non2xx + result.ours.errors;
  return [
    {
      section: 2,
      name: 'HTTP batched (100/req, 50 conn): acknowledged',
      value: ack,
      unit: 'events/s',
      baseline: { name: 'no-op Fastify, same requests', value: result.noop.eventsPerSecond },
      note:
        failures > 0 ? `${failures} failed requests: ${JSON.stringify(result.ours.statusCodes)}` : undefined,
    },
    {
      section: 2,
      name: 'HTTP batched: durable (rows stored / duration)',
      value: result.durableEventsPerSecond,
      unit: 'events/s',
      baseline: { name: 'raw batch insert (1), last 10%', value: rawBatchEventsPerSecond },
      targets: [{ on: 'ratio', op: '>=', limit: 0.75 }],
    },
    {
      section: 2,
      name: 'HTTP batched: request p99',
      value: result.ours.latencyMs.p99,
      unit: 'ms',
      baseline: { name: 'no-op Fastify p99', value: result.noop.latencyMs.p99 },
    },
  ];
}

/**
 * Measurement 3: one event per request against raw one-row transactions, pooled over the rounds
 * (poolSingleRounds), each round's ratio in the note.
 */
export function singleFigures(
  rounds: readonly SingleRound[],
  pooled: PooledSingle,
  engine: string,
): Figure[] {
  const failures = rounds.reduce((total, r) => total + r.ours.ours.non2xx + r.ours.ours.errors, 0);
  const perRound = `${rounds.length} round${rounds.length === 1 ? '' : 's'}, durable/raw each: ${pooled.roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}`;
  const statusCodes = rounds.map((r) => r.ours.ours.statusCodes);
  return [
    {
      section: 3,
      name: 'HTTP single (1/req, 50 conn): durable',
      value: pooled.durableEventsPerSecond,
      unit: 'events/s',
      baseline: {
        name: engine === 'sqlite' ? 'raw 1 row/tx, synchronous=FULL' : 'raw 1 row/tx (commit each)',
        value: pooled.rawEventsPerSecond,
      },
      targets: [{ on: 'ratio', op: '>=', limit: 3 }],
      note:
        failures > 0 ? `${perRound}; ${failures} failed requests: ${JSON.stringify(statusCodes)}` : perRound,
    },
    {
      section: 3,
      name: 'HTTP single: acknowledged',
      value: pooled.acknowledgedEventsPerSecond,
      unit: 'events/s',
      baseline: { name: 'no-op Fastify, same requests', value: pooled.noopEventsPerSecond },
    },
    {
      section: 3,
      name: 'HTTP single: request p99 (median round)',
      value: pooled.p99Ms,
      unit: 'ms',
      baseline: { name: 'no-op Fastify p99', value: pooled.noopP99Ms },
    },
  ];
}

/** Measurement 4: one line per filter, p99 against the raw query's p99 (p50s in the name). */
export function listFigures(results: readonly QueryCaseResult[], engine: string): Figure[] {
  return results.map((r) => ({
    section: 4,
    name: `list p99: ${r.name} (p50 ${r.ours.p50.toFixed(2)} vs ${r.raw.p50.toFixed(2)})`,
    value: r.ours.p99,
    unit: 'ms',
    baseline: { name: 'hand-written SQL p99', value: r.raw.p99 },
    targets: [
      ...(engine === 'sqlite' ? [{ on: 'value' as const, op: '<=' as const, limit: 5 }] : []),
      { on: 'ratio', op: '<=', limit: 2 },
    ],
    note: listNote(r),
  }));
}

/** Row-count mismatches, and the queries that waited for the disk (their share of the tail). */
function listNote(r: QueryCaseResult): string | undefined {
  const notes: string[] = [];
  if (r.rowCountMismatches > 0)
    notes.push(
      `${r.rowCountMismatches}/${r.ours.count} queries returned a different row count than the raw SQL`,
    );
  const disk = r.diskReads;
  if (disk && disk.ours.operations > 0) {
    const cached =
      r.oursCached && r.oursCached.count > 0 ? `; p99 of the others ${r.oursCached.p99.toFixed(2)} ms` : '';
    notes.push(
      `read from disk: ours in ${disk.ours.operations}/${r.ours.count} queries (${(disk.ours.bytes / MB).toFixed(1)} MB)${cached}, hand-written in ${disk.raw.operations} (${(disk.raw.bytes / MB).toFixed(1)} MB)`,
    );
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** Measurement 5. */
export function exportFigures(result: ExportResult): Figure[] {
  return [
    {
      section: 5,
      name: 'export: GET /v1/events/export (NDJSON)',
      value: result.eventsPerSecond,
      unit: 'events/s',
      targets: [{ on: 'value', op: '>=', limit: 50_000 }],
      note: `${result.events} events, ${(result.bytes / MB).toFixed(1)} MB, first byte after ${result.firstByteMs.toFixed(1)} ms; CPU per event: server ${result.serverCpuUsPerEvent.toFixed(1)} µs, ${result.databaseCpuUsPerEvent === null ? '' : `PostgreSQL ${result.databaseCpuUsPerEvent.toFixed(1)} µs, `}client ${result.clientCpuUsPerEvent.toFixed(1)} µs`,
    },
    {
      section: 5,
      name: 'export: server peak RSS',
      value: result.peakRssBytes / MB,
      unit: 'MB',
      baseline: { name: 'same server idle', value: result.idleRssBytes / MB },
      targets: [{ on: 'value', op: '<=', limit: 250 }],
    },
  ];
}

/** Measurement 6. */
export function diskFigures(
  ours: { bytes: number; events: number },
  raw: { bytes: number; events: number } | null,
): Figure[] {
  return [
    {
      section: 6,
      name: 'bytes on disk per event',
      value: ours.events ? ours.bytes / ours.events : null,
      unit: 'B',
      baseline: { name: 'raw baseline database', value: raw?.events ? raw.bytes / raw.events : null },
      targets: [{ on: 'value', op: '<=', limit: 800 }],
      note: `${(ours.bytes / MB).toFixed(1)} MB for ${ours.events} events`,
    },
  ];
}

/** Measurement 7: latency with the plugin against without it; the difference is the overhead. */
export function middlewareFigures(result: MiddlewareResult): Figure[] {
  const added = (a: number, b: number) => `+${(a - b).toFixed(2)} ms`;
  return [
    {
      section: 7,
      name: `middleware p50: ${result.route} (${added(result.audited.p50, result.plain.p50)})`,
      value: result.audited.p50,
      unit: 'ms',
      baseline: { name: 'dashboard without plugin', value: result.plain.p50 },
    },
    {
      section: 7,
      name: `middleware p99: ${result.route} (${added(result.audited.p99, result.plain.p99)})`,
      value: result.audited.p99,
      unit: 'ms',
      baseline: { name: 'dashboard without plugin', value: result.plain.p99 },
    },
  ];
}
