/**
 * @module GET /v1/events/:id — one whole event, or the same 404 whether unknown, not the caller's,
 * or in a stream the caller may not see. A viewer's read is recorded in the access stream.
 */
import { isRecordedRead, viewRead } from '../../../access/access-log.ts';
import { presentEvent } from '../../../access/presenters.ts';
import { AuditlogError } from '../../../errors.ts';
import { LIMITS } from '../../../events/schema.ts';
import { callerOf, readContextOf, readerOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { getEventSchema } from './schema.ts';

// One error for unknown, malformed, foreign and hidden ids, so a response never tells them apart.
const notFound = () => new AuditlogError('NOT_FOUND', 'No event with this id');

/** Registers GET /v1/events/:id. */
export function registerGetEvent(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/events/:id',
    { schema: getEventSchema, ...documentedOnly, onRequest: ctx.guards.read('view') },
    async (request) => {
      const { id } = request.params;
      if (id.length === 0 || id.length > LIMITS.id) throw notFound();
      const principal = request.principal!;
      const stored = await ctx.store.events.get(request.account!.id, id);
      const event = stored && presentEvent(callerOf(principal), stored);
      if (!event) throw notFound();
      const reader = readerOf(principal);
      if (reader && isRecordedRead(event.stream)) {
        await ctx.recorder.record(event.accountId, [viewRead(reader, event, readContextOf(request))]);
      }
      return { data: event };
    },
  );
}
