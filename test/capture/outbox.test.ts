/**
 * The durable outbox against a real Auditlog: nothing published while Auditlog is down is lost,
 * whether Auditlog restarts, the producer restarts, or the producer is killed with SIGKILL right
 * after publish() resolved.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClientLogger, createAuditlogClient, type PublishInput } from '@auditlog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auditlog, startAuditlog, unreachableUrl } from './auditlog.ts';

let auditlog: Auditlog;
beforeAll(async () => {
  auditlog = await startAuditlog();
});
afterAll(async () => {
  await auditlog?.close();
});

const quiet: ClientLogger = { warn: () => {}, error: () => {} };

function event(requestId: string): PublishInput {
  return {
    category: 'settings',
    operation: 'update',
    actor: { type: 'user', id: 'u_1' },
    requestId,
    status: 'success',
  };
}

async function requestIds(prefix: string): Promise<string[]> {
  const stored = await auditlog.events();
  return stored.map((e) => e.requestId ?? '').filter((id) => id.startsWith(`${prefix}-`));
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('durable outbox', () => {
  it('delivers, once and in order, what was published while Auditlog was down', async () => {
    const client = createAuditlogClient({
      url: auditlog.url,
      apiKey: auditlog.apiKey,
      outbox: { path: join(auditlog.dir, 'down.db'), mode: 'durable' },
      batchSize: 4,
      backoff: { baseMs: 20, capMs: 100 },
      logger: quiet,
    });
    await auditlog.stop();
    for (const id of ids('down', 10)) await client.publish(event(id));
    expect(client.stats().queued).toBe(10);
    await auditlog.start();
    await client.flush();
    await client.close();
    expect(await requestIds('down')).toEqual(ids('down', 10));
  });

  it('a restarted producer drains what the previous one left in the file', async () => {
    const path = join(auditlog.dir, 'restart.db');
    const first = createAuditlogClient({
      url: await unreachableUrl(),
      apiKey: auditlog.apiKey,
      outbox: { path },
      logger: quiet,
    });
    await first.publishMany(ids('restart', 6).map(event));
    await first.close({ timeoutMs: 50 });

    const second = createAuditlogClient({
      url: auditlog.url,
      apiKey: auditlog.apiKey,
      outbox: { path },
      logger: quiet,
    });
    await second.publish(event('restart-6'));
    await second.flush();
    await second.close();
    expect(await requestIds('restart')).toEqual(ids('restart', 7));
  });

  it('survives kill -9 of the producer right after publish() resolved', async () => {
    const path = join(auditlog.dir, 'killed.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./producer-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          OUTBOX_PATH: path,
          AUDITLOG_URL: await unreachableUrl(),
          COUNT: '25',
          PREFIX: 'killed',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
        if (out.includes('published 25')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`producer exited early (${code})`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const heir = createAuditlogClient({
      url: auditlog.url,
      apiKey: auditlog.apiKey,
      outbox: { path },
      logger: quiet,
    });
    expect(heir.stats().queued).toBe(25);
    await heir.flush();
    await heir.close();
    expect(await requestIds('killed')).toEqual(ids('killed', 25));
  });
});
