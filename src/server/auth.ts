/**
 * @module Authentication and gating of /v1 routes. The account a request acts on ALWAYS comes from
 * its credential, never from the request. Two credentials: server API keys (`alk_…`, scopes) and
 * viewer tokens (`alv1.…`, one member, read-only). Each route kind has one guard — ingest, read,
 * admin, session — that authenticates, applies the policies of src/access/policies.ts and the
 * feature gate, then the rate limit of its kind, all before the body is read.
 */
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ReadContext, Reader } from '../access/access-log.ts';
import { refusedRead } from '../access/access-log.ts';
import { authenticateApiKey } from '../access/api-keys.ts';
import { type Caller, canIngest, canManageAccount, canRead, canReadAny } from '../access/policies.ts';
import type { ChangeOrigin, Recorder } from '../access/recorder.ts';
import { isViewerTokenShaped } from '../access/viewer-tokens.ts';
import { authenticateViewer, type ViewerDeps } from '../access/viewers.ts';
import { AuditlogError } from '../errors.ts';
import type { Stream } from '../events/catalog.ts';
import type { Account, AccountStore, Member, Role, Scope } from '../store/types.ts';
import type { CredentialCache } from './credential-cache.ts';

/** Who is calling, and for which account. */
export type Principal =
  | { kind: 'api_key'; accountId: string; scopes: Scope[]; keyId: string; keyName: string }
  | {
      kind: 'viewer';
      accountId: string;
      member: Member;
      /** The role the token was minted for; `member.role` is the role now. */
      mintedRole: Role;
      tokenId: string;
      expiresAt: string;
    };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard of every /v1 route. */
    principal: Principal | null;
    /** The principal's account, loaded once by the guard. */
    account: Account | null;
  }
}

const BEARER = /^Bearer ([^\s]+)$/i;

