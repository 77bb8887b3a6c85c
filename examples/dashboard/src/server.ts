/** @module Starts the dashboard on a TCP port, for the demo and the end-to-end tests. */

import { createDashboardApp } from './app.ts';
import type { AuditlogOptions } from './audit.ts';

/** Options of {@link startDashboard}. */
export interface StartOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface; default 127.0.0.1. */
  host?: string;
  dbPath: string;
  auditlog?: AuditlogOptions;
}

/** A running dashboard. */
export interface RunningDashboard {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Stops listening, flushes the audit client and closes the database. */
  close(): Promise<void>;
}

/**
 * Creates the dashboard app and starts listening.
 *
 * @example const dash = await startDashboard({ dbPath: '/tmp/d.db', auditlog }); await dash.close();
 */
export async function startDashboard(options: StartOptions): Promise<RunningDashboard> {
  const app = await createDashboardApp({ dbPath: options.dbPath, auditlog: options.auditlog });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, close: () => app.close() };
}
