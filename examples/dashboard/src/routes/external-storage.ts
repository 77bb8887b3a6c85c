/**
 * @module External storage: the S3 and GCS buckets the CDN fetches originals from. Credentials are
 * accepted on create and update, stored, and never returned; in the audit log they appear redacted.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import type { Origin, OriginRecord } from '../data/origins.ts';
import { authorize } from '../http/auth.ts';
import { conflict, invalid, notFound } from '../http/errors.ts';
import { newId, nowIso } from '../ids.ts';
import { type DashboardApp, field, IdParams, Name, type RouteDeps } from './common.ts';

const S3Credentials = Type.Object(
  {
    /** The AWS access key id, e.g. AKIA… */
    accessKeyId: Type.String({ minLength: 16, maxLength: 128 }),
    /** The AWS secret access key. */
    secretAccessKey: Type.String({ minLength: 20, maxLength: 256 }),
  },
  { additionalProperties: false },
);

const GcsCredentials = Type.Object(
  {
    /** The service account's e-mail. */
    clientEmail: Type.String({ format: 'email', maxLength: 320 }),
    /** The service account's PEM private key. */
    privateKey: Type.String({ minLength: 20, maxLength: 8192 }),
  },
  { additionalProperties: false },
);

/** A bucket name as both S3 and GCS accept it. */
const Bucket = Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' });
/** A key prefix inside the bucket, without a leading slash. */
const Prefix = Type.String({ maxLength: 512, pattern: '^[^/].*$|^$' });
/** An AWS region such as eu-west-1. */
const Region = Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' });

const CreateOrigin = Type.Union([
  Type.Object(
    {
      type: Type.Literal('s3'),
      name: Name,
      bucket: Bucket,
      prefix: Type.Optional(Prefix),
      region: Region,
      credentials: S3Credentials,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('gcs'),
      name: Name,
      bucket: Bucket,
      prefix: Type.Optional(Prefix),
      credentials: GcsCredentials,
    },
    { additionalProperties: false },
  ),
]);

const UpdateOrigin = Type.Object(
  {
    name: Type.Optional(Name),
    bucket: Type.Optional(Bucket),
    prefix: Type.Optional(Prefix),
    region: Type.Optional(Region),
    /** Replaces the stored credentials; they must be of the origin's type. */
    credentials: Type.Optional(Type.Union([S3Credentials, GcsCredentials])),
  },
  { additionalProperties: false, minProperties: 1 },
);

function targetOf(origin: Origin): AuditTarget {
  return { type: 'external_storage', id: origin.id, name: origin.name };
}

const fallbackTarget = audited({
  category: 'external_storage',
  target: (request) => ({
    type: 'external_storage',
    id: field(request, 'params', 'id') ?? 'new',
    name: field(request, 'body', 'name'),
  }),
});

function checkCredentials(record: OriginRecord, credentials: Static<typeof UpdateOrigin>['credentials']) {
  if (!credentials) return;
  const isS3 = 'accessKeyId' in credentials;
  if (isS3 !== (record.type === 's3')) {
    const expected = record.type === 's3' ? 'accessKeyId and secretAccessKey' : 'clientEmail and privateKey';
    throw invalid('body/credentials', `must be ${record.type} credentials (${expected})`);
  }
}

/** Registers /v1/external-storage. */
export function externalStorageRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const guard = authorize('external_storage.manage');

  app.get('/v1/external-storage', async () => ({ origins: repos.origins.list() }));

  app.get('/v1/external-storage/:id', { schema: { params: IdParams } }, async (request) => {
    return repos.origins.get(request.params.id) ?? Promise.reject(notFound('origin', request.params.id));
  });

  app.post(
    '/v1/external-storage',
    { schema: { body: CreateOrigin }, preValidation: guard, config: fallbackTarget },
    async (request, reply) => {
      const body = request.body;
      if (repos.origins.findByName(body.name))
        throw conflict('body/name', 'is already used by another origin');
      const now = nowIso();
      const origin = repos.origins.save({
        id: newId('org'),
        name: body.name,
        type: body.type,
        bucket: body.bucket,
        prefix: body.prefix ?? '',
        region: body.type === 's3' ? body.region : null,
        credentials: body.credentials,
        createdAt: now,
        updatedAt: now,
      });
      setAuditTarget(request, targetOf(origin));
      return reply.status(201).send(origin);
    },
  );

  app.patch(
    '/v1/external-storage/:id',
    { schema: { params: IdParams, body: UpdateOrigin }, preValidation: guard, config: fallbackTarget },
    async (request) => {
      const record = repos.origins.record(request.params.id);
      if (!record) throw notFound('origin', request.params.id);
      const { name, credentials, ...rest } = request.body;
      checkCredentials(record, credentials);
      if (name !== undefined && name !== record.name && repos.origins.findByName(name)) {
        throw conflict('body/name', 'is already used by another origin');
      }
      const origin = repos.origins.save({
        ...record,
        ...rest,
        name: name ?? record.name,
        credentials: credentials ?? record.credentials,
        updatedAt: nowIso(),
      });
      setAuditTarget(request, targetOf(origin));
      return origin;
    },
  );

  app.delete(
    '/v1/external-storage/:id',
    { schema: { params: IdParams }, preValidation: guard, config: fallbackTarget },
    async (request) => {
      const origin = repos.origins.get(request.params.id);
      if (!origin) throw notFound('origin', request.params.id);
      setAuditTarget(request, targetOf(origin));
      if (repos.endpoints.countUsingOrigin(origin.id) > 0) {
        throw conflict('id', 'the origin is used by a URL endpoint; remove it from the endpoint first');
      }
      repos.origins.remove(origin.id);
      return origin;
    },
  );
}
