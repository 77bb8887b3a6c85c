/** @module `auditlog accounts …`: create, update and list accounts (tenants). */
import type { Command } from 'commander';
import { AuditlogError } from '../../errors.ts';
import { configFrom, withStore } from '../context.ts';
import { parseInteger, parsePlan } from '../parse.ts';

/** Registers the `accounts` command group. */
export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts (tenants)');

  accounts
    .command('create <id>')
    .description('create an account; the audit-log feature is enabled for enterprise accounts')
    .requiredOption('--name <name>', 'display name')
    .option('--plan <plan>', 'free | enterprise', parsePlan, 'free')
    .option('--retention-days <days>', 'days events are kept', parseInteger)
    .action(
      async (id: string, options: { name: string; plan: 'free' | 'enterprise'; retentionDays?: number }) => {
        const config = configFrom(program.opts());
        const account = await withStore(config, (store) =>
          store.accounts.create({
            id,
            name: options.name,
            plan: options.plan,
            auditLogsEnabled: options.plan === 'enterprise',
            retentionDays: options.retentionDays ?? config.defaultRetentionDays,
          }),
        );
        console.log(JSON.stringify(account, null, 2));
      },
    );

  accounts
    .command('update <id>')
    .description("change an account's name, plan or retention")
    .option('--name <name>', 'display name')
    .option('--plan <plan>', 'free | enterprise', parsePlan)
    .option('--retention-days <days>', 'days events are kept', parseInteger)
    .action(
      async (
        id: string,
        options: { name?: string; plan?: 'free' | 'enterprise'; retentionDays?: number },
      ) => {
        const config = configFrom(program.opts());
        const account = await withStore(config, (store) =>
          store.accounts.update(id, {
            ...(options.name !== undefined && { name: options.name }),
            ...(options.plan !== undefined && { plan: options.plan }),
            ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
          }),
        );
        if (!account) throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${id}"`);
        console.log(JSON.stringify(account, null, 2));
      },
    );

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
