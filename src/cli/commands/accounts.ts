/**
 * @module `auditlog accounts …`: create, update, enable, disable and list accounts (tenants). Every
 * change goes through src/access/accounts.ts, so the plan rule holds and the change is recorded in
 * the account's own log (actor: the auditlog command line).
 */
import type { Command } from 'commander';
import { type AccountServiceDeps, createAccount, updateAccountSettings } from '../../access/accounts.ts';
import { CLI_ORIGIN } from '../../access/recorder.ts';
import type { Account, AccountPatch } from '../../store/types.ts';
import { configFrom, withStore } from '../context.ts';
import { parseInteger, parsePlan } from '../parse.ts';
import { systemRecorder } from '../system-recorder.ts';

function print(account: Account): void {
  console.log(JSON.stringify(account, null, 2));
}

/** Applies a settings patch to an account and prints the result. */
async function update(program: Command, id: string, patch: AccountPatch): Promise<void> {
  const config = configFrom(program.opts());
  const account = await withStore(config, (store) => {
    const deps: AccountServiceDeps = { accounts: store.accounts, recorder: systemRecorder(store) };
    return updateAccountSettings(deps, id, patch, CLI_ORIGIN);
  });
  print(account);
}

/** Registers the `accounts` command group. */
export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts (tenants)');

  accounts
    .command('create <id>')
    .description('create an account; audit logs start enabled on the enterprise plan unless --no-enable')
    .requiredOption('--name <name>', 'display name')
    .option('--plan <plan>', 'free | enterprise', parsePlan, 'free')
    .option('--retention-days <days>', 'days events are kept', parseInteger)
    .option('--no-enable', 'create an enterprise account with audit logs off (enable it later)')
    .action(
      async (
        id: string,
        options: { name: string; plan: 'free' | 'enterprise'; retentionDays?: number; enable: boolean },
      ) => {
        const config = configFrom(program.opts());
        const account = await withStore(config, (store) =>
          createAccount(
            { accounts: store.accounts, recorder: systemRecorder(store) },
            {
              id,
              name: options.name,
              plan: options.plan,
              auditLogsEnabled: options.plan === 'enterprise' && options.enable,
              retentionDays: options.retentionDays ?? config.defaultRetentionDays,
            },
            CLI_ORIGIN,
          ),
        );
        print(account);
      },
    );

  accounts
    .command('update <id>')
    .description("change an account's name, plan or retention (moving to free turns audit logs off)")
    .option('--name <name>', 'display name')
    .option('--plan <plan>', 'free | enterprise', parsePlan)
    .option('--retention-days <days>', 'days events are kept', parseInteger)
    .action(
      async (
        id: string,
        options: { name?: string; plan?: 'free' | 'enterprise'; retentionDays?: number },
      ) => {
        await update(program, id, {
          ...(options.name !== undefined && { name: options.name }),
          ...(options.plan !== undefined && { plan: options.plan }),
          ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
        });
      },
    );

  accounts
    .command('enable <id>')
    .description('turn audit logs on (enterprise plan only); recorded as a settings event')
    .action(async (id: string) => update(program, id, { auditLogsEnabled: true }));

  accounts
    .command('disable <id>')
    .description('turn audit logs off: ingest and reads are refused, events are kept; recorded')
    .action(async (id: string) => update(program, id, { auditLogsEnabled: false }));

  accounts
    .command('list')
    .description('list every account')
    .action(async () => {
      const config = configFrom(program.opts());
      const list = await withStore(config, (store) => store.accounts.list());
      console.table(
        list.map((a) => ({
          id: a.id,
          name: a.name,
          plan: a.plan,
          auditLogs: a.auditLogsEnabled ? 'on' : 'off',
          retentionDays: a.retentionDays,
        })),
      );
    });
}
