/**
 * @module The Express 5 middleware: the same capture as the Fastify plugin. Routes are declared in
 * `routes` ('PATCH /v1/url-endpoints/:id') or with {@link auditRoute} in the route's own chain; the
 * response body is read by wrapping `res.send` (which `res.json` goes through).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  type AuditRouteConfig,
  type CaptureOptions,
  captureJson,
  capturePayload,
  clientIp,
  DEFAULT_METHODS,
  isAuditedMethod,
  type Observed,
  proxyTrust,
  publishObserved,
  requestIdFrom,
} from './capture.ts';

/** The per-route declaration for Express. */
export type ExpressAuditRouteConfig = AuditRouteConfig<Request>;

/** Options of {@link auditlogExpress}. */
export interface AuditlogExpressOptions extends CaptureOptions<Request> {
  /** Declarations by `'METHOD /full/route/template'`, e.g. `'PATCH /v1/url-endpoints/:id'`. */
  routes?: Record<string, ExpressAuditRouteConfig>;
}

const LOCALS_KEY = 'auditlogRoute';

/**
 * Declares a route's audit event inside its own chain.
 *
 * @example app.patch('/v1/url-endpoints/:id', auditRoute({ category: 'url_endpoints' }), handler);
 */
export function auditRoute(config: ExpressAuditRouteConfig): RequestHandler {
  return (_req, res, next) => {
    res.locals[LOCALS_KEY] = config;
    next();
  };
}

interface State {
  requestId: string;
  occurredAt: string;
  route?: string;
  params?: Record<string, unknown>;
  responseBody?: unknown;
  sending: boolean;
  published: boolean;
}

/** Route template and params are only known inside the route: remember them while they are. */
function rememberRoute(req: Request, state: State): void {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') {
    state.route = `${req.baseUrl ?? ''}${path}`;
    state.params = { ...req.params };
  }
}

/**
 * The Express middleware. Mount it before the routes (and after the body parser).
 *
 * @example
 * app.use(express.json());
 * app.use(auditlogExpress({ client, actor: (req) => req.user ?? null,
 *   routes: { 'DELETE /v1/url-endpoints/:id': { category: 'url_endpoints' } } }));
 */
export function auditlogExpress(options: AuditlogExpressOptions): RequestHandler {
  const trusted = proxyTrust(options.trustProxy);
  const methods = options.methods ?? DEFAULT_METHODS;
  const maxBytes = options.maxBodyBytes;

  function observe(req: Request, res: Response, state: State): Observed {
    return {
      method: req.method,
      route: state.route,
      path: req.originalUrl.split('?')[0]!,
      requestBody: capturePayload(req.body, req.headers['content-type'], maxBytes),
      responseBody: state.responseBody,
      statusCode: res.statusCode,
      ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted),
      userAgent: req.headers['user-agent'],
      requestId: state.requestId,
      params: state.params,
      occurredAt: state.occurredAt,
    };
  }

  function routeConfig(req: Request, res: Response, state: State): ExpressAuditRouteConfig | undefined {
    const declared = res.locals[LOCALS_KEY] as ExpressAuditRouteConfig | undefined;
    return declared ?? (state.route ? options.routes?.[`${req.method} ${state.route}`] : undefined);
  }

  function record(req: Request, res: Response, state: State): Promise<void> {
    state.published = true;
    return publishObserved(req, observe(req, res, state), routeConfig(req, res, state), options);
  }

  return (req: Request, res: Response, next: NextFunction) => {
    if (!isAuditedMethod(req.method, methods)) return next();
    const state: State = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      occurredAt: new Date().toISOString(),
      sending: false,
      published: false,
    };
    res.setHeader('X-Request-Id', state.requestId);
    const originalSend = res.send;
    res.send = function send(this: Response, body?: unknown) {
      // res.send(object) re-enters through res.json → res.send(string): only the outer call captures.
      if (state.sending || state.published) return originalSend.call(this, body);
      rememberRoute(req, state);
      const type = res.getHeader('content-type');
      state.responseBody =
        typeof body === 'string' || Buffer.isBuffer(body)
          ? capturePayload(body, typeof type === 'string' ? type : undefined, maxBytes)
          : captureJson(body, maxBytes);
      if (!options.client.durable) {
        state.sending = true;
        return originalSend.call(this, body);
      }
      // Durable: the response leaves only once the event is in the outbox file.
      record(req, res, state).finally(() => {
        try {
          state.sending = true;
          originalSend.call(res, body);
        } catch (error) {
          next(error);
        }
      });
      return res;
    } as Response['send'];
    res.on('finish', () => {
      if (state.published) return;
      if (!state.route) rememberRoute(req, state);
      void record(req, res, state);
    });
    next();
  };
}
