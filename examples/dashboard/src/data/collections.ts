/** @module SQL for Media Library collections: named, hand-picked sets of files from any folder. */
import type Database from 'better-sqlite3';

/** A collection with the ids of its files, in the order they were added. */
export interface Collection {
  id: string;
  name: string;
  createdBy: string;
  createdAt: string;
  fileIds: string[];
}

type Row = Omit<Collection, 'fileIds'>;

const COLUMNS = 'id, name, created_by AS createdBy, created_at AS createdAt';

/** The collections repository over an open database. */
export function createCollectionRepository(db: Database.Database) {
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM collections WHERE id = ?`);
  const byName = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM collections WHERE name = ?`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM collections ORDER BY name`);
  const items = db.prepare<[string], { fileId: string }>(
    'SELECT file_id AS fileId FROM collection_items WHERE collection_id = ? ORDER BY added_at, file_id',
  );
  const withItems = (row: Row | undefined): Collection | null =>
    row ? { ...row, fileIds: items.all(row.id).map((item) => item.fileId) } : null;
  return {
    get: (id: string): Collection | null => withItems(byId.get(id)),
    findByName: (name: string): Collection | null => withItems(byName.get(name)),
    list: (): Collection[] => all.all().map((row) => withItems(row)!),
    insert(collection: Row): Collection {
      db.prepare('INSERT INTO collections (id, name, created_by, created_at) VALUES (?, ?, ?, ?)').run(
        collection.id,
        collection.name,
        collection.createdBy,
        collection.createdAt,
      );
      return withItems(byId.get(collection.id))!;
    },
    /** Deletes the collection (not its files). */
    remove: (id: string): boolean => db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0,
    /** Adds a file; false when it was already in the collection. */
    add: (collectionId: string, fileId: string, at: string): boolean =>
      db
        .prepare(
          `INSERT INTO collection_items (collection_id, file_id, added_at) VALUES (?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(collectionId, fileId, at).changes > 0,
    /** Removes a file; false when it was not in the collection. */
    removeItem: (collectionId: string, fileId: string): boolean =>
      db
        .prepare('DELETE FROM collection_items WHERE collection_id = ? AND file_id = ?')
        .run(collectionId, fileId).changes > 0,
  };
}

export type CollectionRepository = ReturnType<typeof createCollectionRepository>;
