/** @module SQL for URL endpoints: a URL prefix, the origins it fetches from, and its delivery settings. */
import type Database from 'better-sqlite3';

/** Per-endpoint delivery settings. */
export interface EndpointSettings {
  imageOptimization: boolean;
  signedUrls: boolean;
  cacheTtlSeconds?: number;
}

/** A URL endpoint, e.g. prefix `products` serving https://cdn.example.com/acme/products/…. */
export interface UrlEndpoint {
  id: string;
  name: string;
  urlPrefix: string;
  originIds: string[];
  settings: EndpointSettings;
  createdAt: string;
  updatedAt: string;
}

type Row = Omit<UrlEndpoint, 'originIds' | 'settings'> & { originIds: string; settings: string };

const COLUMNS = `id, name, url_prefix AS urlPrefix, origin_ids AS originIds, settings,
  created_at AS createdAt, updated_at AS updatedAt`;

function present(row: Row | undefined): UrlEndpoint | null {
  if (!row) return null;
  return { ...row, originIds: JSON.parse(row.originIds), settings: JSON.parse(row.settings) };
}

/** The URL endpoints repository over an open database. */
export function createEndpointRepository(db: Database.Database) {
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM url_endpoints WHERE id = ?`);
  const byPrefix = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM url_endpoints WHERE url_prefix = ?`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM url_endpoints ORDER BY created_at, id`);
  const users = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM url_endpoints, json_each(url_endpoints.origin_ids) WHERE json_each.value = ?`,
  );
  const write = db.prepare(
    `INSERT INTO url_endpoints (id, name, url_prefix, origin_ids, settings, created_at, updated_at)
     VALUES (@id, @name, @urlPrefix, @originIds, @settings, @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, url_prefix = excluded.url_prefix,
       origin_ids = excluded.origin_ids, settings = excluded.settings, updated_at = excluded.updated_at`,
  );
  return {
    get: (id: string): UrlEndpoint | null => present(byId.get(id)),
    findByPrefix: (prefix: string): UrlEndpoint | null => present(byPrefix.get(prefix)),
    list: (): UrlEndpoint[] => all.all().map((row) => present(row)!),
    /** How many endpoints fetch from the origin (an origin in use cannot be deleted). */
    countUsingOrigin: (originId: string): number => users.get(originId)!.n,
    /** Inserts a new endpoint or overwrites an existing one with the same id. */
    save(endpoint: UrlEndpoint): UrlEndpoint {
      write.run({
        ...endpoint,
        originIds: JSON.stringify(endpoint.originIds),
        settings: JSON.stringify(endpoint.settings),
      });
      return present(byId.get(endpoint.id))!;
    },
    remove: (id: string): boolean => db.prepare('DELETE FROM url_endpoints WHERE id = ?').run(id).changes > 0,
  };
}

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;
