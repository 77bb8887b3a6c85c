/**
 * @module Route schemas of /v1/members: the OpenAPI description and response serializers. The
 * member shapes come from src/access/schema.ts, the single source.
 */
import { Type } from '@sinclair/typebox';
import { MemberBodySchema, MemberParamsSchema, MemberSchema } from '../../../access/schema.ts';
import { problemResponses } from '../problems.ts';

const one = Type.Object({ data: MemberSchema });

export const putMemberSchema = {
  tags: ['members'],
  summary: 'Create or replace a member (sync from the host product)',
  description:
    'Needs a key with the `admin` scope. 201 when the member is new, 200 when replaced. A change is ' +
    'recorded as a `user_management` event of the account (create or update, with the role before and ' +
    'after); a sync that changes nothing records nothing. A demoted member loses read access at their ' +
    'next request, whatever tokens they hold.',
  params: MemberParamsSchema,
  body: MemberBodySchema,
  response: { 200: one, 201: one, ...problemResponses(401, 403, 422, 429) },
};

export const deleteMemberSchema = {
  tags: ['members'],
  summary: 'Remove a member',
  description:
    'Needs a key with the `admin` scope. Their viewer tokens stop working at the next request. ' +
    'Recorded as a `user_management` delete event.',
  params: MemberParamsSchema,
  response: { 204: Type.Null({ description: 'Removed' }), ...problemResponses(401, 403, 404, 429) },
};

export const listMembersSchema = {
  tags: ['members'],
  summary: "The account's members, sorted by id",
  response: { 200: Type.Object({ data: Type.Array(MemberSchema) }), ...problemResponses(401, 403, 429) },
};

export const getMemberSchema = {
  tags: ['members'],
  summary: 'One member',
  params: MemberParamsSchema,
  response: { 200: one, ...problemResponses(401, 403, 404, 429) },
};
