/**
 * @module Viewer sessions: minting a token for a member of the caller's account, and turning a
 * presented token back into a viewer — re-checked against the member table on every request, so a
 * member removed or demoted after minting loses access at their next request.
 */
import { AuditlogError } from '../errors.ts';
import type { Member, MemberStore } from '../store/types.ts';
import type { Caller } from './policies.ts';
import { type ViewerTokenRequest, ViewerTokenRequestSchema, type ViewerTokenView } from './schema.ts';
import { checkBody } from './validate.ts';
import { mintViewerToken, type ViewerClaims, verifyViewerToken } from './viewer-tokens.ts';

/** What minting and verifying need: the members, the signing key and the clock. */
export interface ViewerDeps {
  members: MemberStore;
  tokenKey: Buffer;
  clock?: () => Date;
}

/** A verified viewer: the token's claims, the member as stored now, and the caller policies see. */
export interface Viewer {
  claims: ViewerClaims;
  member: Member;
  caller: Extract<Caller, { kind: 'viewer' }>;
}

/** Validates a POST /v1/viewer-tokens body; throws TOKEN_REQUEST_INVALID listing every violation. */
export function checkViewerTokenRequest(body: unknown): ViewerTokenRequest {
  return checkBody(ViewerTokenRequestSchema, body, 'TOKEN_REQUEST_INVALID');
}

/**
 * Mints a token for a member of `accountId`, bound to the member's role now. Any member may get a
 * token — reading is decided at each request — so the page can tell a developer why they see
 * nothing. Throws MEMBER_NOT_FOUND for an unknown member (or another account's: the same answer).
 *
 * @example const { token } = await issueViewerToken(deps, 'acme', { memberId: 'u_1' });
 */
export async function issueViewerToken(
  deps: ViewerDeps,
  accountId: string,
  request: ViewerTokenRequest,
): Promise<ViewerTokenView> {
  const member = await deps.members.get(accountId, request.memberId);
  if (!member) {
    throw new AuditlogError('MEMBER_NOT_FOUND', `No member with id "${request.memberId}" in this account`, {
      violations: [{ field: '/memberId', rule: 'must be the id of a member of this account' }],
    });
  }
  const { token, expiresAt } = mintViewerToken(
    deps.tokenKey,
    { accountId, memberId: member.id, role: member.role },
    { now: (deps.clock ?? (() => new Date()))(), ttlSeconds: request.ttlSeconds },
  );
  return { token, expiresAt, memberId: member.id, role: member.role };
}

/**
 * Verifies a presented viewer token and loads its member. Throws UNAUTHENTICATED for a forged or
 * malformed token or a member who no longer exists, and TOKEN_EXPIRED for an expired one.
 *
 * @example const viewer = await authenticateViewer(deps, bearer);
 */
export async function authenticateViewer(deps: ViewerDeps, presented: string): Promise<Viewer> {
  const claims = verifyViewerToken(deps.tokenKey, presented, (deps.clock ?? (() => new Date()))());
  const member = await deps.members.get(claims.accountId, claims.memberId);
  if (!member) {
    throw new AuditlogError(
      'UNAUTHENTICATED',
      'The member this viewer token was issued for no longer exists',
      {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      },
    );
  }
  return { claims, member, caller: { kind: 'viewer', role: member.role, mintedRole: claims.role } };
}
