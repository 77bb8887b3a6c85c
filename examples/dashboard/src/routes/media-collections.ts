/**
 * @module Media Library collections: named sets of files from any folder. Creating or deleting a
 * collection targets the collection (its path is `/collections/<name>`, as collections have no
 * folder); adding or removing a file targets the file, with its asset path.
 */
import { Type } from '@sinclair/typebox';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import type { Collection } from '../data/collections.ts';
import type { Repositories } from '../data/index.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, field, Id, IdParams, Name, type RouteDeps } from './common.ts';
import { fileTarget } from './media-common.ts';

const ItemParams = Type.Object({ id: Id, fileId: Id });

function collectionTarget(collection: Pick<Collection, 'id' | 'name'>): AuditTarget {
  return {
    type: 'collection',
    id: collection.id,
    name: collection.name,
    path: `/collections/${collection.name}`,
  };
}

function collectionAudit(repos: Repositories, operation: string) {
  return audited({
    stream: 'media',
    category: 'collections',
    operation,
    target: (request) => {
      const id = field(request, 'params', 'id');
      const collection = id === undefined ? null : repos.collections.get(id);
      if (collection) return collectionTarget(collection);
      return collectionTarget({ id: id ?? 'new', name: field(request, 'body', 'name') ?? '' });
    },
  });
}

function loadCollection(repos: Repositories, id: string): Collection {
  const collection = repos.collections.get(id);
  if (!collection) throw notFound('collection', id);
  return collection;
}

/** Adding files to and removing them from a collection: the events target the file, with its path. */
function collectionItemRoutes(app: DashboardApp, repos: Repositories): void {
  const manage = authorize('media.manage');

  app.post(
    '/v1/media/collections/:id/items',
    {
      schema: { params: IdParams, body: Type.Object({ fileId: Id }, { additionalProperties: false }) },
      preValidation: manage,
      config: collectionAudit(repos, 'collection_add'),
    },
    async (request, reply) => {
      const collection = loadCollection(repos, request.params.id);
      const file = repos.files.get(request.body.fileId);
      if (!file) throw notFound('file', request.body.fileId);
      setAuditTarget(request, fileTarget(file));
      if (!repos.collections.add(collection.id, file.id, nowIso())) {
        throw conflict('body/fileId', 'the file is already in the collection');
      }
      return reply.status(201).send({ collectionId: collection.id, collection: collection.name, file });
    },
  );

  app.delete(
    '/v1/media/collections/:id/items/:fileId',
    {
      schema: { params: ItemParams },
      preValidation: manage,
      config: collectionAudit(repos, 'collection_remove'),
    },
    async (request) => {
      const collection = loadCollection(repos, request.params.id);
      const file = repos.files.get(request.params.fileId);
      if (!file) throw notFound('file', request.params.fileId);
      setAuditTarget(request, fileTarget(file));
      if (!repos.collections.removeItem(collection.id, file.id)) {
        throw conflict('fileId', 'the file is not in the collection');
      }
      return { collectionId: collection.id, collection: collection.name, file };
    },
  );
}

/** Registers /v1/media/collections. */
export function mediaCollectionRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const manage = authorize('media.manage');

  app.get('/v1/media/collections', async () => ({ collections: repos.collections.list() }));

  app.get('/v1/media/collections/:id', { schema: { params: IdParams } }, async (request) =>
    loadCollection(repos, request.params.id),
  );

  app.post(
    '/v1/media/collections',
    {
      schema: { body: Type.Object({ name: Name }, { additionalProperties: false }) },
      preValidation: manage,
      config: collectionAudit(repos, 'create'),
    },
    async (request, reply) => {
      if (repos.collections.findByName(request.body.name))
        throw conflict('body/name', 'is already a collection');
      const collection = repos.collections.insert({
        id: newId('col'),
        name: request.body.name,
        createdBy: currentUser(request).id,
        createdAt: nowIso(),
      });
      setAuditTarget(request, collectionTarget(collection));
      return reply.status(201).send(collection);
    },
  );

  app.delete(
    '/v1/media/collections/:id',
    { schema: { params: IdParams }, preValidation: manage, config: collectionAudit(repos, 'delete') },
    async (request) => {
      const collection = loadCollection(repos, request.params.id);
      setAuditTarget(request, collectionTarget(collection));
      repos.collections.remove(collection.id);
      return collection;
    },
  );

  collectionItemRoutes(app, repos);
}
