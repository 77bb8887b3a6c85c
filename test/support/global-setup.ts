/**
 * @module Vitest global setup: one private PostgreSQL server for the whole run (or the one named by
 * AUDITLOG_TEST_PG_URL), exposed as `inject('pgUrl')` and as AUDITLOG_TEST_PG_URL for child processes.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server; create databases with createTestDatabase(). */
    pgUrl: string;
  }
}

/**
 * Starts the server before any test file runs and returns its teardown. Always starts it (it takes
 * under a second), and throws when it cannot: a suite that needs PostgreSQL must fail, never skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.AUDITLOG_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return async () => {};
  }
  const server = await startPostgres({ relaxDurability: true });
  let running = true;
  // If the run ends without teardown (an uncaught error, process.exit), do not leave a server behind.
  const onExit = () => {
    if (running) server.stopSync();
  };
  process.once('exit', onExit);
  process.env.AUDITLOG_TEST_PG_URL = server.url;
  project.provide('pgUrl', server.url);
  return async () => {
    running = false;
    process.off('exit', onExit);
    delete process.env.AUDITLOG_TEST_PG_URL;
    await server.stop();
  };
}
