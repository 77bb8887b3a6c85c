import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { createWorld } from '../generator/world.ts';
import { countEvents } from './accounts.ts';
import { runHttpIngest } from './http-ingest.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-bench-warmup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HTTP ingest with a warm-up (measurements 2 and 3)', () => {
  it('counts only what the timed run made durable, not the warm-up', { timeout: 60_000 }, async () => {
    const world = createWorld({ seed: 7, accounts: 3, actors: 6 });
    const databaseUrl = `file:${join(dir, 'warmup.db')}`;
    const connections = 4;
    const result = await runHttpIngest({
      world,
      seed: 7,
      databaseUrl,
      eventsPerRequest: 1,
      connections,
      durationSeconds: 1,
      warmupSeconds: 1,
      label: 'warm-up test',
    });

    const store = await openStore(databaseUrl);
    const stored = await countEvents(store, world);
    await store.close();
    // Every acknowledged request of the timed run is durable; beyond those, only the requests in
    // flight when it stopped (at most one per connection) may have been stored too.
    expect(result.ours.ok).toBeGreaterThan(0);
    expect(result.durableEvents).toBeGreaterThanOrEqual(result.ours.ok);
    expect(result.durableEvents).toBeLessThanOrEqual(result.ours.ok + connections);
    // The warm-up stored events too, and they are in the database but not in the figure.
    expect(stored).toBeGreaterThan(result.durableEvents);
    const added = result.added.reduce((sum, r) => sum + r.toSeq - r.fromSeq + 1, 0);
    expect(added).toBe(result.durableEvents);
    expect(result.added.every((r) => r.fromSeq > 1)).toBe(true);
    expect(result.noop.ok).toBeGreaterThan(0);
  });
});
