/**
 * @module Fresh, uniquely named databases on the test PostgreSQL server started by global-setup.ts,
 * so test files running in parallel never share tables.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database created for one test file. */
export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/** The server's superuser URL: from vitest's `inject('pgUrl')`, or AUDITLOG_TEST_PG_URL in child processes. */
export function testServerUrl(): string {
  let url: string | undefined;
  try {
    url = inject('pgUrl');
  } catch {
    // Not inside a vitest worker (e.g. a child process a test spawned): fall back to the env var.
  }
  url ??= process.env.AUDITLOG_TEST_PG_URL;
  if (!url) {
    throw new Error('No test PostgreSQL server: run under vitest (global setup) or set AUDITLOG_TEST_PG_URL');
  }
  return url;
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates `auditlog_test_<random>` on the test server. The server's databases classify characters
 * as the C locale does (ASCII letters only); `ctype` gives one another classification, e.g.
 * 'C.UTF-8', where letters outside ASCII are letters too, as on most production servers.
 *
 * @example
 * const db = await createTestDatabase();
 * const store = createPostgresStore({ connectionString: db.url });
 * afterAll(async () => { await store.close(); await db.drop(); });
 */
export async function createTestDatabase(options: { ctype?: 'C.UTF-8' } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  // Only [a-z0-9_] so the name needs no quoting; DDL cannot take the name as a parameter.
  const name = `auditlog_test_${randomBytes(8).toString('hex')}`;
  const locale = options.ctype ? ` TEMPLATE template0 LC_CTYPE '${options.ctype}'` : '';
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${locale}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
