/**
 * @module Demo authentication and authorization. A request names its user in `X-Demo-User` (a
 * stand-in for a session cookie); write routes name the {@link Action} they need and are refused
 * with 403 before their body is even validated, so a forbidden attempt is recorded as exactly that.
 */
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { User, UserRepository } from '../data/users.ts';
import { type Action, can } from '../policy.ts';
import { DashboardError } from './errors.ts';

/** The header that names the acting user. */
export const USER_HEADER = 'x-demo-user';

const resolved = new WeakMap<FastifyRequest, User | null>();

/**
 * The user a request acts as, or null when the header is missing or names nobody. Memoized per
 * request, so the audit plugin's actor lookup and the auth hook agree and hit the database once.
 */
export function resolveUser(request: FastifyRequest, users: UserRepository): User | null {
  if (resolved.has(request)) return resolved.get(request)!;
  const header = request.headers[USER_HEADER];
  const user = typeof header === 'string' && header !== '' ? users.get(header) : null;
  resolved.set(request, user);
  return user;
}

/** The signed-in user of a request that passed authentication. */
export function currentUser(request: FastifyRequest): User {
  const user = resolved.get(request);
  if (!user) throw new DashboardError('UNAUTHENTICATED', `Send the ${USER_HEADER} header`);
  return user;
}

/** Refuses every `/v1` request that does not name a known user (401). */
export function registerAuthentication(app: FastifyInstance, users: UserRepository): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    if (!resolveUser(request, users)) {
      throw new DashboardError('UNAUTHENTICATED', `Send the ${USER_HEADER} header with a known user id`);
    }
  });
}

/**
 * A route hook that lets the request through only when its user's role grants `action`.
 *
 * @example app.post('/v1/billing', { preValidation: authorize('billing.manage') }, handler)
 */
export function authorize(action: Action): preValidationHookHandler {
  return async (request) => {
    const user = currentUser(request);
    if (!can(user.role, action)) {
      throw new DashboardError('FORBIDDEN', `The ${user.role} role may not ${action.replace('.', ': ')}`);
    }
  };
}
