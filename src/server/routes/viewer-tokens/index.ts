/** @module The /v1/viewer-tokens API area: tokens for the people who read the log in a browser. */
import { checkViewerTokenRequest, issueViewerToken } from '../../../access/viewers.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { postViewerTokenSchema } from './schema.ts';

/** Registers POST /v1/viewer-tokens. */
export function registerViewerTokenRoutes(app: App, ctx: RouteContext): void {
  app.post(
    '/v1/viewer-tokens',
    { schema: postViewerTokenSchema, ...documentedOnly, onRequest: ctx.guards.admin },
    async (request, reply) => {
      const body = checkViewerTokenRequest(request.body);
      const data = await issueViewerToken(ctx.viewers, request.account!.id, body);
      // A credential: no cache (browser, proxy) may keep a copy.
      return reply.code(201).header('Cache-Control', 'no-store').send({ data });
    },
  );
}
