/**
 * @module Developer options: API keys. Creating a key returns its `private_key` exactly once (the
 * database keeps only a hash, the audit log a redacted copy); revoking is permanent.
 */
import { Type } from '@sinclair/typebox';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import type { ApiKey } from '../data/api-keys.ts';
import { authorize, currentUser } from '../http/auth.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId, newSecret, nowIso } from '../ids.ts';
import { type DashboardApp, field, IdParams, Name, type RouteDeps } from './common.ts';

const CreateKey = Type.Object(
  {
    /** What the key is for, e.g. "CI uploads". */
    name: Name,
  },
  { additionalProperties: false },
);

function targetOf(key: ApiKey): AuditTarget {
  return { type: 'api_key', id: key.id, name: key.name };
}

/** Registers /v1/api-keys. */
export function developerOptionsRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  const guard = authorize('developer_options.manage');
  const config = audited({
    category: 'developer_options',
    target: (request) => ({
      type: 'api_key',
      id: field(request, 'params', 'id') ?? 'new',
      name: field(request, 'body', 'name'),
    }),
  });

  app.get('/v1/api-keys', async () => ({ keys: repos.apiKeys.list() }));

  app.post(
    '/v1/api-keys',
    { schema: { body: CreateKey }, preValidation: guard, config },
    async (request, reply) => {
      const privateKey = `private_${newSecret()}`;
      const key = repos.apiKeys.insert(
        {
          id: newId('key'),
          name: request.body.name,
          publicKey: `public_${newSecret(12)}`,
          createdBy: currentUser(request).id,
          createdAt: nowIso(),
          revokedAt: null,
        },
        privateKey,
      );
      setAuditTarget(request, targetOf(key));
      // The only time the private key leaves the server.
      return reply.status(201).send({ ...key, private_key: privateKey });
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    { schema: { params: IdParams }, preValidation: guard, config },
    async (request) => {
      const key = repos.apiKeys.get(request.params.id);
      if (!key) throw notFound('API key', request.params.id);
      setAuditTarget(request, targetOf(key));
      if (key.revokedAt !== null) throw conflict('id', 'the key is already revoked');
      return repos.apiKeys.revoke(key.id, nowIso());
    },
  );
}
