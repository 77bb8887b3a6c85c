/**
 * @module A real Auditlog server for the capture suites: the app on a SQLite file in a temp dir,
 * listening on 127.0.0.1, that can be stopped and started again on the same file and port (to
 * prove the outbox delivers what piled up while Auditlog was down). Also a fault-injecting proxy
 * that lets the server commit a batch but drops the answer, to force real retries.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulidx';
import { createApiKey } from '../../src/access/api-keys.ts';
import { loadConfig } from '../../src/config.ts';
import type { AuditEvent } from '../../src/events/schema.ts';
import { createApp } from '../../src/server/app.ts';
import type { App } from '../../src/server/type-provider.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';

export interface Auditlog {
  /** Base URL; stays the same across stop/start. */
  url: string;
  dir: string;
  accountId: string;
  /** An ingest key of the account. */
  apiKey: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Every stored event of the account, payloads included, in seq order. */
  events(): Promise<AuditEvent[]>;
  /** The stored events with this request id. */
  byRequestId(requestId: string): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/** Starts Auditlog with one enterprise account and an ingest key. */
export async function startAuditlog(): Promise<Auditlog> {
  const dir = await mkdtemp(join(tmpdir(), 'auditlog-capture-'));
  const path = join(dir, 'auditlog.db');
  const config = loadConfig({}, { logLevel: 'silent' });
  let store: Store | undefined;
  let app: App | undefined;
  let port = 0;

  async function start(): Promise<void> {
    store = createSqliteStore({ path });
    await store.migrate();
    app = await createApp({ store, config });
    await app.listen({ host: '127.0.0.1', port });
    port = (app.server.address() as AddressInfo).port;
  }
  async function stop(): Promise<void> {
    await app?.close();
    await store?.close();
    app = undefined;
    store = undefined;
  }
  function open(): Store {
    if (!store) throw new Error('Auditlog is stopped');
    return store;
  }

  await start();
  const accountId = `acc_${ulid().toLowerCase()}`;
  await open().accounts.create({
    id: accountId,
    name: 'Capture tests',
    plan: 'enterprise',
    auditLogsEnabled: true,
    retentionDays: 365,
  });
  const { key } = await createApiKey(open().accounts, accountId, ['ingest', 'read'], 'test');

  async function full(ids: string[]): Promise<AuditEvent[]> {
    const events = await Promise.all(ids.map((id) => open().events.get(accountId, id)));
    return events.filter((e): e is AuditEvent => e !== null).sort((a, b) => a.seq - b.seq);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    accountId,
    apiKey: key,
    stop,
    start,
    async events() {
      const ids: string[] = [];
      for (const stream of ['central', 'media'] as const) {
        let after: { occurredAt: string; id: string } | undefined;
        do {
          const page = await open().events.list(accountId, { stream, limit: 200, after });
          ids.push(...page.events.map((e) => e.id));
          after = page.next ?? undefined;
        } while (after);
      }
      return full(ids);
    },
    async byRequestId(requestId) {
      const page = await open().events.list(accountId, { stream: 'central', requestId, limit: 10 });
      return full(page.events.map((e) => e.id));
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface FlakyProxy {
  url: string;
  /** Answers withheld so far (the server had already handled those requests). */
  dropped: number;
  close(): Promise<void>;
}

/**
 * A proxy to `target` that forwards every request, but for the first `dropFirst` ones destroys the
 * connection instead of relaying the server's answer: the server committed, the client saw a
 * network error — the exact case idempotency keys exist for.
 */
export async function startFlakyProxy(target: string, dropFirst: number): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { url: '', dropped: 0, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    delete headers['content-length'];
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: Buffer.concat(chunks),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    if (proxy.dropped < dropFirst) {
      proxy.dropped++;
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** Polls `check` until it returns a value (not undefined) or the bound passes; for eventual delivery. */
export async function eventually<T>(check: () => Promise<T | undefined>, boundMs = 10_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A base URL where nothing listens (a port we bound and released). */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
