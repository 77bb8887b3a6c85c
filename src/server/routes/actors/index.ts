/** @module The /v1/actors API area. */
import { requireScope } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { listActorsSchema, parseActorsQuery } from './schema.ts';

/** Registers GET /v1/actors. */
export function registerActorRoutes(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/actors',
    { schema: listActorsSchema, ...documentedOnly, onRequest: requireScope(ctx.store.accounts, 'read') },
    async (request) => {
      const stream = parseActorsQuery(request.query as Record<string, string | string[] | undefined>);
      return { data: await ctx.store.events.actors(request.account!.id, stream) };
    },
  );
}
