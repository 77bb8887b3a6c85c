/**
 * @module `auditlog start` (what `npm start` runs): the service on its embedded default with a demo
 * account, the audited demo dashboard beside it, one scripted "day in the life" on an empty
 * database, and the URL of the Audit Logs page. Everything lives under ./data.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createAccount } from '../../access/accounts.ts';
import { createApiKey } from '../../access/api-keys.ts';
import { upsertMember } from '../../access/members.ts';
import { CLI_ORIGIN } from '../../access/recorder.ts';
import { resolveTokenKey } from '../../access/token-key.ts';
import { issueViewerToken } from '../../access/viewers.ts';
import type { Config } from '../../config.ts';
import { openStore } from '../../store/open-store.ts';
import type { Role, Store } from '../../store/types.ts';
import { configFrom, reportSchemaUpgrade } from '../context.ts';
import { parseInteger } from '../parse.ts';
import { systemRecorder } from '../system-recorder.ts';
import { closeOnSignal, startService } from './serve.ts';

const DEMO_ACCOUNT = 'demo';
/** A day: the longest a viewer token may live, so the printed links last a working session. */
const DEMO_LINK_TTL_SECONDS = 86_400;
const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Creates the demo account on first start (returns true then) and the dashboard's ingest key, kept
 * in data/demo-keys.json so later starts reuse it.
 */
async function ensureDemoAccount(
  store: Store,
  keysFile: string,
  config: Config,
): Promise<{ ingestKey: string; fresh: boolean }> {
  const fresh = !(await store.accounts.get(DEMO_ACCOUNT));
  if (fresh) {
    await createAccount(
      { accounts: store.accounts, recorder: systemRecorder(store) },
      {
        id: DEMO_ACCOUNT,
        name: 'Demo Images Inc.',
        plan: 'enterprise',
        auditLogsEnabled: true,
        retentionDays: config.defaultRetentionDays,
      },
      CLI_ORIGIN,
    );
  }
  if (existsSync(keysFile) && !fresh) {
    return { ingestKey: (JSON.parse(readFileSync(keysFile, 'utf8')) as { ingest: string }).ingest, fresh };
  }
  const ingest = await createApiKey(store.accounts, DEMO_ACCOUNT, ['ingest'], 'demo dashboard');
  writeFileSync(keysFile, JSON.stringify({ ingest: ingest.key }, null, 2), { mode: 0o600 });
  return { ingestKey: ingest.key, fresh };
}

/**
 * Syncs the dashboard's people into Auditlog as members (what a host product does on sign-up) and
 * mints page links for the owner and the auditor.
 */
async function demoLinks(
  store: Store,
  config: Config,
  users: readonly DemoUser[],
): Promise<Record<string, string>> {
  const deps = { members: store.members, recorder: systemRecorder(store) };
  for (const user of users) {
    await upsertMember(
      deps,
      { accountId: DEMO_ACCOUNT, id: user.id, email: user.email, name: user.name, role: user.role },
      CLI_ORIGIN,
    );
  }
  const viewers = { members: store.members, tokenKey: await resolveTokenKey(config, store.secrets) };
  const links: Record<string, string> = {};
  for (const user of users.filter((u) => u.role === 'owner' || u.role === 'auditor')) {
    const issued = await issueViewerToken(viewers, DEMO_ACCOUNT, {
      memberId: user.id,
      ttlSeconds: DEMO_LINK_TTL_SECONDS,
    });
    links[`${user.name} (${user.role})`] = issued.token;
  }
  return links;
}

interface DemoUser {
  id: string;
  email: string;
  name: string;
  role: Role;
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
      // The demo prints its links on the terminal: keep request logs out of the way unless asked for.
      if (!process.env.AUDITLOG_LOG_LEVEL) config.logLevel = 'warn';
      const dataDir = join(root, 'data');
      mkdirSync(dataDir, { recursive: true });
      await ensureWebBuilt();

      const setupStore = await openStore(config.databaseUrl, { onMigrationStep: reportSchemaUpgrade() });
      const { startDashboard, runDayInTheLife, SEED_USERS } = await import('@auditlog/example-dashboard');
      let links: Record<string, string>;
      let fresh: boolean;
      let ingestKey: string;
      try {
        ({ ingestKey, fresh } = await ensureDemoAccount(setupStore, join(dataDir, 'demo-keys.json'), config));
        links = await demoLinks(setupStore, config, SEED_USERS);
      } finally {
        await setupStore.close();
      }

      const service = await startService(config);
      const dashboard = await startDashboard({
        port: options.dashboardPort ?? (config.port === 0 ? 0 : config.port + 100),
        host: config.host,
        dbPath: join(dataDir, 'dashboard.db'),
        auditlog: {
          url: service.url,
          apiKey: ingestKey,
          outboxPath: join(dataDir, 'dashboard-outbox.db'),
          replayClock: true,
        },
      });
      if (fresh) {
        // The scripted day is replayed as yesterday's working day (from 08:00 UTC), so the page
        // answers questions like "who changed the URL endpoint settings yesterday?".
        const yesterday = new Date();
        yesterday.setUTCDate(yesterday.getUTCDate() - 1);
        yesterday.setUTCHours(8, 0, 0, 0);
        const summary = await runDayInTheLife(dashboard.url, { startAt: yesterday });
        console.log(
          `Recorded a day in the life: ${summary.requests} dashboard requests (${summary.failures} failed on purpose).`,
        );
      }
      console.log(`Demo dashboard API: ${dashboard.url}  (send X-Demo-User: usr_alice)`);
      console.log('Audit Logs page (links valid for 24 hours):');
      for (const [who, token] of Object.entries(links))
        console.log(`  ${who}: ${service.url}/?token=${token}`);
      closeOnSignal({
        async close() {
          await dashboard.close();
          await service.close();
        },
      });
    });
}
