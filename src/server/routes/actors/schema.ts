/** @module GET /v1/actors: its schema and querystring parser. */
import { Type } from '@sinclair/typebox';
import { AuditlogError, type Violation } from '../../../errors.ts';
import { STREAMS, type Stream } from '../../../events/catalog.ts';
import { ActorSchema } from '../../../events/schema.ts';
import { problemResponses } from '../problems.ts';

export const listActorsSchema = {
  tags: ['actors'],
  summary: "The account's distinct actors in a stream, for the actor filter",
  querystring: Type.Object({
    stream: Type.Optional(
      Type.String({ description: 'central (the default when omitted), media or access' }),
    ),
  }),
  response: { 200: Type.Object({ data: Type.Array(ActorSchema) }), ...problemResponses(400, 401, 403) },
};

/** Parses `?stream=`; unknown parameters and bad values are QUERY_INVALID. */
export function parseActorsQuery(raw: Record<string, string | string[] | undefined>): Stream {
  const violations: Violation[] = [];
  for (const name of Object.keys(raw)) {
    if (name !== 'stream')
      violations.push({ field: `query/${name}`, rule: 'is not a known parameter (known: stream)' });
  }
  const value = raw.stream;
  const stream = value === undefined || value === '' ? 'central' : value;
  if (typeof stream !== 'string' || !STREAMS.includes(stream as Stream)) {
    violations.push({ field: 'query/stream', rule: `must be one of: ${STREAMS.join(', ')}` });
  }
  if (violations.length > 0)
    throw new AuditlogError('QUERY_INVALID', 'Invalid query parameter(s)', { violations });
  return stream as Stream;
}
