/** @module GET /v1/events: the newest-first, filtered, keyset-paginated list. */
import { encodeCursor } from '../../../query/cursor.ts';
import { parseEventQuery, type RawQuery } from '../../../query/parse.ts';
import { requireScope } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { listEventsSchema } from './schema.ts';

/** Registers GET /v1/events. */
export function registerListEvents(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/events',
    { schema: listEventsSchema, ...documentedOnly, onRequest: requireScope(ctx.store.accounts, 'read') },
    async (request) => {
      const query = parseEventQuery(request.query as RawQuery);
      const page = await ctx.store.events.list(request.account!.id, query);
      const { limit: _limit, after: _after, ...filters } = query;
      return { data: page.events, next_cursor: page.next ? encodeCursor(page.next, filters) : null };
    },
  );
}
