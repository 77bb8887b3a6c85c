/**
 * @module Rate limits per credential: one budget per minute for ingest (AUDITLOG_RATE_LIMIT_INGEST),
 * one for reads and one for the admin routes (both AUDITLOG_RATE_LIMIT_READ), counted per server key and per viewer
 * member — not per token, so minting fresh tokens does not reset a viewer's budget. Over the limit:
 * 429 RATE_LIMITED as problem+json with `Retry-After` (seconds). The hooks run after a guard has
 * authenticated the request, so an anonymous caller cannot spend someone else's budget.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Config } from '../config.ts';
import { AuditlogError } from '../errors.ts';
import type { App } from './type-provider.ts';

const WINDOW_MS = 60_000;

/** The budget a request is counted against: its key, or its viewer's member. */
function budgetOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return `ip:${request.ip}`;
  return principal.kind === 'api_key'
    ? `key:${principal.keyId}`
    : `viewer:${principal.accountId}:${principal.member.id}`;
}

/**
 * Registers the plugin (with no global limit) and returns the limit hooks.
 *
 * @example const limits = await registerRateLimits(app, config); // { ingest, read, admin }
 */
export async function registerRateLimits(
  app: App,
  config: Pick<Config, 'rateLimitIngest' | 'rateLimitRead'>,
): Promise<{ ingest: onRequestHookHandler; read: onRequestHookHandler; admin: onRequestHookHandler }> {
  await app.register(rateLimit, { global: false });
  const limiter = (kind: 'ingest' | 'read' | 'admin', max: number) =>
    app.rateLimit({
      max,
      timeWindow: WINDOW_MS,
      keyGenerator: (request) => `${kind}:${budgetOf(request)}`,
      // Returned, then thrown by the plugin: our error handler turns it into problem+json.
      errorResponseBuilder: (_request, context) => {
        const retryAfter = String(Math.max(1, Math.ceil(context.ttl / 1000)));
        return new AuditlogError(
          'RATE_LIMITED',
          `More than ${context.max} ${kind} requests per minute with this credential; retry in ${retryAfter}s`,
          { headers: { 'Retry-After': retryAfter } },
        );
      },
    }) as onRequestHookHandler;
  return {
    ingest: limiter('ingest', config.rateLimitIngest),
    read: limiter('read', config.rateLimitRead),
    // The admin routes (mostly minting a token per page load) get a budget of their own, the size
    // of the read budget, so a host minting for many users does not starve its own reads.
    admin: limiter('admin', config.rateLimitRead),
  };
}
