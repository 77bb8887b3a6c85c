/**
 * The newcomer's walk-through, with the real `auditlog` command only: create an enterprise account,
 * enable the feature, add an auditor and a developer, mint viewer tokens for both, and see the
 * auditor read the log (Auditlog's own record of the steps above) while the developer is refused
 * with a clear message — then an owner sees both attempts in the access stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type ServeProcess, startServe } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-walkthrough-'));
const env = { AUDITLOG_DATABASE_URL: `file:${join(dir, 'auditlog.db')}` };
let serve: ServeProcess | undefined;

afterAll(async () => {
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function ok(args: string[], extraEnv: Record<string, string> = {}): string {
  const result = runCli(args, { ...env, ...extraEnv });
  if (result.status !== 0)
    throw new Error(`auditlog ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

describe('the access walk-through with the CLI alone', () => {
  it('lets an auditor read the log and refuses a developer with a clear message', async () => {
    // An enterprise account, with audit logs still off; a free account cannot turn them on.
    expect(
      JSON.parse(ok(['accounts', 'create', 'acme', '--name', 'Acme', '--plan', 'enterprise', '--no-enable'])),
    ).toMatchObject({ id: 'acme', plan: 'enterprise', auditLogsEnabled: false });
    ok(['accounts', 'create', 'smallco', '--name', 'Small Co']);
    const free = runCli(['accounts', 'enable', 'smallco'], env);
    expect(free.status).not.toBe(0);
    expect(free.stderr).toContain('PLAN_REQUIRED: Audit logs can be enabled only on the enterprise plan');

    // An auditor and a developer, and a token for each.
    for (const [id, role] of [
      ['u_ada', 'auditor'],
      ['u_dev', 'developer'],
    ]) {
      ok([
        'members',
        'upsert',
        id!,
        '--account',
        'acme',
        '--email',
        `${id}@acme.test`,
        '--name',
        id!,
        '--role',
        role!,
      ]);
    }
    expect(ok(['members', 'list', '--account', 'acme'])).toMatch(
      /u_ada[\s\S]*auditor[\s\S]*u_dev[\s\S]*developer/,
    );
    serve = await startServe(env);
    const auditor = ok(['viewer-tokens', 'create', '--account', 'acme', '--member', 'u_ada']).trim();
    const developer = ok(['viewer-tokens', 'create', '--account', 'acme', '--member', 'u_dev']).trim();
    expect(auditor).toMatch(/^alv1\./);

    // Before the feature is on, even the auditor is told why there is nothing to see.
    const early = runCli(['events', 'list', '--url', serve.url, '--token', auditor], env);
    expect(early.status).not.toBe(0);
    expect(early.stderr).toContain('FEATURE_NOT_ENABLED');

    expect(JSON.parse(ok(['accounts', 'enable', 'acme'])).auditLogsEnabled).toBe(true);

    // The auditor reads the log: Auditlog's own record of the account's setup.
    const table = ok(['events', 'list', '--url', serve.url], { AUDITLOG_TOKEN: auditor });
    expect(table).toContain('settings');
    expect(table).toContain('user_management');
    expect(table).toContain('auditlog-cli');

    // The developer is refused, with the API's own explanation.
    const refused = runCli(['events', 'list', '--url', serve.url, '--token', developer], env);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('ROLE_NOT_ALLOWED');
    expect(refused.stderr).toContain('only owners, admins and auditors may');

    // An owner sees who looked, and who tried.
    ok([
      'members',
      'upsert',
      'u_own',
      '--account',
      'acme',
      '--email',
      'own@acme.test',
      '--name',
      'Owner',
      '--role',
      'owner',
    ]);
    const owner = ok(['viewer-tokens', 'create', '--account', 'acme', '--member', 'u_own']).trim();
    const access = ok(['events', 'list', '--url', serve.url, '--token', owner, '--stream', 'access']);
    expect(access).toMatch(/u_dev@acme\.test.*audit_log.*list.*failure/);
    expect(access).toMatch(/u_ada@acme\.test.*audit_log.*list.*success/);
    // About 17 CLI processes, each starting Node and compiling TypeScript: a budget, not a speed claim.
  }, 120_000);
});
