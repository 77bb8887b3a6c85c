/** @module GET /v1/events/:id — one whole event, or the same 404 whether unknown or not the caller's. */
import { AuditlogError } from '../../../errors.ts';
import { LIMITS } from '../../../events/schema.ts';
import { requireScope } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { getEventSchema } from './schema.ts';

// One error for unknown, malformed and foreign ids, so a response never tells them apart.
const notFound = () => new AuditlogError('NOT_FOUND', 'No event with this id');

/** Registers GET /v1/events/:id. */
export function registerGetEvent(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/events/:id',
    { schema: getEventSchema, ...documentedOnly, onRequest: requireScope(ctx.store.accounts, 'read') },
    async (request) => {
      const { id } = request.params;
      if (id.length === 0 || id.length > LIMITS.id) throw notFound();
      const event = await ctx.store.events.get(request.account!.id, id);
      if (!event) throw notFound();
      return { data: event };
    },
  );
}
