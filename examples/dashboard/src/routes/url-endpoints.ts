/**
 * @module URL endpoints: a URL prefix, the origins behind it, and its delivery settings. The demo's
 * headline question ("who changed the URL endpoint settings yesterday, from which IP, and what did
 * they send?") is answered by the events these routes produce.
 */
import { Type } from '@sinclair/typebox';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import type { EndpointSettings, UrlEndpoint } from '../data/endpoints.ts';
import type { Repositories } from '../data/index.ts';
import { DEFAULT_ENDPOINT_ID } from '../db/seed.ts';
import { authorize } from '../http/auth.ts';
import { conflict, invalid, notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, field, Id, IdParams, Name, type RouteDeps } from './common.ts';

/** The path segment after the account's CDN host, e.g. `products`. */
const UrlPrefix = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

const Settings = Type.Object(
  {
    /** Serve optimized formats and quality (the Performance center's defaults). */
    imageOptimization: Type.Optional(Type.Boolean()),
    /** Refuse URLs without a valid signature. */
    signedUrls: Type.Optional(Type.Boolean()),
    /** Overrides the account's CDN cache TTL for this endpoint, in seconds. */
    cacheTtlSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
  },
  { additionalProperties: false },
);

const CreateEndpoint = Type.Object(
  {
    name: Name,
    urlPrefix: UrlPrefix,
    /** Origins tried in order; each must exist. */
    originIds: Type.Array(Id, { maxItems: 10, uniqueItems: true }),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false },
);

const UpdateEndpoint = Type.Object(
  {
    name: Type.Optional(Name),
    urlPrefix: Type.Optional(UrlPrefix),
    originIds: Type.Optional(Type.Array(Id, { maxItems: 10, uniqueItems: true })),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false, minProperties: 1 },
);

function targetOf(endpoint: UrlEndpoint): AuditTarget {
  return { type: 'url_endpoint', id: endpoint.id, name: endpoint.name };
}

const config = audited({
  category: 'url_endpoints',
  target: (request) => ({
    type: 'url_endpoint',
    id: field(request, 'params', 'id') ?? 'new',
    name: field(request, 'body', 'name'),
  }),
});

function checkOrigins(repos: Repositories, originIds: string[] | undefined): void {
  originIds?.forEach((id, index) => {
    if (!repos.origins.get(id)) throw invalid(`body/originIds/${index}`, `origin ${id} does not exist`);
  });
}

function checkPrefix(repos: Repositories, prefix: string | undefined, selfId?: string): void {
  if (prefix === undefined) return;
  const holder = repos.endpoints.findByPrefix(prefix);
  if (holder && holder.id !== selfId) throw conflict('body/urlPrefix', 'is already used by another endpoint');
}

/** Registers /v1/url-endpoints. */
export function urlEndpointRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const guard = authorize('url_endpoints.manage');

  app.get('/v1/url-endpoints', async () => ({ endpoints: repos.endpoints.list() }));

  app.get('/v1/url-endpoints/:id', { schema: { params: IdParams } }, async (request) => {
    return (
      repos.endpoints.get(request.params.id) ?? Promise.reject(notFound('URL endpoint', request.params.id))
    );
  });

  app.post(
    '/v1/url-endpoints',
    { schema: { body: CreateEndpoint }, preValidation: guard, config },
    async (request, reply) => {
      const body = request.body;
      checkPrefix(repos, body.urlPrefix);
      checkOrigins(repos, body.originIds);
      const now = nowIso();
      const settings: EndpointSettings = { imageOptimization: true, signedUrls: false, ...body.settings };
      const endpoint = repos.endpoints.save({
        id: newId('ep'),
        name: body.name,
        urlPrefix: body.urlPrefix,
        originIds: body.originIds,
        settings,
        createdAt: now,
        updatedAt: now,
      });
      setAuditTarget(request, targetOf(endpoint));
      return reply.status(201).send(endpoint);
    },
  );

  app.patch(
    '/v1/url-endpoints/:id',
    { schema: { params: IdParams, body: UpdateEndpoint }, preValidation: guard, config },
    async (request) => {
      const current = repos.endpoints.get(request.params.id);
      if (!current) throw notFound('URL endpoint', request.params.id);
      setAuditTarget(request, targetOf(current));
      const { settings, ...rest } = request.body;
      checkPrefix(repos, rest.urlPrefix, current.id);
      checkOrigins(repos, rest.originIds);
      const endpoint = repos.endpoints.save({
        ...current,
        ...rest,
        settings: { ...current.settings, ...settings },
        updatedAt: nowIso(),
      });
      setAuditTarget(request, targetOf(endpoint));
      return endpoint;
    },
  );

  app.delete(
    '/v1/url-endpoints/:id',
    { schema: { params: IdParams }, preValidation: guard, config },
    async (request) => {
      const endpoint = repos.endpoints.get(request.params.id);
      if (!endpoint) throw notFound('URL endpoint', request.params.id);
      setAuditTarget(request, targetOf(endpoint));
      if (endpoint.id === DEFAULT_ENDPOINT_ID) throw conflict('id', 'the default endpoint cannot be deleted');
      repos.endpoints.remove(endpoint.id);
      return endpoint;
    },
  );
}
