/** @module The `auditlog` command tree. Each group lives in its own file under commands/. */
import { Command } from 'commander';
import { registerAccountCommands } from './commands/accounts.ts';
import { registerEventCommands } from './commands/events.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerMaintenanceCommands } from './commands/maintenance.ts';
import { registerMemberCommands } from './commands/members.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerViewerTokenCommands } from './commands/viewer-tokens.ts';

/** Builds the program; `main.ts` parses argv with it, tests can too. */
export function buildProgram(): Command {
  const program = new Command('auditlog')
    .description('Auditlog: who changed what, when, from where, and whether it worked')
    .option('--database-url <url>', 'file:<path> (SQLite) or postgres://… (default: AUDITLOG_DATABASE_URL)')
    .showHelpAfterError();
  registerServeCommand(program);
  registerStartCommand(program);
  registerMaintenanceCommands(program);
  registerAccountCommands(program);
  registerKeyCommands(program);
  registerMemberCommands(program);
  registerViewerTokenCommands(program);
  registerEventCommands(program);
  return program;
}
