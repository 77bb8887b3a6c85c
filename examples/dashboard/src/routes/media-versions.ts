/**
 * @module Media Library versions: add a new version of a file, restore an older one as current,
 * delete one that is not current. Version numbers are never reused.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { MediaFile } from '../data/files.ts';
import type { Repositories } from '../data/index.ts';
import type { FileVersion } from '../data/versions.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, Id, IdParams, type RouteDeps } from './common.ts';
import { ContentBase64, fileAudit, loadFile, readContent, Size } from './media-common.ts';

const NewVersion = Type.Object(
  { contentBase64: Type.Optional(ContentBase64), size: Type.Optional(Size) },
  { additionalProperties: false },
);

const VersionParams = Type.Object({ id: Id, versionId: Id });

function loadVersion(
  repos: Repositories,
  request: FastifyRequest<{ Params: { id: string; versionId: string } }>,
): { file: MediaFile; version: FileVersion } {
  const file = loadFile(repos, request);
  const version = repos.versions.get(file.id, request.params.versionId);
  if (!version) throw notFound('version', request.params.versionId);
  return { file, version };
}

/** Registers /v1/media/files/:id/versions. */
export function mediaVersionRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const manage = authorize('media.manage');

  app.get('/v1/media/files/:id/versions', { schema: { params: IdParams } }, async (request) => {
    const file = loadFile(repos, request);
    return { currentVersion: file.currentVersion, versions: repos.versions.list(file.id) };
  });

  app.post(
    '/v1/media/files/:id/versions',
    {
      schema: { params: IdParams, body: NewVersion },
      preValidation: manage,
      config: fileAudit(repos, 'version_create'),
    },
    async (request, reply) => {
      const file = loadFile(repos, request);
      const { content, size } = readContent(request.body);
      const now = nowIso();
      const version = repos.transaction(() => {
        const created = repos.versions.insert(
          {
            id: newId('ver'),
            fileId: file.id,
            number: repos.versions.nextNumber(file.id),
            size,
            createdBy: currentUser(request).id,
            createdAt: now,
          },
          content,
        );
        repos.files.save({ ...file, size, currentVersion: created.number, updatedAt: now });
        return created;
      });
      return reply.status(201).send({ ...version, path: file.path, current: true });
    },
  );

  app.post(
    '/v1/media/files/:id/versions/:versionId/restore',
    { schema: { params: VersionParams }, preValidation: manage, config: fileAudit(repos, 'version_restore') },
    async (request) => {
      const { file, version } = loadVersion(repos, request);
      if (version.number === file.currentVersion)
        throw conflict('versionId', 'is already the current version');
      const restored = repos.files.save({
        ...file,
        size: version.size,
        currentVersion: version.number,
        updatedAt: nowIso(),
      });
      return { ...restored, restoredFrom: file.currentVersion };
    },
  );

  app.delete(
    '/v1/media/files/:id/versions/:versionId',
    { schema: { params: VersionParams }, preValidation: manage, config: fileAudit(repos, 'version_delete') },
    async (request) => {
      const { file, version } = loadVersion(repos, request);
      if (version.number === file.currentVersion) {
        throw conflict('versionId', 'the current version cannot be deleted; restore another one first');
      }
      repos.versions.remove(version.id, nowIso());
      return { ...version, path: file.path };
    },
  );
}
