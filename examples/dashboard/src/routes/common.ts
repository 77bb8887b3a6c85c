/** @module What every route module shares: the typed app, its dependencies, and common schemas. */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Repositories } from '../data/index.ts';

/**
 * Infers request types from @sinclair/typebox route schemas. (@fastify/type-provider-typebox 6
 * targets the newer `typebox` package, whose `TSchema` our schemas are not, so it would type every
 * body as `any`.)
 */
export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}

/** The dashboard's Fastify instance, with request types inferred from the TypeBox route schemas. */
export type DashboardApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What route modules are given: the repositories over the app's database. */
export interface RouteDeps {
  repos: Repositories;
}

/** A record id in the URL. */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** `/:id` */
export const IdParams = Type.Object({ id: Id });

/** A human-facing name: trimmed by the client, 1–100 characters. */
export const Name = Type.String({ minLength: 1, maxLength: 100 });

/**
 * A string field of the request's params or body, or undefined — for audit targets built when the
 * request failed before its handler (and its typed view of the request) ran.
 */
export function field(request: FastifyRequest, where: 'params' | 'body', name: string): string | undefined {
  const source = request[where];
  if (source === null || typeof source !== 'object') return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
