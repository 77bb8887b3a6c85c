/** @module Purge cache: ask the CDN to drop cached copies of URLs; the answer is a purge request id. */
import { Type } from '@sinclair/typebox';
import { audited, setAuditTarget } from '../audit.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import type { DashboardApp, RouteDeps } from './common.ts';

const PurgeBody = Type.Object(
  {
    /** Absolute http(s) URLs on the account's CDN host; a trailing `*` purges a prefix. */
    urls: Type.Array(Type.String({ pattern: '^https?://[^\\s/]+/\\S*$', maxLength: 2048 }), {
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);

const PurgeParams = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 64 }) });

/** Registers /v1/purge-cache. */
export function purgeCacheRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  app.post(
    '/v1/purge-cache',
    {
      schema: { body: PurgeBody },
      preValidation: authorize('purge_cache.create'),
      config: audited({ category: 'purge_cache', target: () => ({ type: 'purge_request', id: 'new' }) }),
    },
    async (request, reply) => {
      const purge = repos.purges.insert({
        id: newId('purge'),
        urls: request.body.urls,
        requestedBy: currentUser(request).id,
        createdAt: nowIso(),
      });
      setAuditTarget(request, { type: 'purge_request', id: purge.id, name: purge.urls[0] });
      return reply.status(201).send({ requestId: purge.id, status: 'queued', urls: purge.urls });
    },
  );

  app.get('/v1/purge-cache/:requestId', { schema: { params: PurgeParams } }, async (request) => {
    const purge = repos.purges.get(request.params.requestId);
    if (!purge) throw notFound('purge request', request.params.requestId);
    // The demo has no CDN behind it: a purge is done as soon as anyone asks.
    return { requestId: purge.id, status: 'completed', urls: purge.urls, createdAt: purge.createdAt };
  });
}
