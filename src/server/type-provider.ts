/**
 * @module A Fastify type provider for @sinclair/typebox, the schema library our event schema is
 * written in. (@fastify/type-provider-typebox 6 targets the newer `typebox` package, whose types do
 * not accept our schemas.) Route handlers get request and reply types from the route schemas.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/** Maps a TypeBox schema to its static type for Fastify's inference. */
export interface TypeBoxProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}

/** The Fastify instance our routes are registered on. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxProvider
>;

/**
 * Route option that turns Fastify's own validation off for a route: our parsers validate instead,
 * so a 4xx lists every violation with our codes. The route schema still documents the contract.
 */
export const documentedOnly = { validatorCompiler: () => () => true } as const;
