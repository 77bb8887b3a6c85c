/**
 * @module SQL for the account's singleton settings documents (performance, billing, settings): each
 * is one JSON body, read whole and written whole.
 */
import type Database from 'better-sqlite3';

/** The documents the dashboard keeps. */
export type DocumentName = 'performance' | 'billing' | 'settings';

/** The documents repository over an open database. */
export function createDocumentRepository(db: Database.Database) {
  const read = db.prepare<[string], { body: string; updatedAt: string }>(
    'SELECT body, updated_at AS updatedAt FROM documents WHERE name = ?',
  );
  const write = db.prepare('UPDATE documents SET body = ?, updated_at = ? WHERE name = ?');
  return {
    /** The document's body (seeded, so always present). */
    get<T>(name: DocumentName): T {
      return JSON.parse(read.get(name)!.body) as T;
    },
    put<T>(name: DocumentName, body: T, at: string): T {
      write.run(JSON.stringify(body), at, name);
      return body;
    },
  };
}

export type DocumentRepository = ReturnType<typeof createDocumentRepository>;
