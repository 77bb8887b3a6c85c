/**
 * @module The Fastify app factory. Everything the app uses is passed in (store, config, clock,
 * logger); nothing is created at import time, so tests build real apps on temporary databases.
 */
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createRecorder } from '../access/recorder.ts';
import { resolveTokenKey } from '../access/token-key.ts';
import type { Config } from '../config.ts';
import type { Catalog } from '../events/catalog.ts';
import type { RedactionPolicy } from '../events/redaction.ts';
import { createGroupCommitter } from '../ingest/group-commit.ts';
import { createIngestor } from '../ingest/pipeline.ts';
import type { Store } from '../store/types.ts';
import { createGuards } from './auth.ts';
import { loadCatalog } from './catalog-config.ts';
import type { RouteContext } from './context.ts';
import { createCredentialCache } from './credential-cache.ts';
import { openApiOptions } from './openapi.ts';
import { frameworkErrors, registerProblemHandlers } from './problem.ts';
import { registerRateLimits } from './rate-limit.ts';
import { loggingOptions } from './request-log.ts';
import { registerAccountRoutes } from './routes/account/index.ts';
import { registerActorRoutes } from './routes/actors/index.ts';
import { registerCatalogRoutes } from './routes/catalog/index.ts';
import { registerEventRoutes } from './routes/events/index.ts';
import { registerHealthRoutes } from './routes/health/index.ts';
import { registerMemberRoutes } from './routes/members/index.ts';
import { registerViewerTokenRoutes } from './routes/viewer-tokens/index.ts';
import type { App, TypeBoxProvider } from './type-provider.ts';
import { registerWeb } from './web.ts';

export interface AppDeps {
  store: Store;
  config: Config;
  /** The clock receipt times and the future-skew rule use. Default: the system clock. */
  clock?: () => Date;
  /** A pino logger; default: Fastify's pino at `config.logLevel`. Either way `?token=` is redacted. */
  logger?: FastifyBaseLogger;
  /** The catalog; default: {@link loadCatalog} from the config. */
  catalog?: Catalog;
  /** The redaction policy applied to payloads before storage; default: the built-in secret names. */
  redaction?: RedactionPolicy;
}

/**
 * Builds the app. `app.close()` flushes pending group commits; closing the store stays the caller's.
 *
 * @example
 * const app = await createApp({ store, config });
 * await app.listen({ port: 0, host: '127.0.0.1' });
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { store, config } = deps;
  const catalog = deps.catalog ?? (await loadCatalog(config));
  const app = Fastify({
    // The request log redacts `?token=`: a viewer link's credential must not land in log files.
    ...loggingOptions(config.logLevel, deps.logger),
    return503OnClosing: true,
    frameworkErrors,
  }).withTypeProvider<TypeBoxProvider>();

  app.decorateRequest('principal', null);
  app.decorateRequest('account', null);
  registerProblemHandlers(app);
  // JSON only: a text/plain body is a 415, not a string the validator has to reject.
  app.removeContentTypeParser('text/plain');
  await app.register(swagger, openApiOptions());

  const committer = createGroupCommitter(store.events);
  const ingestor = createIngestor({
    store,
    catalog,
    config,
    clock: deps.clock,
    redaction: deps.redaction,
    committer,
  });
  // onClose hooks run after the server stopped taking requests: flush what those requests queued.
  app.addHook('onClose', async () => ingestor.flush());
  // A request in flight when close() starts is answered later (after its group's fsync); its
  // keep-alive connection must then close, or server.close() would wait for the client's timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every response, and costs no promise this way.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // The JSON API's one security header (the pages get helmet's full set, see below).
    reply.header('x-content-type-options', 'nosniff');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // Auditlog's own events (settings, members, reads) share the producers' committer: one chain.
  const recorder = createRecorder({ submitter: committer, clock: deps.clock });
  const viewers = {
    members: store.members,
    tokenKey: await resolveTokenKey(config, store.secrets),
    clock: deps.clock,
  };
  const limits = await registerRateLimits(app, config);
  const credentials = createCredentialCache({ accounts: store.accounts, clock: deps.clock });
  const guards = createGuards({ accounts: store.accounts, credentials, viewers, recorder, limits });

  const ctx: RouteContext = { store, config, catalog, ingestor, guards, recorder, viewers, credentials };
  registerEventRoutes(app, ctx);
  registerActorRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerViewerTokenRoutes(app, ctx);
  await app.register(async (pages) => {
    // Helmet's headers, for what a browser may render: the page, its assets, /healthz and the
    // OpenAPI document. Not for the /v1 JSON API: helmet rebuilds its middleware on every request,
    // ~3% of the server's CPU when producers send one event per request. The service speaks plain
    // HTTP (TLS, if any, ends at a proxy): upgrading the page's requests to https or pinning HSTS
    // would break it when reached over http on a LAN address.
    await pages.register(helmet, {
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      strictTransportSecurity: false,
    });
    registerHealthRoutes(pages, ctx);
    pages.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await registerWeb(pages);
  });
  return app;
}
