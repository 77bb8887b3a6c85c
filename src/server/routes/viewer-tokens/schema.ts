/** @module Route schema of POST /v1/viewer-tokens; shapes from src/access/schema.ts. */
import { Type } from '@sinclair/typebox';
import { ViewerTokenRequestSchema, ViewerTokenSchema } from '../../../access/schema.ts';
import { problemResponses } from '../problems.ts';

export const postViewerTokenSchema = {
  tags: ['viewer-tokens'],
  summary: 'Mint a short-lived, read-only token for one member',
  description:
    'Needs a key with the `admin` scope: the host backend mints a token for the member who is logged ' +
    'in and hands it to the page, which sends it as `Authorization: Bearer`. The token is bound to the ' +
    'account, the member and their role now; it expires after `ttlSeconds` (default 900), and is ' +
    're-checked against the member at every request (removed or demoted: refused). It never grants ' +
    'ingest. Any member may get one: whether they may read is answered per request (403 ' +
    'ROLE_NOT_ALLOWED), so the page can say why.',
  body: ViewerTokenRequestSchema,
  response: { 201: Type.Object({ data: ViewerTokenSchema }), ...problemResponses(401, 403, 404, 422, 429) },
};
