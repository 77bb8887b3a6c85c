/**
 * Proves the durability promise: an event the service acknowledged (201) is on disk and survives
 * `kill -9` of the server, with the chain and the gap-free sequence intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { runCli, startServe } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-kill9-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

const engines: { name: string; databaseUrl: () => Promise<string> }[] = [
  { name: 'SQLite', databaseUrl: async () => `file:${join(dir, 'auditlog.db')}` },
  {
    name: 'PostgreSQL',
    databaseUrl: async () => {
      const db = await createTestDatabase();
      databases.push(db);
      return db.url;
    },
  },
];

function event(i: number) {
  return {
    category: 'settings',
    operation: 'update',
    actor: { type: 'user', id: `user-${i % 7}` },
    api: { method: 'PATCH', route: '/v1/settings', path: '/v1/settings' },
    request: { field: 'name', value: `value ${i}` },
    status: 'success',
    httpStatus: 200,
    ip: '203.0.113.9',
    occurredAt: new Date().toISOString(),
  };
}

describe.each(engines)('an acknowledged event survives kill -9 of the server ($name)', (engine) => {
  it('keeps every acknowledged event, gap-free', async () => {
    const databaseUrl = await engine.databaseUrl();
    const env = { AUDITLOG_DATABASE_URL: databaseUrl };
    expect(runCli(['accounts', 'create', 'acme', '--name', 'Acme', '--plan', 'enterprise'], env).status).toBe(
      0,
    );
    const created = runCli(['keys', 'create', '--account', 'acme', '--scopes', 'ingest,read'], env);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();

    const server = await startServe(env);
    const acknowledged: { id: string; seq: number }[] = [];
    let sent = 0;
    let killed = false;
    // 16 concurrent producers keep requests in flight; the server is killed mid-stream.
    const producer = async () => {
      while (!killed && sent < 2000) {
        const i = sent++;
        try {
          const response = await fetch(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(event(i)),
          });
          if (response.status === 201) {
            const body = (await response.json()) as { data: { id: string; seq: number }[] };
            acknowledged.push(...body.data);
            if (acknowledged.length >= 300 && !killed) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          }
        } catch {
          // Requests cut off by the kill are expected to fail; they were never acknowledged.
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, producer));
    expect(await server.exited).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    const store = await openStore(databaseUrl);
    try {
      for (const ack of acknowledged) {
        const stored = await store.events.get('acme', ack.id);
        expect(stored?.seq).toBe(ack.seq);
      }
      const head = await store.events.head('acme');
      expect(head.seq).toBeGreaterThanOrEqual(Math.max(...acknowledged.map((a) => a.seq)));
      // Gap-free: every seq from 1 to the head is present exactly once.
      const seen = new Set<number>();
      let after: { occurredAt: string; id: string } | undefined;
      for (;;) {
        const page = await store.events.list('acme', {
          stream: 'central',
          limit: 200,
          ...(after && { after }),
        });
        for (const e of page.events) seen.add(e.seq);
        if (!page.next) break;
        after = page.next;
      }
      expect(seen.size).toBe(head.seq);
      for (let s = 1; s <= head.seq; s++) expect(seen.has(s)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
