import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isViewerTokenShaped, mintViewerToken, verifyViewerToken } from './viewer-tokens.ts';

const key = randomBytes(32);
const subject = { accountId: 'acme', memberId: 'u_1', role: 'auditor' as const };
const now = new Date('2026-11-01T10:00:00.000Z');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('viewer tokens', () => {
  it('mints alv1.<claims>.<signature> that verifies to the same claims, 15 minutes by default', () => {
    const { token, expiresAt, claims } = mintViewerToken(key, subject, { now });
    expect(token).toMatch(/^alv1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(isViewerTokenShaped(token)).toBe(true);
    expect(expiresAt).toBe('2026-11-01T10:15:00.000Z');
    expect(verifyViewerToken(key, token, now)).toEqual(claims);
    expect(claims).toMatchObject({ ...subject, issuedAt: now.getTime() / 1000 });
  });

  it('gives every token its own id', () => {
    const ids = new Set(
      Array.from({ length: 20 }, () => mintViewerToken(key, subject, { now }).claims.tokenId),
    );
    expect(ids.size).toBe(20);
  });

  it('answers TOKEN_EXPIRED from the expiry second on, and not before', () => {
    const { token } = mintViewerToken(key, subject, { now, ttlSeconds: 60 });
    expect(codeOf(() => verifyViewerToken(key, token, new Date(now.getTime() + 59_999)))).toBeUndefined();
    expect(codeOf(() => verifyViewerToken(key, token, new Date(now.getTime() + 60_000)))).toBe(
      'TOKEN_EXPIRED',
    );
  });

  it('refuses a token signed with another key as UNAUTHENTICATED, even when it is also expired', () => {
    const { token } = mintViewerToken(randomBytes(32), subject, { now, ttlSeconds: 60 });
    expect(codeOf(() => verifyViewerToken(key, token, now))).toBe('UNAUTHENTICATED');
    // A forger must not learn anything about expiry: the signature is checked first.
    expect(codeOf(() => verifyViewerToken(key, token, new Date(now.getTime() + 3_600_000)))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses claims altered after signing (role, account, expiry)', () => {
    const { token } = mintViewerToken(key, { ...subject, role: 'developer' }, { now });
    const [prefix, claims, signature] = token.split('.') as [string, string, string];
    const wire = JSON.parse(Buffer.from(claims, 'base64url').toString());
    for (const change of [{ r: 'owner' }, { a: 'globex' }, { exp: wire.exp + 86_400 }]) {
      const forged = Buffer.from(JSON.stringify({ ...wire, ...change })).toString('base64url');
      expect(codeOf(() => verifyViewerToken(key, `${prefix}.${forged}.${signature}`, now))).toBe(
        'UNAUTHENTICATED',
      );
    }
  });

  it.each([
    ['empty', ''],
    ['a server key', `alk_AAAAAAAAAAAA_${'A'.repeat(43)}`],
    ['no signature', 'alv1.eyJhIjoiYSJ9'],
    ['a short signature', 'alv1.eyJhIjoiYSJ9.abc'],
    ['another version', `alv2.eyJhIjoiYSJ9.${'A'.repeat(43)}`],
    ['extra parts', `alv1.eyJhIjoiYSJ9.${'A'.repeat(43)}.x`],
    ['non-base64 claims', `alv1.e*J.${'A'.repeat(43)}`],
  ])('refuses a malformed token (%s) as UNAUTHENTICATED', (_label, token) => {
    expect(codeOf(() => verifyViewerToken(key, token, now))).toBe('UNAUTHENTICATED');
  });

  it('refuses a correctly signed payload that is not claims we mint', () => {
    const { token } = mintViewerToken(key, subject, { now });
    const [prefix] = token.split('.');
    for (const wire of [{ a: 'acme' }, { a: 'acme', m: 'u', r: 'root', iat: 1, exp: 2, jti: 'x' }, 'text']) {
      const claims = Buffer.from(JSON.stringify(wire)).toString('base64url');
      const signature = createHmac('sha256', key).update(`${prefix}.${claims}`).digest('base64url');
      expect(codeOf(() => verifyViewerToken(key, `${prefix}.${claims}.${signature}`, now))).toBe(
        'UNAUTHENTICATED',
      );
    }
  });
});
