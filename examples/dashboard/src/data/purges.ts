/** @module SQL for cache purge requests: which URLs, who asked, when. */
import type Database from 'better-sqlite3';

/** One purge request; the CDN works through it asynchronously, so it is reported as completed on read. */
export interface PurgeRequest {
  id: string;
  urls: string[];
  requestedBy: string;
  createdAt: string;
}

type Row = Omit<PurgeRequest, 'urls'> & { urls: string };

/** The purge requests repository over an open database. */
export function createPurgeRepository(db: Database.Database) {
  const byId = db.prepare<[string], Row>(
    `SELECT id, urls, requested_by AS requestedBy, created_at AS createdAt FROM purge_requests WHERE id = ?`,
  );
  return {
    get(id: string): PurgeRequest | null {
      const row = byId.get(id);
      return row ? { ...row, urls: JSON.parse(row.urls) } : null;
    },
    insert(request: PurgeRequest): PurgeRequest {
      db.prepare('INSERT INTO purge_requests (id, urls, requested_by, created_at) VALUES (?, ?, ?, ?)').run(
        request.id,
        JSON.stringify(request.urls),
        request.requestedBy,
        request.createdAt,
      );
      return request;
    },
  };
}

export type PurgeRepository = ReturnType<typeof createPurgeRepository>;
