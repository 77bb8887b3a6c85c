/** @module The /v1/catalog API area. */
import { presentStreams } from '../../../access/presenters.ts';
import type { Stream } from '../../../events/catalog.ts';
import { callerOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import type { App } from '../../type-provider.ts';
import { catalogSchema, presentCatalog } from './schema.ts';

/** Registers GET /v1/catalog. */
export function registerCatalogRoutes(app: App, ctx: RouteContext): void {
  // Presented once: the catalog is fixed for the life of the process.
  const body = presentCatalog(ctx.catalog);
  const byStream: Partial<Record<Stream, (typeof body.data)[string]>> = body.data;
  app.get('/v1/catalog', { schema: catalogSchema, onRequest: ctx.guards.read() }, async (request) => ({
    // Each caller sees only the streams it may read: an auditor gets no "Log access" stream.
    data: presentStreams(callerOf(request.principal!), byStream),
  }));
}
