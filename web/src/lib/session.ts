/**
 * @module The signed-in session as the page uses it: who the credential is and what it may read
 * (GET /v1/me), and what a refused credential means to the person looking at the page — a session
 * that ended (expired, or revoked after it worked) or a link that never worked.
 */
import type { SessionView } from '../../../src/access/schema.ts';
import type { Stream } from '../../../src/events/catalog.ts';
import type { ApiError } from './api.ts';
import { DEFAULT_STREAMS } from './views.ts';

export type { SessionView };

/** Why the page can no longer read: the session ended, or the link was never valid. */
export type AuthLoss = 'expired' | 'invalid';

/**
 * Classifies a failed call. A TOKEN_EXPIRED token was genuine, so its session ended; any other 401
 * ended the session only if the credential worked before (a member removed, a key revoked) —
 * otherwise the link itself is bad. Anything else is not about the credential: null.
 *
 * @example authLossOf(new ApiError('UNAUTHENTICATED', 401, '…'), true) // 'expired'
 */
export function authLossOf(error: ApiError, signedIn: boolean): AuthLoss | null {
  if (error.code === 'TOKEN_EXPIRED') return 'expired';
  if (error.status === 401) return signedIn ? 'expired' : 'invalid';
  return null;
}

/**
 * The streams to offer as tabs. Without a session (still loading, or /v1/me unavailable) the page
 * offers what it always did and lets each list answer for itself; with audit logs off, nothing.
 */
export function streamsToOffer(session: SessionView | undefined): readonly Stream[] {
  if (!session) return DEFAULT_STREAMS;
  return session.auditLogsEnabled ? session.streams : [];
}

/** `auditor` → `Auditor`. */
export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}
