/**
 * @module Everything that ties the dashboard to Auditlog, in one file. Routes declare what they are
 * (`audited({ category, operation, target })` in their config); this module turns those
 * declarations into events through @auditlog/client's Fastify plugin. Without an `auditlog`
 * option the declarations are inert and the dashboard works on its own.
 */
import { auditlogFastify, createAuditlogClient, type FastifyAuditRouteConfig } from '@auditlog/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserRepository } from './data/users.ts';
import { resolveUser } from './http/auth.ts';

/** Where the dashboard publishes its audit events. */
export interface AuditlogOptions {
  /** Base URL of the Auditlog server, e.g. http://127.0.0.1:4000. */
  url: string;
  /** A server API key with the ingest scope; it decides the account the events belong to. */
  apiKey: string;
  /** File of the client's durable outbox: events wait there while Auditlog is unreachable. */
  outboxPath: string;
  /**
   * Demo only: stamp each event with the time in the request's `X-Demo-Time` header, so the scripted
   * day can be replayed as yesterday's. Never enable this for real traffic: it lets callers choose
   * the time their actions are recorded at.
   */
  replayClock?: boolean;
}

/** The header the replayed day carries its simulated time in (see AuditlogOptions.replayClock). */
export const DEMO_TIME_HEADER = 'x-demo-time';

/** The simulated time of a replayed request, when the header holds a valid instant. */
function replayedTime(request: FastifyRequest): { occurredAt: string } | Record<string, never> {
  const raw = request.headers[DEMO_TIME_HEADER];
  const time = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(time) ? {} : { occurredAt: new Date(time).toISOString() };
}

/** The resource an event is about. Media events always carry `path`, the asset path. */
export interface AuditTarget {
  type: string;
  id: string;
  name?: string;
  path?: string;
}

/** What a route declares about the events it produces. */
export interface AuditSpec {
  stream?: 'central' | 'media';
  category: string;
  /** Defaults from the method: POST create, PUT/PATCH update, DELETE delete. */
  operation?: string;
  /** The target when the handler did not name one (e.g. the request failed before it could). */
  target?: (request: FastifyRequest) => AuditTarget | undefined;
}

/** The shape the plugin reads from a route's `config.audit`. */
export type RouteAudit = FastifyAuditRouteConfig;

// @auditlog/client reads `config.audit` but does not declare it on Fastify's route config; without
// this, TypeScript refuses the property on every route.
declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: FastifyAuditRouteConfig;
  }
}

const namedTargets = new WeakMap<FastifyRequest, AuditTarget>();

/**
 * Names the target of the current request's event. Handlers call it once they know the resource
 * (after creating it, or before deleting it), so the event carries the real id, name and path.
 */
export function setAuditTarget(request: FastifyRequest, target: AuditTarget): void {
  namedTargets.set(request, target);
}

/**
 * A route's `config` declaring its audit event. The target is whatever the handler named with
 * {@link setAuditTarget}, else the spec's fallback (built from the URL when the handler never ran).
 *
 * @example app.patch('/v1/url-endpoints/:id', { config: audited({ category: 'url_endpoints' }) }, h)
 */
export function audited(spec: AuditSpec): { audit: RouteAudit } {
  const { target: fallback, ...rest } = spec;
  return { audit: { ...rest, target: (request) => namedTargets.get(request) ?? fallback?.(request) } };
}

/** The trusted proxies of the demo: the day-in-the-life script sets X-Forwarded-For from loopback. */
export const TRUSTED_PROXIES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/**
 * Registers the Auditlog plugin on `app` (before any route, so every route is seen) and closes the
 * client, flushing what it still holds, when the app closes.
 */
export async function registerAudit(
  app: FastifyInstance,
  options: AuditlogOptions,
  users: UserRepository,
): Promise<void> {
  const client = createAuditlogClient({
    url: options.url,
    apiKey: options.apiKey,
    outbox: { path: options.outboxPath, mode: 'durable' },
  });
  await app.register(auditlogFastify, {
    client,
    actor: (request: FastifyRequest) => {
      const user = resolveUser(request, users);
      return user ? { type: 'user', id: user.id, email: user.email, name: user.name } : null;
    },
    trustProxy: TRUSTED_PROXIES,
    ...(options.replayClock && { defaults: replayedTime }),
  });
  app.addHook('onClose', async () => {
    await client.close();
  });
}
