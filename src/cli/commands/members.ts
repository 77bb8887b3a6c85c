/**
 * @module `auditlog members …`: add, change, remove and list the members of an account, as the
 * host product's sync would. Every change is recorded as a `user_management` event of the account.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { checkMember, removeMember, upsertMember } from '../../access/members.ts';
import { ROLES } from '../../access/policies.ts';
import { CLI_ORIGIN } from '../../access/recorder.ts';
import { AuditlogError } from '../../errors.ts';
import type { Role } from '../../store/types.ts';
import { configFrom, withStore } from '../context.ts';
import { systemRecorder } from '../system-recorder.ts';

/** A member role. */
function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  }
  return value as Role;
}

/** Registers the `members` command group. */
export function registerMemberCommands(program: Command): void {
  const members = program.command('members').description("manage an account's members and their roles");

  members
    .command('upsert <memberId>')
    .description('add a member or change their email, name or role (recorded)')
    .requiredOption('--account <id>', 'account the member belongs to')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', ROLES.join(' | '), parseRole)
    .action(
      async (memberId: string, options: { account: string; email: string; name: string; role: Role }) => {
        const config = configFrom(program.opts());
        const input = checkMember(options.account, memberId, {
          email: options.email,
          name: options.name,
          role: options.role,
        });
        const { member, created } = await withStore(config, async (store) => {
          if (!(await store.accounts.get(options.account))) {
            throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${options.account}"`);
          }
          return upsertMember({ members: store.members, recorder: systemRecorder(store) }, input, CLI_ORIGIN);
        });
        console.error(`Member ${member.id} ${created ? 'added' : 'updated'} as ${member.role}.`);
        console.log(JSON.stringify(member, null, 2));
      },
    );

  members
    .command('remove <memberId>')
    .description('remove a member; their viewer tokens stop working at once (recorded)')
    .requiredOption('--account <id>', 'account the member belongs to')
    .action(async (memberId: string, options: { account: string }) => {
      const config = configFrom(program.opts());
      await withStore(config, (store) =>
        removeMember(
          { members: store.members, recorder: systemRecorder(store) },
          options.account,
          memberId,
          CLI_ORIGIN,
        ),
      );
      console.error(`Member ${memberId} removed.`);
    });

  members
    .command('list')
    .description("list an account's members")
    .requiredOption('--account <id>', 'account')
    .action(async (options: { account: string }) => {
      const config = configFrom(program.opts());
      const list = await withStore(config, (store) => store.members.list(options.account));
      console.table(list.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role })));
    });
}
