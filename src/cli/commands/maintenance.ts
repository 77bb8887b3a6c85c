/** @module `auditlog migrate` and `auditlog purge`: one-shot maintenance commands. */
import type { Command } from 'commander';
import { configFrom, withStore } from '../context.ts';
import { parseInstant } from '../parse.ts';

/** Registers `migrate` and `purge`. */
export function registerMaintenanceCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (serve does this at start too)')
    .action(async () => {
      const config = configFrom(program.opts());
      // Opening the store applies the migrations.
      await withStore(config, async () => undefined);
      console.error(`Migrations applied to ${config.databaseUrl}`);
    });

  program
    .command('purge')
    .description("remove events older than each account's retention")
    .option('--now <instant>', 'purge as of this ISO 8601 time instead of now', parseInstant)
    .action(async (options: { now?: Date }) => {
      const config = configFrom(program.opts());
      const result = await withStore(config, (store) => store.events.purgeExpired(options.now ?? new Date()));
      console.log(JSON.stringify(result));
    });
}
