/**
 * @module exportChunks: NDJSON lines in seq order across pages, and the per-event stream check
 * that backs up the query's own stream filter (a stream the caller may not read never goes out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../events/schema.ts';
import { appendOk } from '../store/conformance/helpers.ts';
import { makePendingEvent } from '../store/conformance-fixtures.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/types.ts';
import { exportChunks } from './export-stream.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-export-stream-'));
let store: Store;

beforeAll(async () => {
  store = createSqliteStore({ path: join(dir, 'export.db') });
  await store.migrate();
  const pending = Array.from({ length: 25 }, (_, i) =>
    makePendingEvent({ stream: i % 3 === 0 ? 'media' : 'central' }),
  );
  await appendOk(store, 'acme', pending);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exported(readable?: (stream: string) => boolean): Promise<AuditEvent[]> {
  let text = '';
  const query = { afterSeq: 0, throughSeq: 25, limit: 4 };
  for await (const chunk of exportChunks(store.events, 'acme', query, { readable })) text += chunk;
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);
}

describe('exportChunks', () => {
  it('writes every event once, in seq order, across pages', async () => {
    expect((await exported()).map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('leaves out the events of a stream the caller may not read, even when the store returned them', async () => {
    const events = await exported((stream) => stream === 'central');
    expect(events.length).toBe(16);
    expect(events.every((e) => e.stream === 'central')).toBe(true);
  });
});
