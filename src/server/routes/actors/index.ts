/** @module The /v1/actors API area. */
import { assertCanRead } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { listActorsSchema, parseActorsQuery } from './schema.ts';

/** Registers GET /v1/actors. */
export function registerActorRoutes(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/actors',
    { schema: listActorsSchema, ...documentedOnly, onRequest: ctx.guards.read() },
    async (request) => {
      const stream = parseActorsQuery(request.query as Record<string, string | string[] | undefined>);
      assertCanRead(request.principal!, stream);
      return { data: await ctx.store.events.actors(request.account!.id, stream) };
    },
  );
}
