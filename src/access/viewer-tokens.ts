/**
 * @module Viewer tokens: `alv1.<claims>.<signature>`, short-lived, read-only credentials the host
 * backend mints for one member. The claims (account, member, role at minting, issue and expiry
 * times, a token id) are base64url JSON; the signature is HMAC-SHA256 over `alv1.<claims>` with the
 * service's token key, compared in constant time. One fixed algorithm and no header, so nothing in
 * a token can choose how it is verified (the `alg` confusion JWT libraries have had to defend).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditlogError } from '../errors.ts';
import type { Role } from '../store/types.ts';
import { ROLES } from './policies.ts';
import { VIEWER_TOKEN_TTL } from './schema.ts';

/** The prefix (and version) every viewer token starts with; server keys start with `alk_`. */
export const VIEWER_TOKEN_PREFIX = 'alv1';

const SIGNATURE_LENGTH = 43; // base64url of 32 bytes
const MAX_CLAIMS_LENGTH = 2048;
const TOKEN_FORMAT = /^alv1\.([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/;

/** What a token asserts. Times are whole seconds since the epoch, as in JWT. */
export interface ViewerClaims {
  accountId: string;
  memberId: string;
  /** The member's role when the token was minted. */
  role: Role;
  issuedAt: number;
  expiresAt: number;
  /** A random id, recorded with every read made with the token so one session's reads group. */
  tokenId: string;
}

/** The compact JSON the claims travel as. */
interface WireClaims {
  a: string;
  m: string;
  r: Role;
  iat: number;
  exp: number;
  jti: string;
}

function sign(key: Buffer, encodedClaims: string): string {
  return createHmac('sha256', key).update(`${VIEWER_TOKEN_PREFIX}.${encodedClaims}`).digest('base64url');
}

/** True when `presented` has the shape of a viewer token (it may still be forged or expired). */
export function isViewerTokenShaped(presented: string): boolean {
  return presented.startsWith(`${VIEWER_TOKEN_PREFIX}.`);
}

/**
 * Mints a token for one member. `ttlSeconds` defaults to 15 minutes.
 *
 * @example
 * const { token, expiresAt } = mintViewerToken(key, { accountId: 'acme', memberId: 'u_1', role: 'auditor' });
 */
export function mintViewerToken(
  key: Buffer,
  subject: { accountId: string; memberId: string; role: Role },
  options: { now?: Date; ttlSeconds?: number } = {},
): { token: string; expiresAt: string; claims: ViewerClaims } {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const ttl = options.ttlSeconds ?? VIEWER_TOKEN_TTL.default;
  const claims: ViewerClaims = {
    ...subject,
    issuedAt,
    expiresAt: issuedAt + ttl,
    tokenId: randomBytes(12).toString('base64url'),
  };
  const wire: WireClaims = {
    a: claims.accountId,
    m: claims.memberId,
    r: claims.role,
    iat: claims.issuedAt,
    exp: claims.expiresAt,
    jti: claims.tokenId,
  };
  const encoded = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return {
    token: `${VIEWER_TOKEN_PREFIX}.${encoded}.${sign(key, encoded)}`,
    expiresAt: new Date(claims.expiresAt * 1000).toISOString(),
    claims,
  };
}

function invalid(): AuditlogError {
  return new AuditlogError('UNAUTHENTICATED', 'The viewer token is invalid', {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

/** The claims of a verified payload, or null when they are not the shape we mint. */
function claimsOf(encoded: string): ViewerClaims | null {
  let wire: Partial<WireClaims>;
  try {
    wire = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Partial<WireClaims>;
  } catch {
    return null;
  }
  const { a, m, r, iat, exp, jti } = wire;
  const ok =
    typeof a === 'string' &&
    typeof m === 'string' &&
    typeof jti === 'string' &&
    ROLES.includes(r as Role) &&
    Number.isSafeInteger(iat) &&
    Number.isSafeInteger(exp) &&
    (exp as number) > (iat as number);
  if (!ok) return null;
  return { accountId: a, memberId: m, role: r as Role, issuedAt: iat!, expiresAt: exp!, tokenId: jti };
}

/**
 * Verifies a presented token: its shape, then its signature (in constant time), then its expiry.
 * Throws UNAUTHENTICATED for anything malformed or not signed with `key`, and TOKEN_EXPIRED only
 * for a genuine token past its expiry — a forger learns nothing about expiry.
 *
 * @example const claims = verifyViewerToken(key, bearer, new Date());
 */
export function verifyViewerToken(key: Buffer, presented: string, now: Date = new Date()): ViewerClaims {
  const match = TOKEN_FORMAT.exec(presented);
  if (!match || match[1]!.length > MAX_CLAIMS_LENGTH) throw invalid();
  const [, encoded, signature] = match as unknown as [string, string, string];
  const expected = Buffer.from(sign(key, encoded));
  const actual = Buffer.from(signature);
  if (actual.length !== SIGNATURE_LENGTH || !timingSafeEqual(expected, actual)) throw invalid();
  const claims = claimsOf(encoded);
  if (!claims) throw invalid();
  if (claims.expiresAt <= Math.floor(now.getTime() / 1000)) {
    throw new AuditlogError(
      'TOKEN_EXPIRED',
      'The viewer token has expired; ask the host product for a new one',
      {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      },
    );
  }
  return claims;
}
