/**
 * @module The dashboard app factory: a Fastify control-plane API over its own SQLite file, audited
 * through @auditlog/client when an `auditlog` option is given.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type AuditlogOptions, registerAudit, TRUSTED_PROXIES } from './audit.ts';
import { createRepositories } from './data/index.ts';
import { openDashboardDb } from './db/open.ts';
import { registerAuthentication } from './http/auth.ts';
import { registerErrorHandler } from './http/errors.ts';
import type { TypeBoxTypeProvider } from './routes/common.ts';
import { registerRoutes } from './routes/index.ts';

/** Options of {@link createDashboardApp}. */
export interface DashboardOptions {
  /** The dashboard's SQLite file; created, migrated and seeded on first use. */
  dbPath: string;
  /** Where to publish audit events; omit to run unaudited. */
  auditlog?: AuditlogOptions;
  /** Fastify's logger option (false, true or pino options). Default false. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the dashboard app (not listening). Closing the app flushes the audit client, then closes
 * the database.
 *
 * @example
 * const app = await createDashboardApp({ dbPath: '/tmp/dash.db' });
 * await app.listen({ port: 0, host: '127.0.0.1' });
 */
export async function createDashboardApp(options: DashboardOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // The day-in-the-life script stands in for a load balancer on loopback and sets X-Forwarded-For.
    trustProxy: TRUSTED_PROXIES,
    // Reject unknown fields instead of silently dropping them (Fastify's default strips them), so a
    // typo in a settings PATCH is a 400, not a no-op; and never coerce types, or a metadata value
    // sent as the number 42 would be stored as the string "42".
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // Request ids must be unique across restarts (Fastify's default counter starts again at req-1),
    // because the audit log finds an event by them; a caller's own X-Request-Id is kept.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const db = openDashboardDb(options.dbPath);
  const repos = createRepositories(db);
  // Registered first, so the database outlives the audit client's final flush on close.
  app.addHook('onClose', async () => {
    db.close();
  });
  registerErrorHandler(app);
  // One request id everywhere: the audit plugin takes it from X-Request-Id, so hand it Fastify's
  // (added before the plugin's hooks), and echo it so a caller can find its request in the log.
  app.addHook('onRequest', async (request) => {
    request.headers['x-request-id'] = request.id;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (options.auditlog) await registerAudit(app, options.auditlog, repos.users);
  registerAuthentication(app, repos.users);
  app.get('/health', async () => ({ ok: true }));
  registerRoutes(app.withTypeProvider<TypeBoxTypeProvider>(), { repos });
  return app;
}
