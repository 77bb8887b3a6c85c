/**
 * @module A real Auditlog server for the access suites: the app on 127.0.0.1:0 over a store opened
 * by support.ts (either engine), the token key it signs with, and a fetch helper. Nothing mocked.
 */
import { createApiKey } from '../../src/access/api-keys.ts';
import { resolveTokenKey } from '../../src/access/token-key.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/server/app.ts';
import type { App } from '../../src/server/type-provider.ts';
import type { Role, Scope } from '../../src/store/types.ts';
import type { OpenedStore } from './support.ts';

/** A response, its body parsed when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked by expect() rather than by types
  body: any;
  text: string;
}

export interface AccessServer {
  app: App;
  url: string;
  config: Config;
  /** The key the server signs viewer tokens with (the one kept in the database). */
  tokenKey: Buffer;
  request(
    method: string,
    path: string,
    options?: { auth?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
  key(accountId: string, scopes: Scope[]): Promise<string>;
  /** Adds (or replaces) a member straight in the store. */
  member(accountId: string, id: string, role: Role, email?: string): Promise<void>;
  /** Mints a token through the API with an admin key. */
  token(adminKey: string, memberId: string, ttlSeconds?: number): Promise<string>;
  /** Closes the app only; the store stays the caller's. */
  close(): Promise<void>;
}

/** Starts the app over `opened.store`. */
export async function startAccessServer(
  opened: OpenedStore,
  overrides: Partial<Config> = {},
): Promise<AccessServer> {
  const { store } = opened;
  const config = loadConfig({}, { logLevel: 'silent', ...overrides });
  const app = await createApp({ store, config });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const tokenKey = await resolveTokenKey(config, store.secrets);

  async function request(
    method: string,
    path: string,
    options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== undefined) headers.authorization = options.auth;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: tests read `text`
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return {
    app,
    url,
    config,
    tokenKey,
    request,
    key: async (accountId, scopes) => (await createApiKey(store.accounts, accountId, scopes, 'test')).key,
    async member(accountId, id, role, email = `${id}@example.com`) {
      await store.members.upsert({ accountId, id, email, name: `Member ${id}`, role });
    },
    async token(adminKey, memberId, ttlSeconds) {
      const res = await request('POST', '/v1/viewer-tokens', {
        auth: `Bearer ${adminKey}`,
        body: { memberId, ...(ttlSeconds && { ttlSeconds }) },
      });
      if (res.status !== 201) throw new Error(`minting failed: ${res.status} ${res.text}`);
      return res.body.data.token as string;
    },
    close: () => app.close(),
  };
}

/** The problem document of an error response; throws when it is not problem+json. */
export function problem(res: Reply): { code: string; detail: string; status: number } {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${type} (${res.status}): ${res.text.slice(0, 200)}`);
  }
  return res.body;
}