function unauthenticated(detail: string): AuditlogError {
  return new AuditlogError('UNAUTHENTICATED', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
}

/** The principal as the policies see it. */
export function callerOf(principal: Principal): Caller {
  return principal.kind === 'api_key'
    ? { kind: 'api_key', scopes: principal.scopes }
    : { kind: 'viewer', role: principal.member.role, mintedRole: principal.mintedRole };
}

/** The viewer a read is attributed to, or null for a server key (whose reads are not recorded). */
export function readerOf(principal: Principal): Reader | null {
  return principal.kind === 'viewer' ? { member: principal.member, tokenId: principal.tokenId } : null;
}

/** The request's HTTP context, for the events Auditlog records about it. */
export function readContextOf(request: FastifyRequest): ReadContext {
  const method = request.method as ReadContext['api']['method'];
  const requestId = request.headers['x-request-id'];
  return {
    api: { method, route: request.routeOptions.url ?? request.url, path: request.url.split('?')[0]! },
    ip: request.ip || null,
    userAgent: request.headers['user-agent']?.slice(0, 1024) ?? null,
    requestId: typeof requestId === 'string' && requestId.length <= 256 ? requestId : null,
  };
}

/** Who made an admin change through the API: the admin key, with the request's context. */
export function changeOriginOf(request: FastifyRequest, httpStatus: number): ChangeOrigin {
  const principal = request.principal!;
  const actor =
    principal.kind === 'api_key'
      ? { type: 'api_key' as const, id: principal.keyId, name: principal.keyName }
      : {
          type: 'user' as const,
          id: principal.member.id,
          email: principal.member.email,
          name: principal.member.name,
        };
  return { ...readContextOf(request), actor, httpStatus };
}

/**
 * Refuses a read of one stream the caller may not see (ROLE_NOT_ALLOWED). The read guard already
 * let only readers through; this is the per-stream rule (the access stream: owners and admins).
 */
export function assertCanRead(principal: Principal, stream: Stream): void {
  if (canRead(callerOf(principal), stream)) return;
  if (principal.kind === 'api_key')
    throw new AuditlogError('FORBIDDEN', 'This credential lacks the "read" scope');
  throw new AuditlogError(
    'ROLE_NOT_ALLOWED',
    stream === 'access'
      ? `Your role (${principal.member.role}) does not allow seeing who read the log: only owners and admins may`
      : `Your role (${principal.member.role}) does not allow reading the ${stream} stream`,
  );
}

/** What the guards need. */
export interface AuthDeps {
  accounts: AccountStore;
  /**
   * The ingest guard's lookups: producers may send one event per request, so its key and account
   * come from this short-lived cache; the other guards read the store on every request.
   */
  credentials: CredentialCache;
  viewers: ViewerDeps;
  recorder: Recorder;
  /** Rate-limit hooks run after a guard authenticated the request (see rate-limit.ts). */
  limits: { ingest: onRequestHookHandler; read: onRequestHookHandler; admin: onRequestHookHandler };
}

/** The guards, one per kind of route; each is the route's `onRequest` list. */
export interface Guards {
  /** POST /v1/events: a key with the ingest scope, on an account with the feature on. */
  ingest: onRequestHookHandler[];
  /**
   * Reads of the log: a key with the read scope, or a viewer whose role may read; the feature on.
   * A viewer refused by role is recorded in the access stream when `record` names the read.
   */
  read(record?: 'list' | 'view' | 'export'): onRequestHookHandler[];
  /** The account's own settings, members and viewer tokens: a key with the admin scope; no feature gate. */
  admin: onRequestHookHandler[];
  /** GET /v1/me: any valid credential, no feature gate, so the page can explain what it may show. */
  session: onRequestHookHandler[];
}

/**
 * Resolves the credential to a principal, or throws UNAUTHENTICATED (`WWW-Authenticate: Bearer`)
 * — a missing, malformed, unknown, wrong or revoked credential all answer alike — or TOKEN_EXPIRED.
 */
export async function resolvePrincipal(
  request: FastifyRequest,
  deps: { accounts: Pick<AccountStore, 'getKey'>; viewers: ViewerDeps },
): Promise<Principal> {
  const header = request.headers.authorization;
  if (!header)
    throw unauthenticated('Send an API key or a viewer token as "Authorization: Bearer <credential>"');
  const presented = BEARER.exec(header)?.[1];
  if (presented && isViewerTokenShaped(presented)) {
    const viewer = await authenticateViewer(deps.viewers, presented);
    return {
      kind: 'viewer',
      accountId: viewer.claims.accountId,
      member: viewer.member,
      mintedRole: viewer.claims.role,
      tokenId: viewer.claims.tokenId,
      expiresAt: new Date(viewer.claims.expiresAt * 1000).toISOString(),
    };
  }
  const record = presented ? await authenticateApiKey(deps.accounts, presented) : null;
  if (!record) throw unauthenticated('The credentials are invalid or revoked');
  return {
    kind: 'api_key',
    accountId: record.accountId,
    scopes: record.scopes,
    keyId: record.id,
    keyName: record.name,
  };
}

function forbidden(principal: Principal, what: string, scope: Scope): AuditlogError {
  return principal.kind === 'viewer'
    ? new AuditlogError('FORBIDDEN', `Viewer tokens are read-only: they cannot ${what}`)
    : new AuditlogError('FORBIDDEN', `This credential lacks the "${scope}" scope`);
}

function roleNotAllowed(role: Role): AuditlogError {
  return new AuditlogError(
    'ROLE_NOT_ALLOWED',
    `Your role (${role}) does not allow reading audit logs: only owners, admins and auditors may. ` +
      'Ask an owner or admin of your account for access.',
  );
}

/** Builds the guards. */
export function createGuards(deps: AuthDeps): Guards {
  /**
   * Authenticates, checks `allowed`, loads the account, applies the feature gate unless `gate` is
   * off. `accounts` is where the key record and the account are read: the store or the cache.
   */
  function guard(
    check: (principal: Principal) => void,
    gate: boolean,
    accounts: Pick<AccountStore, 'get' | 'getKey'> = deps.accounts,
  ): onRequestHookHandler {
    const lookups = { accounts, viewers: deps.viewers };
    return async (request) => {
      const principal = await resolvePrincipal(request, lookups);
      check(principal);
      const account = await accounts.get(principal.accountId);
      if (!account) throw unauthenticated('The credentials are invalid or revoked');
      if (gate && !account.auditLogsEnabled) {
        throw new AuditlogError(
          'FEATURE_NOT_ENABLED',
          `Audit logs are not enabled for account ${account.id}`,
        );
      }
      request.principal = principal;
      request.account = account;
    };
  }

  /** After the gate: a viewer whose role reads nothing is refused, and the attempt recorded. */
  function roleCheck(record: 'list' | 'view' | 'export' | undefined): onRequestHookHandler {
    return async (request) => {
      const principal = request.principal!;
      if (principal.kind !== 'viewer' || canReadAny(callerOf(principal))) return;
      const error = roleNotAllowed(principal.member.role);
      if (record) {
        const reader = readerOf(principal)!;
        const asked = record === 'view' ? { id: (request.params as { id?: string }).id } : request.query;
        await deps.recorder.record(principal.accountId, [
          refusedRead(reader, record, asked, {
            ...readContextOf(request),
            httpStatus: error.status,
            code: error.code,
          }),
        ]);
      }
      throw error;
    };
  }

  const ingestGuard = guard(
    (p) => {
      if (!canIngest(callerOf(p))) throw forbidden(p, 'record events', 'ingest');
    },
    true,
    deps.credentials,
  );
  const readGuard = guard((p) => {
    if (p.kind === 'api_key' && !p.scopes.includes('read')) throw forbidden(p, 'read', 'read');
  }, true);
  const adminGuard = guard((p) => {
    if (!canManageAccount(callerOf(p)))
      throw forbidden(p, 'manage the account, its members or tokens', 'admin');
  }, false);

  return {
    ingest: [ingestGuard, deps.limits.ingest],
    // The limit comes before the role check, so refused attempts (each one recorded) are limited too.
    read: (record) => [readGuard, deps.limits.read, roleCheck(record)],
    admin: [adminGuard, deps.limits.admin],
    session: [guard(() => undefined, false), deps.limits.read],
  };
}
