/**
 * @module User management: invite people, change their role, remove them. The account always keeps
 * an owner, and nobody removes themselves (that would lock the account or the actor out).
 */
import { Type } from '@sinclair/typebox';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import type { User } from '../data/users.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, field, IdParams, Name, type RouteDeps } from './common.ts';

/** Roles that can be given; ownership is not handed out through an invite or a role change. */
const AssignableRole = Type.Union(['admin', 'developer', 'member', 'auditor'].map((r) => Type.Literal(r)));

const Invite = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    name: Name,
    role: AssignableRole,
  },
  { additionalProperties: false },
);

const ChangeRole = Type.Object({ role: AssignableRole }, { additionalProperties: false });

function targetOf(user: User): AuditTarget {
  return { type: 'user', id: user.id, name: user.email };
}

/** Registers /v1/users. */
export function userManagementRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const guard = authorize('user_management.manage');
  const config = audited({
    category: 'user_management',
    target: (request) => ({
      type: 'user',
      id: field(request, 'params', 'id') ?? 'new',
      name: field(request, 'body', 'email'),
    }),
  });

  app.get('/v1/users', async () => ({ users: repos.users.list() }));

  app.post(
    '/v1/users',
    { schema: { body: Invite }, preValidation: guard, config },
    async (request, reply) => {
      const { email, name, role } = request.body;
      if (repos.users.findByEmail(email))
        throw conflict('body/email', 'already belongs to a user of the account');
      const now = nowIso();
      const user = repos.users.insert({
        id: newId('usr'),
        email,
        name,
        role: role as User['role'],
        status: 'invited',
        createdAt: now,
        updatedAt: now,
      });
      setAuditTarget(request, targetOf(user));
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/v1/users/:id',
    { schema: { params: IdParams, body: ChangeRole }, preValidation: guard, config },
    async (request) => {
      const user = repos.users.get(request.params.id);
      if (!user) throw notFound('user', request.params.id);
      setAuditTarget(request, targetOf(user));
      if (user.role === 'owner' && repos.users.countOwners() === 1) {
        throw conflict('body/role', 'the account must keep at least one owner');
      }
      return repos.users.updateRole(user.id, request.body.role as User['role'], nowIso());
    },
  );

  app.delete(
    '/v1/users/:id',
    { schema: { params: IdParams }, preValidation: guard, config },
    async (request) => {
      const user = repos.users.get(request.params.id);
      if (!user) throw notFound('user', request.params.id);
      setAuditTarget(request, targetOf(user));
      if (user.id === currentUser(request).id) throw conflict('id', 'you cannot remove yourself');
      if (user.role === 'owner' && repos.users.countOwners() === 1) {
        throw conflict('id', 'the account must keep at least one owner');
      }
      repos.users.remove(user.id);
      return user;
    },
  );
}
