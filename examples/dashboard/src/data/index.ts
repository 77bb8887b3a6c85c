/** @module All repositories over one database handle, built once per app and passed to the routes. */
import type Database from 'better-sqlite3';
import { createApiKeyRepository } from './api-keys.ts';
import { createCollectionRepository } from './collections.ts';
import { createDocumentRepository } from './documents.ts';
import { createEndpointRepository } from './endpoints.ts';
import { createFileRepository } from './files.ts';
import { createOriginRepository } from './origins.ts';
import { createPurgeRepository } from './purges.ts';
import { createSharingRepository } from './sharing.ts';
import { createUserRepository } from './users.ts';
import { createVersionRepository } from './versions.ts';

/** Builds every repository over `db`; `transaction` runs a function atomically across them. */
export function createRepositories(db: Database.Database) {
  return {
    users: createUserRepository(db),
    origins: createOriginRepository(db),
    endpoints: createEndpointRepository(db),
    documents: createDocumentRepository(db),
    apiKeys: createApiKeyRepository(db),
    purges: createPurgeRepository(db),
    files: createFileRepository(db),
    versions: createVersionRepository(db),
    sharing: createSharingRepository(db),
    collections: createCollectionRepository(db),
    /** Runs `work` in one SQLite transaction: all of its writes commit together or not at all. */
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
