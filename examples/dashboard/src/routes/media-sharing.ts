/** @module Media Library sharing: share a file with users, and create or revoke its public link. */
import { Type } from '@sinclair/typebox';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict, invalid } from '../http/errors.ts';
import { newId, newSecret, nowIso } from '../ids.ts';
import { type DashboardApp, Id, IdParams, type RouteDeps } from './common.ts';
import { fileAudit, loadFile } from './media-common.ts';

const ShareBody = Type.Object(
  {
    /** Users of the account to share with. */
    userIds: Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true }),
    permission: Type.Union([Type.Literal('view'), Type.Literal('edit')]),
  },
  { additionalProperties: false },
);

/** The public URL a link token opens (the demo's CDN host). */
function publicUrl(token: string): string {
  return `https://cdn.example.com/s/${token}`;
}

/** Registers /v1/media/files/:id/shares and /v1/media/files/:id/public-link. */
export function mediaSharingRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const manage = authorize('media.manage');

  app.get('/v1/media/files/:id/shares', { schema: { params: IdParams } }, async (request) => {
    const file = loadFile(repos, request);
    return { shares: repos.sharing.shares(file.id), publicLink: repos.sharing.activeLink(file.id) };
  });

  app.post(
    '/v1/media/files/:id/shares',
    {
      schema: { params: IdParams, body: ShareBody },
      preValidation: manage,
      config: fileAudit(repos, 'share'),
    },
    async (request) => {
      const file = loadFile(repos, request);
      request.body.userIds.forEach((userId, index) => {
        if (!repos.users.get(userId)) throw invalid(`body/userIds/${index}`, `user ${userId} does not exist`);
      });
      repos.sharing.share(file.id, request.body.userIds, request.body.permission);
      return { fileId: file.id, path: file.path, shares: repos.sharing.shares(file.id) };
    },
  );

  app.post(
    '/v1/media/files/:id/public-link',
    { schema: { params: IdParams }, preValidation: manage, config: fileAudit(repos, 'public_link') },
    async (request, reply) => {
      const file = loadFile(repos, request);
      if (repos.sharing.activeLink(file.id)) throw conflict('id', 'the file already has a public link');
      const link = repos.sharing.createLink({
        id: newId('link'),
        fileId: file.id,
        token: newSecret(16),
        createdBy: currentUser(request).id,
        createdAt: nowIso(),
        revokedAt: null,
      });
      return reply.status(201).send({ ...link, url: publicUrl(link.token), path: file.path });
    },
  );

  app.delete(
    '/v1/media/files/:id/public-link',
    { schema: { params: IdParams }, preValidation: manage, config: fileAudit(repos, 'public_link') },
    async (request) => {
      const file = loadFile(repos, request);
      if (!repos.sharing.revokeLink(file.id, nowIso())) throw conflict('id', 'the file has no public link');
      return { fileId: file.id, path: file.path, revoked: true };
    },
  );
}
