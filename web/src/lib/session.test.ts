import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { authLossOf, roleLabel, type SessionView, streamsToOffer } from './session.ts';

const session = (overrides: Partial<SessionView> = {}): SessionView => ({
  kind: 'viewer',
  accountId: 'acme',
  auditLogsEnabled: true,
  member: null,
  streams: ['central', 'media'],
  expiresAt: null,
  ...overrides,
});

describe('authLossOf', () => {
  it('treats an expired token as an ended session, signed in before or not', () => {
    const expired = new ApiError('TOKEN_EXPIRED', 401, 'expired');
    expect(authLossOf(expired, false)).toBe('expired');
    expect(authLossOf(expired, true)).toBe('expired');
  });

  it('tells a link that never worked from a session revoked after it worked', () => {
    const refused = new ApiError('UNAUTHENTICATED', 401, 'invalid');
    expect(authLossOf(refused, false)).toBe('invalid');
    expect(authLossOf(refused, true)).toBe('expired');
  });

  it('ignores failures that are not about the credential', () => {
    for (const [code, status] of [
      ['ROLE_NOT_ALLOWED', 403],
      ['FEATURE_NOT_ENABLED', 403],
      ['QUERY_INVALID', 400],
      ['NETWORK', 0],
      ['RATE_LIMITED', 429],
    ] as const) {
      expect(authLossOf(new ApiError(code, status, ''), true)).toBe(null);
    }
  });
});

describe('streamsToOffer', () => {
  it("offers the session's streams, nothing while the feature is off, the defaults without a session", () => {
    expect(streamsToOffer(session({ streams: ['central', 'media', 'access'] }))).toEqual([
      'central',
      'media',
      'access',
    ]);
    expect(streamsToOffer(session({ streams: [] }))).toEqual([]);
    expect(streamsToOffer(session({ auditLogsEnabled: false }))).toEqual([]);
    expect(streamsToOffer(undefined)).toEqual(['central', 'media']);
  });

  it('labels roles', () => {
    expect(roleLabel('owner')).toBe('Owner');
  });
});
