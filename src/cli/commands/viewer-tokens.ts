/**
 * @module `auditlog viewer-tokens create`: mint a read-only token for one member, as the host
 * backend does with `POST /v1/viewer-tokens`. It is signed with the same key the server uses (the
 * one kept in the database, or AUDITLOG_TOKEN_SECRET), so the running server accepts it.
 */
import type { Command } from 'commander';
import { VIEWER_TOKEN_TTL } from '../../access/schema.ts';
import { resolveTokenKey } from '../../access/token-key.ts';
import { checkViewerTokenRequest, issueViewerToken } from '../../access/viewers.ts';
import { configFrom, withStore } from '../context.ts';
import { parseInteger } from '../parse.ts';

/** Registers the `viewer-tokens` command group. */
export function registerViewerTokenCommands(program: Command): void {
  const tokens = program.command('viewer-tokens').description('mint short-lived read tokens for members');

  tokens
    .command('create')
    .description('mint a token for a member; printed on stdout (send it as "Authorization: Bearer <token>")')
    .requiredOption('--account <id>', 'account of the member')
    .requiredOption('--member <id>', 'member id')
    .option(
      '--ttl-seconds <seconds>',
      `lifetime, ${VIEWER_TOKEN_TTL.min} to ${VIEWER_TOKEN_TTL.max}`,
      parseInteger,
      VIEWER_TOKEN_TTL.default,
    )
    .option('--url <url>', 'the server URL, to print a link that opens the Audit Logs page with the token')
    .action(async (options: { account: string; member: string; ttlSeconds: number; url?: string }) => {
      const config = configFrom(program.opts());
      const request = checkViewerTokenRequest({ memberId: options.member, ttlSeconds: options.ttlSeconds });
      const issued = await withStore(config, async (store) => {
        const viewers = { members: store.members, tokenKey: await resolveTokenKey(config, store.secrets) };
        return issueViewerToken(viewers, options.account, request);
      });
      console.error(`Token for ${issued.memberId} (${issued.role}), expires ${issued.expiresAt}.`);
      if (options.url) console.error(`Open: ${new URL(`/?token=${issued.token}`, options.url).toString()}`);
      console.log(issued.token);
    });
}
