/**
 * @module The /v1/members API area: the host product syncs its members here with an admin key.
 * Every change is recorded in the account's own log by src/access/members.ts.
 */
import { checkMember, removeMember, upsertMember } from '../../../access/members.ts';
import { presentMember } from '../../../access/presenters.ts';
import { AuditlogError } from '../../../errors.ts';
import { changeOriginOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { deleteMemberSchema, getMemberSchema, listMembersSchema, putMemberSchema } from './schema.ts';

const notFound = (id: string) =>
  new AuditlogError('MEMBER_NOT_FOUND', `No member with id "${id}" in this account`);

/** Registers PUT, DELETE and GET /v1/members[/:id]. */
export function registerMemberRoutes(app: App, ctx: RouteContext): void {
  const deps = { members: ctx.store.members, recorder: ctx.recorder };
  const admin = { ...documentedOnly, onRequest: ctx.guards.admin };

  app.put('/v1/members/:id', { schema: putMemberSchema, ...admin }, async (request, reply) => {
    const input = checkMember(request.account!.id, request.params.id, request.body);
    const { member, created } = await upsertMember(deps, input, (isNew) =>
      changeOriginOf(request, isNew ? 201 : 200),
    );
    return reply.code(created ? 201 : 200).send({ data: presentMember(member) });
  });

  app.delete('/v1/members/:id', { schema: deleteMemberSchema, ...admin }, async (request, reply) => {
    await removeMember(deps, request.account!.id, request.params.id, changeOriginOf(request, 204));
    return reply.code(204).send(null);
  });

  app.get('/v1/members', { schema: listMembersSchema, ...admin }, async (request) => ({
    data: (await ctx.store.members.list(request.account!.id)).map(presentMember),
  }));

  app.get('/v1/members/:id', { schema: getMemberSchema, ...admin }, async (request) => {
    const member = await ctx.store.members.get(request.account!.id, request.params.id);
    if (!member) throw notFound(request.params.id);
    return { data: presentMember(member) };
  });
}
