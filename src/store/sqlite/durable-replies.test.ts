/**
 * @module The sync thread's relay: a committed group's reply reaches the main thread only after a
 * WAL sync that started after it, and a failed sync fails it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDurableReplies } from './durable-replies.ts';
import { createWalSync, type WalSync } from './wal-sync.ts';
import type { AppendReply, CommittedReply } from './writer-protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-replies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WalSync whose syncs finish when the test says so. */
function heldSync() {
  const finishers: Array<(error?: Error) => void> = [];
  const wal: WalSync = {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        finishers.push((error) => (error ? reject(error) : resolve()));
      }),
  };
  return {
    wal,
    started: () => finishers.length,
    finish: (i: number, error?: Error) => finishers[i]?.(error),
  };
}

/** A relay over a held sync, with what it sent so far, already waiting for the reply of `id`. */
async function relaying(id: number) {
  const held = heldSync();
  const sent: AppendReply[] = [];
  const relayed = createDurableReplies(held.wal, (reply) => sent.push(reply))(committed(id));
  await Promise.resolve();
  return { held, sent, relayed };
}

const committed = (id: number): CommittedReply => ({
  id,
  outcomes: [{ ok: true, events: [{ id: `evt-${id}`, seq: id, duplicate: false }] }],
});

describe('createDurableReplies', () => {
  it('sends a reply only once the WAL sync it waited for has completed', async () => {
    const { held, sent, relayed } = await relaying(1);
    expect(held.started()).toBe(1);
    expect(sent).toEqual([]);
    held.finish(0);
    await relayed;
    expect(sent).toEqual([committed(1)]);
  });

  it('fails the reply with STORE_UNAVAILABLE when the sync fails: its events may not be on disk', async () => {
    const { held, sent, relayed } = await relaying(7);
    held.finish(0, Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await relayed;
    expect(sent).toEqual([
      {
        id: 7,
        failure: {
          code: 'STORE_UNAVAILABLE',
          detail: 'append failed: EIO: i/o error, fdatasync',
          violations: [],
        },
      },
    ]);
  });

  it('relays every reply of many concurrent groups over a real WAL file', async () => {
    const path = join(dir, 'real.db');
    writeFileSync(path, 'x');
    writeFileSync(`${path}-wal`, 'y');
    const sent: number[] = [];
    const relay = createDurableReplies(createWalSync(path), (reply) => sent.push(reply.id));
    await Promise.all(Array.from({ length: 30 }, (_, i) => relay(committed(i))));
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
