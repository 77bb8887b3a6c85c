/**
 * @module A real Auditlog server for the dashboard's end-to-end tests: the SQLite store on a file,
 * the app on 127.0.0.1, and a reader that pages through GET /v1/events. It can be stopped and
 * started again on the same file and port, as an operator restarting the service would.
 */
import { createApiKey } from '../../../src/access/api-keys.ts';
import { loadConfig } from '../../../src/config.ts';
import { createApp } from '../../../src/server/app.ts';
import { createSqliteStore } from '../../../src/store/sqlite/index.ts';
import type { Store } from '../../../src/store/types.ts';

/** A JSON value as the tests navigate it (payloads are free-form). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON payloads.
export type Json = any;

/** An account of the test server with its two keys. */
export interface AuditAccount {
  id: string;
  ingestKey: string;
  readKey: string;
}

/** A running (or stopped) Auditlog. */
export interface Auditlog {
  url: string;
  port: number;
  /** Creates an enterprise account with audit logs on, an ingest key and a read key. */
  account(id: string): Promise<AuditAccount>;
  /** Every event of the account's stream, newest first (summaries), following cursors. */
  events(
    account: AuditAccount,
    stream: 'central' | 'media',
    filters?: Record<string, string>,
  ): Promise<Json[]>;
  /** One whole event, payloads included. */
  event(account: AuditAccount, id: string): Promise<Json>;
  stop(): Promise<void>;
  /** Starts again on the same database file and port. */
  restart(): Promise<void>;
}

async function listen(
  dbPath: string,
  port: number,
): Promise<{ store: Store; close(): Promise<void>; port: number }> {
  const store = createSqliteStore({ path: dbPath });
  await store.migrate();
  const config = loadConfig(
    {},
    { databaseUrl: `file:${dbPath}`, logLevel: 'silent', retentionIntervalSeconds: 0 },
  );
  const app = await createApp({ store, config });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    store,
    port: bound,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

async function getJson(url: string, key: string): Promise<Json> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Starts Auditlog on `dbPath` (port 0 picks one, kept for restarts). */
export async function startAuditlog(dbPath: string): Promise<Auditlog> {
  let server: Awaited<ReturnType<typeof listen>> | null = await listen(dbPath, 0);
  const port = server.port;
  const url = `http://127.0.0.1:${port}`;
  const running = () => {
    if (!server) throw new Error('Auditlog is stopped');
    return server;
  };
  return {
    url,
    port,
    async account(id) {
      const { store } = running();
      await store.accounts.create({
        id,
        name: id,
        plan: 'enterprise',
        auditLogsEnabled: true,
        retentionDays: 365,
      });
      const ingest = await createApiKey(store.accounts, id, ['ingest'], 'dashboard');
      const read = await createApiKey(store.accounts, id, ['read'], 'e2e reader');
      return { id, ingestKey: ingest.key, readKey: read.key };
    },
    async events(account, stream, filters = {}) {
      const all: Json[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ stream, limit: '200', ...filters });
        if (cursor) query.set('cursor', cursor);
        const page = await getJson(`${url}/v1/events?${query}`, account.readKey);
        all.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    },
    async event(account, id) {
      return (await getJson(`${url}/v1/events/${id}`, account.readKey)).data;
    },
    async stop() {
      await server?.close();
      server = null;
    },
    async restart() {
      server = await listen(dbPath, port);
    },
  };
}
