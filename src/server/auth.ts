/**
 * @module Authentication and gating of /v1 routes. The account a request acts on ALWAYS comes from
 * its credential, never from the request. Principal resolution lives in one function,
 * {@link resolvePrincipal}, so other credential kinds (viewer tokens) extend it in one place.
 */
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { authenticateApiKey } from '../access/api-keys.ts';
import { AuditlogError } from '../errors.ts';
import type { Account, AccountStore, Scope } from '../store/types.ts';

/** Who is calling, and for which account. */
export interface Principal {
  kind: 'api_key';
  accountId: string;
  scopes: Scope[];
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook of every /v1 route. */
    principal: Principal | null;
    /** The principal's account, loaded once by the auth hook. */
    account: Account | null;
  }
}

const BEARER = /^Bearer ([^\s]+)$/i;

function unauthenticated(detail: string): AuditlogError {
  return new AuditlogError('UNAUTHENTICATED', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
}

/**
 * Resolves the request's credential to a principal, or throws UNAUTHENTICATED (with
 * `WWW-Authenticate: Bearer`). A missing, malformed, unknown, wrong or revoked key all answer alike.
 */
export async function resolvePrincipal(request: FastifyRequest, accounts: AccountStore): Promise<Principal> {
  const header = request.headers.authorization;
  if (!header) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');
  const token = BEARER.exec(header)?.[1];
  const record = token ? await authenticateApiKey(accounts, token) : null;
  if (!record) throw unauthenticated('The credentials are invalid or revoked');
  return { kind: 'api_key', accountId: record.accountId, scopes: record.scopes, keyId: record.id };
}

/**
 * An onRequest hook that authenticates, requires `scope`, loads the account and checks that audit
 * logs are enabled for it. It runs before the body is read, so unauthenticated uploads are cheap.
 *
 * @example app.get('/v1/events', { onRequest: requireScope(store.accounts, 'read') }, handler)
 */
export function requireScope(accounts: AccountStore, scope: Scope): onRequestHookHandler {
  return async (request) => {
    const principal = await resolvePrincipal(request, accounts);
    if (!principal.scopes.includes(scope)) {
      throw new AuditlogError('FORBIDDEN', `This credential lacks the "${scope}" scope`);
    }
    const account = await accounts.get(principal.accountId);
    if (!account) throw unauthenticated('The credentials are invalid or revoked');
    if (!account.auditLogsEnabled) {
      throw new AuditlogError('FEATURE_NOT_ENABLED', `Audit logs are not enabled for account ${account.id}`);
    }
    request.principal = principal;
    request.account = account;
  };
}
