/**
 * @module Media Library files: upload, rename, move, delete, tags and custom metadata. Every write
 * is a `media` stream event whose target carries the asset path.
 */
import { type Static, Type } from '@sinclair/typebox';
import { setAuditTarget } from '../audit.ts';
import type { MediaFile } from '../data/files.ts';
import type { Repositories } from '../data/index.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, IdParams, type RouteDeps } from './common.ts';
import {
  ContentBase64,
  FileName,
  Folder,
  fileAudit,
  fileTarget,
  loadFile,
  readContent,
  Size,
} from './media-common.ts';

const Upload = Type.Object(
  {
    fileName: FileName,
    /** Destination folder; created implicitly. Defaults to the root. */
    folder: Type.Optional(Folder),
    size: Type.Optional(Size),
    contentBase64: Type.Optional(ContentBase64),
    mimeType: Type.Optional(Type.String({ pattern: '^[a-z]+/[A-Za-z0-9.+-]+$' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 })),
  },
  { additionalProperties: false },
);

const Tags = Type.Object(
  { tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30, uniqueItems: true }) },
  { additionalProperties: false },
);

/** Custom metadata: flat string/number/boolean values, at most 50 keys. */
const Metadata = Type.Object(
  {
    metadata: Type.Record(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
      Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]),
      {
        maxProperties: 50,
      },
    ),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object({ folder: Type.Optional(Folder) }, { additionalProperties: false });

type UploadBody = Static<typeof Upload>;

/** Stores a new file and its version 1 together: a file never exists without its bytes' record. */
function storeUpload(repos: Repositories, body: UploadBody, userId: string): MediaFile {
  const folder = body.folder ?? '/';
  if (repos.files.findAt(folder, body.fileName))
    throw conflict('body/fileName', 'a file with this path exists');
  const { content, size } = readContent(body);
  const now = nowIso();
  return repos.transaction(() => {
    const saved = repos.files.save({
      id: newId('file'),
      folder,
      name: body.fileName,
      size,
      mimeType: body.mimeType ?? null,
      tags: body.tags ?? [],
      metadata: {},
      currentVersion: 1,
      uploadedBy: userId,
      createdAt: now,
      updatedAt: now,
    });
    const version = {
      id: newId('ver'),
      fileId: saved.id,
      number: 1,
      size,
      createdBy: userId,
      createdAt: now,
    };
    repos.versions.insert(version, content);
    return saved;
  });
}

/** Rename and move: the two changes of a file's path. The event names the file by its new path. */
function placementRoutes(app: DashboardApp, repos: Repositories): void {
  app.post(
    '/v1/media/files/:id/rename',
    {
      schema: { params: IdParams, body: Type.Object({ name: FileName }, { additionalProperties: false }) },
      preValidation: authorize('media.rename'),
      config: fileAudit(repos, 'rename'),
    },
    async (request) => {
      const file = loadFile(repos, request);
      if (repos.files.findAt(file.folder, request.body.name))
        throw conflict('body/name', 'a file with this path exists');
      const renamed = repos.files.save({ ...file, name: request.body.name, updatedAt: nowIso() });
      setAuditTarget(request, fileTarget(renamed));
      return { ...renamed, previousPath: file.path };
    },
  );

  app.post(
    '/v1/media/files/:id/move',
    {
      schema: { params: IdParams, body: Type.Object({ folder: Folder }, { additionalProperties: false }) },
      preValidation: authorize('media.manage'),
      config: fileAudit(repos, 'move'),
    },
    async (request) => {
      const file = loadFile(repos, request);
      if (repos.files.findAt(request.body.folder, file.name))
        throw conflict('body/folder', 'a file with this path exists');
      const moved = repos.files.save({ ...file, folder: request.body.folder, updatedAt: nowIso() });
      setAuditTarget(request, fileTarget(moved));
      return { ...moved, previousPath: file.path };
    },
  );
}

/** Delete, tags and metadata. */
function editRoutes(app: DashboardApp, repos: Repositories): void {
  const manage = authorize('media.manage');

  app.delete(
    '/v1/media/files/:id',
    { schema: { params: IdParams }, preValidation: manage, config: fileAudit(repos, 'delete') },
    async (request) => {
      const file = loadFile(repos, request);
      repos.files.remove(file.id);
      return file;
    },
  );

  app.put(
    '/v1/media/files/:id/tags',
    { schema: { params: IdParams, body: Tags }, preValidation: manage, config: fileAudit(repos, 'tag') },
    async (request) => {
      const file = loadFile(repos, request);
      return repos.files.save({ ...file, tags: request.body.tags, updatedAt: nowIso() });
    },
  );

  app.patch(
    '/v1/media/files/:id/metadata',
    {
      schema: { params: IdParams, body: Metadata },
      preValidation: manage,
      config: fileAudit(repos, 'metadata_update'),
    },
    async (request) => {
      const file = loadFile(repos, request);
      const metadata = { ...file.metadata, ...request.body.metadata };
      return repos.files.save({ ...file, metadata, updatedAt: nowIso() });
    },
  );
}

/** Registers /v1/media/files. */
export function mediaFileRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  app.get('/v1/media/files', { schema: { querystring: ListQuery } }, async (request) => ({
    files: repos.files.list(request.query.folder),
  }));

  app.get('/v1/media/files/:id', { schema: { params: IdParams } }, async (request) =>
    loadFile(repos, request),
  );

  app.post(
    '/v1/media/files',
    {
      schema: { body: Upload },
      preValidation: authorize('media.upload'),
      config: fileAudit(repos, 'upload'),
    },
    async (request, reply) => {
      const file = storeUpload(repos, request.body, currentUser(request).id);
      setAuditTarget(request, fileTarget(file));
      return reply.status(201).send(file);
    },
  );

  placementRoutes(app, repos);
  editRoutes(app, repos);
}
