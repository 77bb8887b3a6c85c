/** @module Test support: a real dashboard on a temp SQLite file and port 0, and a small HTTP caller. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditlogOptions } from '../src/audit.ts';
import { startDashboard } from '../src/server.ts';

/** A parsed response. */
export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read many response shapes.
  body: any;
  headers: Headers;
}

/** A running dashboard for one test file. */
export interface TestDashboard {
  url: string;
  dir: string;
  dbPath: string;
  /** Sends a request as `user` (a seeded id such as usr_alice, or null for no header). */
  call(
    user: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** Stops the server (the temp dir stays until {@link TestDashboard.dispose}). */
  close(): Promise<void>;
  /** Stops the server and removes its temp dir. */
  dispose(): Promise<void>;
}

/** Sends one request to `baseUrl` with real fetch. */
export async function call(
  baseUrl: string,
  user: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const all: Record<string, string> = { ...headers };
  if (user !== null) all['x-demo-user'] = user;
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** Starts a dashboard on a fresh temp dir (or `dir`, to reopen an existing database). */
export async function startTestDashboard(
  options: { dir?: string; auditlog?: AuditlogOptions } = {},
): Promise<TestDashboard> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dashboard-'));
  const dbPath = join(dir, 'dashboard.db');
  const running = await startDashboard({ dbPath, auditlog: options.auditlog });
  return {
    url: running.url,
    dir,
    dbPath,
    call: (user, method, path, body, headers) => call(running.url, user, method, path, body, headers),
    close: () => running.close(),
    async dispose() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
