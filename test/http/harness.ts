/**
 * @module A real Auditlog server for HTTP tests: a migrated store (a SQLite file in a temp dir by
 * default), the app listening on 127.0.0.1:0, and helpers that create accounts and keys and send
 * requests with fetch. Nothing is mocked: requests go through the network stack to our routes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulidx';
import { createApiKey } from '../../src/access/api-keys.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/server/app.ts';
import type { App } from '../../src/server/type-provider.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Scope, Store } from '../../src/store/types.ts';

export interface HarnessOptions {
  /** Opens the store; default a SQLite file `events.db` in the harness's temp dir. */
  openStore?: (dir: string) => Promise<Store>;
  config?: Partial<Config>;
  clock?: () => Date;
}

/** An account with one key per scope set, ready to call the API. */
export interface TestAccount {
  id: string;
  ingestKey: string;
  readKey: string;
  /** Key id of the read key (for revocation tests). */
  readKeyId: string;
}

export interface Response {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked by expect() rather than by types
  body: any;
  text: string;
}

export interface Harness {
  app: App;
  store: Store;
  dir: string;
  url: string;
  config: Config;
  /** Creates an enterprise account with audit logs enabled, plus an ingest key and a read key. */
  account(options?: { enabled?: boolean; retentionDays?: number }): Promise<TestAccount>;
  key(accountId: string, scopes: Scope[]): Promise<string>;
  request(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Opens a SQLite file in `dir` and migrates it. */
export async function openSqlite(dir: string, name = 'events.db'): Promise<Store> {
  const store = createSqliteStore({ path: join(dir, name) });
  await store.migrate();
  return store;
}

/**
 * Starts a harness. Call `close()` in afterAll: it closes the app (flushing commits), the store,
 * and removes the temp dir.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'auditlog-http-'));
  const store = await (options.openStore ?? openSqlite)(dir);
  const config = loadConfig({}, { logLevel: 'silent', ...options.config });
  const app = await createApp({ store, config, clock: options.clock });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  async function key(accountId: string, scopes: Scope[]): Promise<string> {
    return (await createApiKey(store.accounts, accountId, scopes, 'test')).key;
  }

  return {
    app,
    store,
    dir,
    url: address,
    config,
    async account(opts = {}) {
      const id = `acc_${ulid().toLowerCase()}`;
      await store.accounts.create({
        id,
        name: `Account ${id}`,
        plan: 'enterprise',
        auditLogsEnabled: opts.enabled ?? true,
        retentionDays: opts.retentionDays ?? 365,
      });
      const read = await createApiKey(store.accounts, id, ['read'], 'reader');
      return { id, ingestKey: await key(id, ['ingest']), readKey: read.key, readKeyId: read.record.id };
    },
    key,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${address}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: tests inspect `text`.
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A valid event input, occurring a minute ago, with `overrides` on top. */
export function eventInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'url_endpoints',
    operation: 'update',
    actor: { type: 'user', id: 'u_alice', email: 'alice@example.com', name: 'Alice' },
    target: { type: 'url_endpoint', id: 'ep_1', name: 'Main endpoint' },
    api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/ep_1' },
    request: { origin: 'https://cdn.example.com' },
    response: { ok: true },
    status: 'success',
    httpStatus: 200,
    ip: '203.0.113.7',
    userAgent: 'harness/1.0',
    requestId: 'req_1',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}

/** Asserts the shape every error response must have: problem+json with code, violations, instance. */
export function problemOf(res: Response): {
  code: string;
  violations: { field: string; rule: string; index?: number }[];
} {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${type} (${res.status}): ${res.text.slice(0, 200)}`);
  }
  const body = res.body as Record<string, unknown>;
  for (const member of ['type', 'title', 'status', 'detail', 'code', 'violations', 'instance']) {
    if (!(member in body)) throw new Error(`problem lacks "${member}": ${res.text}`);
  }
  if (body.status !== res.status)
    throw new Error(`problem status ${String(body.status)} ≠ HTTP ${res.status}`);
  return body as never;
}
