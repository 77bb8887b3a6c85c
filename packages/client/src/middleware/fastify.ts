/**
 * @module The Fastify plugin: records every audited request (POST/PUT/PATCH/DELETE by default) of
 * routes that declare `config: { audit: { category } }`, failures included, without changing what
 * the host sends. With a durable outbox the event is written before the response leaves (onSend);
 * otherwise after it (onResponse), so capture adds no latency.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuditRouteConfig,
  type CaptureOptions,
  capturePayload,
  clientIp,
  DEFAULT_METHODS,
  isAuditedMethod,
  type Observed,
  proxyTrust,
  publishObserved,
  requestIdFrom,
} from './capture.ts';

/** Options of {@link auditlogFastify}. */
export type AuditlogFastifyOptions = CaptureOptions<FastifyRequest>;

/** The per-route declaration, read from `config.audit`. */
export type FastifyAuditRouteConfig = AuditRouteConfig<FastifyRequest>;

interface State {
  requestId: string;
  occurredAt: string;
  responseBody?: unknown;
  published: boolean;
}

function routeAudit(request: FastifyRequest): FastifyAuditRouteConfig | undefined {
  return (request.routeOptions.config as { audit?: FastifyAuditRouteConfig } | undefined)?.audit;
}

const plugin: FastifyPluginCallback<AuditlogFastifyOptions> = (app, options, done) => {
  const trusted = proxyTrust(options.trustProxy);
  const methods = options.methods ?? DEFAULT_METHODS;
  const maxBytes = options.maxBodyBytes;
  // Per request, without decorating the host's request objects.
  const states = new WeakMap<FastifyRequest, State>();

  function observe(request: FastifyRequest, reply: FastifyReply, state: State): Observed {
    return {
      method: request.method,
      route: request.routeOptions.url,
      path: request.url.split('?')[0]!,
      requestBody: capturePayload(request.body, request.headers['content-type'], maxBytes),
      responseBody: state.responseBody,
      statusCode: reply.statusCode,
      ip: clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for'], trusted),
      userAgent: request.headers['user-agent'],
      requestId: state.requestId,
      params: request.params as Record<string, unknown> | undefined,
      occurredAt: state.occurredAt,
    };
  }

  async function record(request: FastifyRequest, reply: FastifyReply, state: State): Promise<void> {
    if (state.published) return;
    state.published = true;
    await publishObserved(request, observe(request, reply, state), routeAudit(request), options);
  }

  app.addHook('onRequest', (request, reply, next) => {
    const audit = routeAudit(request);
    const wanted = audit ? !audit.skip : options.defaults !== undefined;
    if (wanted && isAuditedMethod(request.method, methods)) {
      const requestId = requestIdFrom(request.headers['x-request-id']);
      reply.header('x-request-id', requestId);
      states.set(request, { requestId, occurredAt: new Date().toISOString(), published: false });
    }
    next();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = states.get(request);
    if (!state) return payload;
    const contentType = reply.getHeader('content-type');
    state.responseBody = capturePayload(
      payload,
      typeof contentType === 'string' ? contentType : undefined,
      maxBytes,
    );
    // Durable: the host answers only once the event is on its disk.
    if (options.client.durable) await record(request, reply, state);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = states.get(request);
    if (state) await record(request, reply, state);
  });

  done();
};

/**
 * The Fastify plugin. Register it before the routes it should see.
 *
 * @example
 * await app.register(auditlogFastify, { client, actor: (req) => req.user && { type: 'user', id: req.user.id } });
 * app.patch('/v1/url-endpoints/:id', { config: { audit: { category: 'url_endpoints' } } }, handler);
 */
export const auditlogFastify: FastifyPluginCallback<AuditlogFastifyOptions> = Object.assign(plugin, {
  // What fastify-plugin does: the hooks apply to the whole app, not only inside this plugin.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'auditlog',
});
