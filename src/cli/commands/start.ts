/**
 * @module `auditlog start` (what `npm start` runs): the service on its embedded default with a demo
 * account, the audited demo dashboard beside it, one scripted "day in the life" on an empty
 * database, and the URL of the Audit Logs page. Everything lives under ./data.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createApiKey } from '../../access/api-keys.ts';
import type { Config } from '../../config.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/types.ts';
import { configFrom } from '../context.ts';
import { parseInteger } from '../parse.ts';
import { closeOnSignal, startService } from './serve.ts';

const DEMO_ACCOUNT = 'demo';
const root = fileURLToPath(new URL('../../..', import.meta.url));

interface DemoKeys {
  ingest: string;
  read: string;
}

/** Creates the demo account and its two keys once; later starts reuse them from data/demo-keys.json. */
async function ensureDemoAccount(store: Store, keysFile: string, config: Config): Promise<DemoKeys> {
  if (!(await store.accounts.get(DEMO_ACCOUNT))) {
    await store.accounts.create({
      id: DEMO_ACCOUNT,
      name: 'Demo Images Inc.',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: config.defaultRetentionDays,
    });
  }
  if (existsSync(keysFile)) return JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys;
  const ingest = await createApiKey(store.accounts, DEMO_ACCOUNT, ['ingest'], 'demo dashboard');
  const read = await createApiKey(store.accounts, DEMO_ACCOUNT, ['read'], 'demo page');
  const keys = { ingest: ingest.key, read: read.key };
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** Builds the page with Vite when web/dist is missing (a fresh clone). */
async function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(root, 'web/dist/index.html'))) return;
  console.error('Building the Audit Logs page (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn' });
}

/** Registers `start`. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the service with a demo account, the audited demo dashboard and sample activity')
    .option('--port <port>', 'Auditlog port', parseInteger)
    .option('--dashboard-port <port>', 'demo dashboard port (default: Auditlog port + 100)', parseInteger)
    .action(async (options: { port?: number; dashboardPort?: number }) => {
      const config = configFrom({
        ...program.opts(),
        ...(options.port !== undefined && { port: options.port }),
      });
      const dataDir = join(root, 'data');
      mkdirSync(dataDir, { recursive: true });
      await ensureWebBuilt();

      const setupStore = await openStore(config.databaseUrl);
      const keys = await ensureDemoAccount(setupStore, join(dataDir, 'demo-keys.json'), config);
      const isEmpty = (await setupStore.events.head(DEMO_ACCOUNT)).seq === 0;
      await setupStore.close();

      const service = await startService(config);
      const { startDashboard, runDayInTheLife } = await import('@auditlog/example-dashboard');
      const dashboard = await startDashboard({
        port: options.dashboardPort ?? (config.port === 0 ? 0 : config.port + 100),
        host: config.host,
        dbPath: join(dataDir, 'dashboard.db'),
        auditlog: { url: service.url, apiKey: keys.ingest, outboxPath: join(dataDir, 'dashboard-outbox.db') },
      });
      if (isEmpty) {
        const summary = await runDayInTheLife(dashboard.url);
        console.log(
          `Recorded a day in the life: ${summary.requests} dashboard requests (${summary.failures} failed on purpose).`,
        );
      }
      console.log(`Demo dashboard API:  ${dashboard.url}  (send X-Demo-User: alice)`);
      console.log(`Audit Logs page:     ${service.url}/?token=${keys.read}`);
      console.log(`Media Library logs:  ${service.url}/media?token=${keys.read}`);
      closeOnSignal({
        async close() {
          await dashboard.close();
          await service.close();
        },
      });
    });
}
