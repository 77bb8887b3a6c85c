/**
 * @module GET /v1/events/export: the account's whole events as NDJSON, one AuditEvent per line in
 * seq order (the order its hash chain verifies in). Pages are read only as fast as the client takes
 * them (a Readable over an async generator, piped with backpressure), so memory stays flat however
 * large the account. A viewer's export is recorded in the access stream before the first byte.
 */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { exportRead, isRecordedRead, refusedRead } from '../../../access/access-log.ts';
import { canExport, canRead, readableStreams } from '../../../access/policies.ts';
import { AuditlogError } from '../../../errors.ts';
import type { Stream } from '../../../events/catalog.ts';
import { parseExportQuery, type RawExportQuery } from '../../../query/export-query.ts';
import { EXPORT_PAGE_SIZE, exportChunks } from '../../../query/export-stream.ts';
import type { ExportQuery } from '../../../store/types.ts';
import { assertCanRead, callerOf, type Principal, readContextOf, readerOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { exportEventsSchema } from './schema.ts';

/** The header carrying the account's head seq when the export started (its last possible line). */
export const HEAD_SEQ_HEADER = 'auditlog-head-seq';

/** A viewer whose role may read but not export is refused, and the attempt recorded. */
async function assertCanExport(ctx: RouteContext, principal: Principal, request: FastifyRequest) {
  if (principal.kind !== 'viewer') return;
  if (canExport(principal.member.role) && canExport(principal.mintedRole)) return;
  const error = new AuditlogError(
    'ROLE_NOT_ALLOWED',
    `Your role (${principal.member.role}) does not allow exporting audit logs`,
  );
  const context = { ...readContextOf(request), httpStatus: error.status, code: error.code };
  await ctx.recorder.record(principal.accountId, [
    refusedRead(readerOf(principal)!, 'export', request.query, context),
  ]);
  throw error;
}

/** A file name for the download: the account id reduced to safe characters, and the head seq. */
function fileName(accountId: string, headSeq: number): string {
  return `auditlog-${accountId.replace(/[^A-Za-z0-9_.-]/g, '_')}-to-seq-${headSeq}.ndjson`;
}

/** Registers GET /v1/events/export. */
export function registerExportEvents(app: App, ctx: RouteContext): void {
  app.get(
    '/v1/events/export',
    {
      schema: exportEventsSchema,
      ...documentedOnly,
      onRequest: ctx.guards.read('export'),
      // A HEAD would drain the whole export server-side only to discard it.
      exposeHeadRoute: false,
    },
    async (request, reply) => {
      const principal = request.principal!;
      const accountId = request.account!.id;
      const params = parseExportQuery(request.query as RawExportQuery);
      await assertCanExport(ctx, principal, request);
      const caller = callerOf(principal);
      for (const stream of params.streams ?? []) assertCanRead(principal, stream);
      const streams = params.streams ?? readableStreams(caller);

      // The head first: the export is the fixed range up to it, and the access record says so.
      const head = await ctx.store.events.head(accountId);
      const query: ExportQuery = {
        afterSeq: params.afterSeq,
        throughSeq: head.seq,
        limit: EXPORT_PAGE_SIZE,
        streams,
        ...(params.from !== undefined && { from: params.from }),
        ...(params.to !== undefined && { to: params.to }),
      };
      const reader = readerOf(principal);
      if (reader && streams.some(isRecordedRead)) {
        const scope = { ...params, streams, throughSeq: head.seq };
        await ctx.recorder.record(accountId, [exportRead(reader, scope, readContextOf(request))]);
      }
      // Read before answering, so a store that fails at once gets a problem response, not a cut one.
      const first = await ctx.store.events.exportPage(accountId, query);
      // The store returns only the streams asked for, each checked above (assertCanRead,
      // readableStreams); the presenters' rule is the second, independent line, per event.
      const readable = (stream: Stream) => canRead(caller, stream);
      const chunks = exportChunks(ctx.store.events, accountId, query, { first, readable });
      // Strings go to the socket as they are (it encodes them once); at most two chunks wait here.
      const body = Readable.from(chunks, { objectMode: true, highWaterMark: 2 });
      // Once the status line is out, a failing page can only be told by cutting the response:
      // Fastify destroys the socket when the body errors, so the chunked body never ends cleanly.
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header(HEAD_SEQ_HEADER, String(head.seq))
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${fileName(accountId, head.seq)}"`)
        .send(body);
    },
  );
}
