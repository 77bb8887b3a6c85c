/** @module `auditlog keys …`: create (printed once), list and revoke server API keys. */
import type { Command } from 'commander';
import { createApiKey } from '../../access/api-keys.ts';
import { AuditlogError } from '../../errors.ts';
import type { Scope } from '../../store/types.ts';
import { configFrom, withStore } from '../context.ts';
import { parseScopes } from '../parse.ts';

/** Registers the `keys` command group. */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage server API keys');

  keys
    .command('create')
    .description('create a key; the key is printed once on stdout and never stored in clear')
    .requiredOption('--account <id>', 'account the key belongs to')
    .option('--scopes <list>', 'comma-separated: ingest, read, admin', parseScopes, [
      'ingest',
      'read',
    ] as Scope[])
    .option('--name <name>', 'a label to recognise the key by', 'cli')
    .action(async (options: { account: string; scopes: Scope[]; name: string }) => {
      const config = configFrom(program.opts());
      const { key, record } = await withStore(config, async (store) => {
        if (!(await store.accounts.get(options.account))) {
          throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${options.account}"`);
        }
        return createApiKey(store.accounts, options.account, options.scopes, options.name);
      });
      console.error(`Key ${record.id} for account ${record.accountId}, scopes ${record.scopes.join(', ')}.`);
      console.error('Store it now: it cannot be shown again.');
      console.log(key);
    });

  keys
    .command('list')
    .description("list an account's keys (never their secrets)")
    .requiredOption('--account <id>', 'account')
    .action(async (options: { account: string }) => {
      const config = configFrom(program.opts());
      const list = await withStore(config, (store) => store.accounts.listKeys(options.account));
      console.table(
        list.map((k) => ({
          id: k.id,
          name: k.name,
          scopes: k.scopes.join(','),
          created: k.createdAt,
          revoked: k.revokedAt ?? '',
        })),
      );
    });

  keys
    .command('revoke <keyId>')
    .description(
      'revoke a key; reads and admin calls are refused at once, ingest within 1 s (running servers cache keys that long)',
    )
    .action(async (keyId: string) => {
      const config = configFrom(program.opts());
      const revoked = await withStore(config, (store) =>
        store.accounts.revokeKey(keyId, new Date().toISOString()),
      );
      if (!revoked) throw new AuditlogError('NOT_FOUND', `No active key with id "${keyId}"`);
      console.error(`Key ${keyId} revoked.`);
    });
}
