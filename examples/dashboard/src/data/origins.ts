/**
 * @module SQL for external storage origins (S3, GCS, web folders). Credentials go in and are used by
 * the CDN, but no read here ever returns them: an origin leaves the database without its secrets.
 */
import type Database from 'better-sqlite3';

/** The kinds of origin the CDN can fetch from. */
export type OriginType = 's3' | 'gcs' | 'web_folder';

/** An origin as callers see it: `credentialsSet` instead of the credentials. */
export interface Origin {
  id: string;
  name: string;
  type: OriginType;
  bucket: string;
  prefix: string;
  region: string | null;
  credentialsSet: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Everything stored for an origin, credentials included. */
export interface OriginRecord extends Omit<Origin, 'credentialsSet'> {
  credentials: Record<string, string>;
}

const COLUMNS = `id, name, type, bucket, prefix, region, credentials != '{}' AS credentialsSet,
  created_at AS createdAt, updated_at AS updatedAt`;

type Row = Omit<Origin, 'credentialsSet'> & { credentialsSet: number };

function present(row: Row | undefined): Origin | null {
  return row ? { ...row, credentialsSet: row.credentialsSet === 1 } : null;
}

/** The origins repository over an open database. */
export function createOriginRepository(db: Database.Database) {
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM origins WHERE id = ?`);
  const byName = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM origins WHERE name = ?`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM origins ORDER BY created_at, id`);
  const secrets = db.prepare<[string], { credentials: string }>(
    'SELECT credentials FROM origins WHERE id = ?',
  );
  const write = db.prepare(
    `INSERT INTO origins (id, name, type, bucket, prefix, region, credentials, created_at, updated_at)
     VALUES (@id, @name, @type, @bucket, @prefix, @region, @credentials, @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, bucket = excluded.bucket,
       prefix = excluded.prefix, region = excluded.region, credentials = excluded.credentials,
       updated_at = excluded.updated_at`,
  );
  return {
    get: (id: string): Origin | null => present(byId.get(id)),
    findByName: (name: string): Origin | null => present(byName.get(name)),
    list: (): Origin[] => all.all().map((row) => present(row)!),
    /** The stored record with its credentials, for an update that keeps the ones not re-sent. */
    record(id: string): OriginRecord | null {
      const origin = present(byId.get(id));
      if (!origin) return null;
      const { credentialsSet: _, ...rest } = origin;
      return { ...rest, credentials: JSON.parse(secrets.get(id)!.credentials) };
    },
    /** Inserts a new origin or overwrites an existing one with the same id. */
    save(record: OriginRecord): Origin {
      write.run({ ...record, credentials: JSON.stringify(record.credentials) });
      return present(byId.get(record.id))!;
    },
    remove: (id: string): boolean => db.prepare('DELETE FROM origins WHERE id = ?').run(id).changes > 0,
  };
}

export type OriginRepository = ReturnType<typeof createOriginRepository>;
