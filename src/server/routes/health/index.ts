/** @module GET /healthz: liveness that proves the store answers. Needs no credential. */
import { Type } from '@sinclair/typebox';
import { AuditlogError } from '../../../errors.ts';
import type { RouteContext } from '../../context.ts';
import type { App } from '../../type-provider.ts';
import { problemResponses } from '../problems.ts';

const healthSchema = {
  tags: ['health'],
  summary: 'The service is up and its store answers',
  response: {
    200: Type.Object({
      status: Type.Literal('ok'),
      engine: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    }),
    ...problemResponses(503),
  },
};

/** Registers GET /healthz. */
export function registerHealthRoutes(app: App, ctx: RouteContext): void {
  app.get('/healthz', { schema: healthSchema }, async () => {
    try {
      // A read that touches the database, so a dead connection or a missing file shows here.
      await ctx.store.accounts.get('healthz');
    } catch (error) {
      throw new AuditlogError('STORE_UNAVAILABLE', 'The event store does not answer', { cause: error });
    }
    return { status: 'ok' as const, engine: ctx.store.engine };
  });
}
