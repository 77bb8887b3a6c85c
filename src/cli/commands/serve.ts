/**
 * @module `auditlog serve`: the long-running service — store, HTTP app and retention schedule, with
 * a graceful shutdown on SIGINT/SIGTERM that stops accepting requests, flushes pending commits and
 * closes the database.
 */
import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { startRetentionJob } from '../../jobs/retention.ts';
import { createApp } from '../../server/app.ts';
import { openStore } from '../../store/open-store.ts';
import { configFrom, reportSchemaUpgrade } from '../context.ts';
import { parseInteger } from '../parse.ts';

/** A running service: its URL and how to stop it. */
export interface RunningService {
  url: string;
  close(): Promise<void>;
}

/** Starts the service on the configured port and returns once it is listening. */
export async function startService(config: Config): Promise<RunningService> {
  const store = await openStore(config.databaseUrl, { onMigrationStep: reportSchemaUpgrade() });
  const app = await createApp({ store, config });
  const retention = startRetentionJob({
    events: store.events,
    intervalSeconds: config.retentionIntervalSeconds,
    logger: app.log,
  });
  const url = await app.listen({ port: config.port, host: config.host });
  return {
    url,
    async close() {
      await retention.stop();
      await app.close();
      await store.close();
    },
  };
}

/** Closes the service once on the first SIGINT/SIGTERM. */
export function closeOnSignal(service: { close(): Promise<void> }): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`${signal} received, shutting down`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Registers `serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP service')
    .option('--port <port>', 'TCP port (0 = any free port)', parseInteger)
    .option('--host <host>', 'interface to listen on')
    .action(async (options: { port?: number; host?: string }) => {
      const config = configFrom({ ...program.opts(), ...options });
      const service = await startService(config);
      // One plain line a script (or a test) can wait for, whatever the log level.
      console.log(`auditlog listening on ${service.url}`);
      closeOnSignal(service);
    });
}
