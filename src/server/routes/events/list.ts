/**
 * @module GET /v1/events: the newest-first, filtered, keyset-paginated list. Cursors are bound to
 * the caller's account; a viewer's read is recorded in the access stream before the page is sent.
 */
import { isRecordedRead, listRead } from '../../../access/access-log.ts';
import { presentSummaries } from '../../../access/presenters.ts';
import { encodeCursor } from '../../../query/cursor.ts';
import { parseEventQuery, type RawQuery } from '../../../query/parse.ts';
import { assertCanRead, callerOf, readContextOf, readerOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { listEventsSchema } from './schema.ts';

/** Registers GET /v1/events. */
export function registerListEvents(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/events',
    { schema: listEventsSchema, ...documentedOnly, onRequest: ctx.guards.read('list') },
    async (request) => {
      const principal = request.principal!;
      const accountId = request.account!.id;
      const query = parseEventQuery(request.query as RawQuery, { cursorScope: accountId });
      assertCanRead(principal, query.stream);
      const page = await ctx.store.events.list(accountId, query);
      const rows = presentSummaries(callerOf(principal), page.events);
      const reader = readerOf(principal);
      // Recorded (durably) before the page leaves: no viewer read goes unrecorded.
      if (reader && isRecordedRead(query.stream)) {
        await ctx.recorder.record(accountId, [listRead(reader, query, rows.length, readContextOf(request))]);
      }
      const { limit: _limit, after: _after, ...filters } = query;
      return { data: rows, next_cursor: page.next ? encodeCursor(page.next, filters, accountId) : null };
    },
  );
}
