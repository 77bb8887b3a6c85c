import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../http/load.ts';
import { poolSingleRounds, type SingleRound } from './http-ingest.ts';

function load(seconds: number, eventsPerSecond: number, p99: number): LoadResult {
  return {
    durationSeconds: seconds,
    connections: 50,
    ok: seconds * eventsPerSecond,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    requestsPerSecond: eventsPerSecond,
    eventsPerSecond,
    latencyMs: { p50: p99 / 4, p99, max: p99 * 2 },
    statusCodes: { 201: seconds * eventsPerSecond },
  };
}

function round(durable: number, rawEventsPerSecond: number, p99: number): SingleRound {
  return {
    ours: {
      ours: load(10, durable, p99),
      durableEvents: durable * 10,
      durableEventsPerSecond: durable,
      added: [],
      noop: load(10, 20_000, 8),
    },
    raw: { events: 2000, ms: (2000 * 1000) / rawEventsPerSecond, eventsPerSecond: rawEventsPerSecond },
  };
}

describe('measurement 3 rounds', () => {
  it("pools each side's events over its time, and keeps each round's ratio", () => {
    const pooled = poolSingleRounds([round(3000, 1000, 50), round(2000, 2000, 70), round(2500, 500, 60)]);
    // 75,000 events in 30 s against 6,000 rows in 2 + 1 + 4 s.
    expect(pooled.durableEventsPerSecond).toBe(2500);
    expect(pooled.rawEventsPerSecond).toBeCloseTo(6000 / 7, 6);
    expect(pooled.roundRatios).toEqual([3, 1, 5]);
    expect(pooled.acknowledgedEventsPerSecond).toBe(2500);
    expect(pooled.p99Ms).toBe(60);
    expect(pooled.noopEventsPerSecond).toBe(20_000);
  });

  it('takes the lower middle of an even number of p99s (nearest rank)', () => {
    expect(poolSingleRounds([round(3000, 1000, 50), round(2000, 2000, 70)]).p99Ms).toBe(50);
  });
});
