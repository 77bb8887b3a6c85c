/** @module SQL for developer API keys: the public half is stored, the private half only as a sha256. */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** An API key as listed: never its private key. */
export interface ApiKey {
  id: string;
  name: string;
  publicKey: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const COLUMNS = `id, name, public_key AS publicKey, created_by AS createdBy, created_at AS createdAt,
  revoked_at AS revokedAt`;

/** The API keys repository over an open database. */
export function createApiKeyRepository(db: Database.Database) {
  const byId = db.prepare<[string], ApiKey>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`);
  const all = db.prepare<[], ApiKey>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
  return {
    get: (id: string): ApiKey | null => byId.get(id) ?? null,
    list: (): ApiKey[] => all.all(),
    /** Stores the key with a hash of `privateKey`; the caller shows `privateKey` once and forgets it. */
    insert(key: ApiKey, privateKey: string): ApiKey {
      const hash = createHash('sha256').update(privateKey).digest('hex');
      db.prepare(
        `INSERT INTO api_keys (id, name, public_key, private_key_hash, created_by, created_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      ).run(key.id, key.name, key.publicKey, hash, key.createdBy, key.createdAt);
      return byId.get(key.id)!;
    },
    revoke(id: string, at: string): ApiKey | null {
      db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
      return byId.get(id) ?? null;
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
