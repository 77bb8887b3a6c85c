/**
 * @module Runs the demo dashboard from the command line. Configuration comes from the environment:
 *   DASHBOARD_DB        the SQLite file (default ./data/dashboard.db)
 *   DASHBOARD_PORT      TCP port (default 3000; 0 picks one)
 *   DASHBOARD_HOST      interface (default 127.0.0.1)
 *   AUDITLOG_URL        Auditlog's base URL; with AUDITLOG_API_KEY, turns auditing on
 *   AUDITLOG_API_KEY    a server API key with the ingest scope
 *   DASHBOARD_OUTBOX    the client's outbox file (default next to DASHBOARD_DB)
 * With `--day [seed]` it plays the day in the life against itself, prints the summary and stays up.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runDayInTheLife } from './day-in-the-life.ts';
import { startDashboard } from './server.ts';

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const dbPath = env.DASHBOARD_DB || './data/dashboard.db';
  mkdirSync(dirname(dbPath), { recursive: true });
  const port = Number(env.DASHBOARD_PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('DASHBOARD_PORT must be a port number');
  const auditlog =
    env.AUDITLOG_URL && env.AUDITLOG_API_KEY
      ? {
          url: env.AUDITLOG_URL,
          apiKey: env.AUDITLOG_API_KEY,
          outboxPath: env.DASHBOARD_OUTBOX || join(dirname(dbPath), 'auditlog-outbox.db'),
        }
      : undefined;
  const dashboard = await startDashboard({ dbPath, port, host: env.DASHBOARD_HOST, auditlog });
  console.log(
    `dashboard listening on ${dashboard.url}${auditlog ? `, audited by ${auditlog.url}` : ' (not audited)'}`,
  );
  const shutdown = () => {
    dashboard.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const day = argv.indexOf('--day');
  if (day >= 0) {
    const seed = Number(argv[day + 1] ?? 1) || 1;
    console.log('day in the life:', await runDayInTheLife(dashboard.url, { seed }));
  }
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
