/**
 * The `auditlog` command as a newcomer uses it: accounts, keys, purge, and clear messages for bad
 * input and bad configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePendingEvent } from '../../src/store/conformance-fixtures.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openDatabase } from '../../src/store/sqlite/database.ts';
import { loadMigrations, migrate } from '../../src/store/sqlite/migrate.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { AUDITLOG_DATABASE_URL: `file:${join(dir, 'cli.db')}` };

describe('auditlog CLI', () => {
  it('creates an account, lists it, and refuses a duplicate with a coded message', () => {
    const created = runCli(['accounts', 'create', 'acme', '--name', 'Acme', '--plan', 'enterprise'], env);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      id: 'acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 365,
    });
    expect(runCli(['accounts', 'list'], env).stdout).toContain('acme');
    const again = runCli(['accounts', 'create', 'acme', '--name', 'Acme'], env);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('ACCOUNT_EXISTS');
  });

  it('prints a key once, and the key is stored only hashed', async () => {
    const created = runCli(['keys', 'create', '--account', 'acme', '--scopes', 'read'], env);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^alk_/);
    const store = await openStore(env.AUDITLOG_DATABASE_URL);
    const keys = await store.accounts.listKeys('acme');
    await store.close();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.scopes).toEqual(['read']);
    expect(JSON.stringify(keys)).not.toContain(key.slice(-20));
  });

  it('rejects bad arguments naming the rule', () => {
    const plan = runCli(['accounts', 'create', 'x', '--name', 'X', '--plan', 'gold'], env);
    expect(plan.status).not.toBe(0);
    expect(plan.stderr).toContain('must be free or enterprise');
    const scopes = runCli(['keys', 'create', '--account', 'acme', '--scopes', 'read,root'], env);
    expect(scopes.stderr).toContain('unknown: root');
    const missing = runCli(['keys', 'create', '--account', 'nobody'], env);
    expect(missing.stderr).toContain('ACCOUNT_NOT_FOUND');
  });

  it('names each migration it applies to an existing database, and none for a new one', () => {
    const migrations = loadMigrations();
    const last = migrations.at(-1)!;
    const existing = join(dir, 'one-behind.db');
    const db = openDatabase(existing);
    migrate(db, migrations.slice(0, -1));
    db.close();
    const upgraded = runCli(['migrate'], { AUDITLOG_DATABASE_URL: `file:${existing}` });
    expect(upgraded.status).toBe(0);
    expect(upgraded.stderr).toContain(
      `upgrading the database schema: migration ${last.version} (${last.name})`,
    );
    expect(upgraded.stderr).not.toContain(`migration ${last.version - 1} `);
    const again = runCli(['migrate'], { AUDITLOG_DATABASE_URL: `file:${existing}` });
    expect(again.stderr).not.toContain('upgrading');
    const fresh = runCli(['migrate'], { AUDITLOG_DATABASE_URL: `file:${join(dir, 'new.db')}` });
    expect(fresh.status).toBe(0);
    expect(fresh.stderr).not.toContain('upgrading');
  });

  it('refuses to start with every bad variable listed', () => {
    const result = runCli(['migrate'], { AUDITLOG_DATABASE_URL: 'mysql://x', AUDITLOG_PORT: 'eighty' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('AUDITLOG_DATABASE_URL');
    expect(result.stderr).toContain('AUDITLOG_PORT');
  });

  it('purges events older than the retention as of --now', async () => {
    const store = await openStore(env.AUDITLOG_DATABASE_URL);
    await store.events.appendBatches([
      {
        accountId: 'acme',
        events: [
          makePendingEvent({ occurredAt: '2025-01-01T00:00:00.000Z' }),
          makePendingEvent({ occurredAt: '2026-06-01T00:00:00.000Z' }),
        ],
      },
    ]);
    await store.close();
    const purged = runCli(['purge', '--now', '2026-07-01T00:00:00Z'], env);
    expect(purged.status).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ deletedEvents: 1 });
    expect(runCli(['purge', '--now', 'yesterday'], env).stderr).toContain('ISO 8601');
  });
});
