/** @module The /v1/catalog API area. */
import { requireScope } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import type { App } from '../../type-provider.ts';
import { catalogSchema, presentCatalog } from './schema.ts';

/** Registers GET /v1/catalog. */
export function registerCatalogRoutes(app: App, ctx: RouteContext): void {
  // Presented once: the catalog is fixed for the life of the process.
  const body = presentCatalog(ctx.catalog);
  app.get(
    '/v1/catalog',
    { schema: catalogSchema, onRequest: requireScope(ctx.store.accounts, 'read') },
    async () => body,
  );
}
