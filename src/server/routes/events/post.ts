/** @module POST /v1/events: record one event or a batch, durably, all or nothing. */
import { AuditlogError } from '../../../errors.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { postEventsSchema } from './schema.ts';

/** Room for 1000 events with every payload at its cap, bounded so one request cannot exhaust memory. */
export function ingestBodyLimit(maxPayloadBytes: number): number {
  const perEvent = 4 * maxPayloadBytes + 16 * 1024;
  return Math.min(1000 * perEvent, 16 * 1024 * 1024);
}

function headerKey(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    throw new AuditlogError('EVENT_INVALID', 'Send one Idempotency-Key header', {
      violations: [{ field: 'header/idempotency-key', rule: 'must be given at most once' }],
    });
  }
  return value;
}

/** Registers POST /v1/events. */
export function registerPostEvents(app: App, ctx: RouteContext): void {
  app.post(
    '/v1/events',
    {
      schema: postEventsSchema,
      ...documentedOnly,
      bodyLimit: ingestBodyLimit(ctx.config.maxPayloadBytes),
      onRequest: ctx.guards.ingest,
    },
    async (request, reply) => {
      const account = request.account!;
      const appended = await ctx.ingestor.ingest(account.id, request.body, {
        idempotencyKey: headerKey(request.headers['idempotency-key']),
        account,
      });
      if (appended.every((event) => event.duplicate)) reply.header('Idempotent-Replayed', 'true');
      return reply.code(201).send({ data: appended.map(({ id, seq }) => ({ id, seq })) });
    },
  );
}
