import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventInput } from '../../../src/events/schema.ts';
import { openOutbox } from './outbox.ts';
import { createMemoryQueue, type EventQueue } from './queue.ts';

const event = (n: number): EventInput => ({
  category: 'settings',
  operation: 'update',
  actor: { type: 'user', id: `u_${n}` },
  status: 'success',
  occurredAt: '2026-01-01T00:00:00Z',
  request: { n, nested: { list: [1, 'two', null] } },
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'auditlog-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function queueContract(name: string, open: () => EventQueue) {
  describe(`${name} queue`, () => {
    it('hands events back oldest first, and forgets only what is removed', () => {
      const queue = open();
      expect(queue.firstId()).toBeNull();
      const last = queue.append([event(1), event(2), event(3)]);
      expect(queue.size()).toBe(3);
      expect(queue.lastId()).toBe(last);
      const head = queue.head(2);
      expect(head.map((q) => q.event)).toEqual([event(1), event(2)]);
      queue.remove([head[0]!.id]);
      expect(queue.head(10).map((q) => q.event.actor.id)).toEqual(['u_2', 'u_3']);
      expect(queue.firstId()).toBe(head[1]!.id);
      queue.close();
    });
  });
}

queueContract('memory', createMemoryQueue);
queueContract('outbox', () => openOutbox({ path: join(dir, 'outbox.db') }));

describe('outbox file', () => {
  it('keeps events and their order across reopen; positions never go back after deletes', () => {
    const path = join(dir, 'outbox.db');
    const first = openOutbox({ path, mode: 'durable' });
    expect(first.durable).toBe(true);
    first.append([event(1), event(2)]);
    const [one] = first.head(1);
    first.remove([one!.id]);
    first.close();

    const second = openOutbox({ path, mode: 'best-effort' });
    expect(second.durable).toBe(false);
    expect(second.size()).toBe(1);
    const last = second.append([event(3)]);
    second.remove(second.head(1).map((q) => q.id));
    const next = second.append([event(4)]);
    expect(next).toBeGreaterThan(last);
    expect(second.head(10).map((q) => q.event.actor.id)).toEqual(['u_3', 'u_4']);
    second.close();
  });

  it('refuses a second opener while the file is held', () => {
    const path = join(dir, 'outbox.db');
    const first = openOutbox({ path });
    first.append([event(1)]);
    expect(() => openOutbox({ path }).append([event(2)])).toThrow(/locked|busy/i);
    first.close();
    const again = openOutbox({ path });
    expect(again.size()).toBe(1);
    again.close();
  });
});
