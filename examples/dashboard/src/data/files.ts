/**
 * @module SQL for Media Library files. A file lives at `folder/name` (its asset path, unique); its
 * bytes live in versions (see versions.ts), the file row points at the current one.
 */
import type Database from 'better-sqlite3';

/** A file as callers see it. */
export interface MediaFile {
  id: string;
  /** The asset path, e.g. `/products/shoes/red.jpg`. */
  path: string;
  folder: string;
  name: string;
  size: number;
  mimeType: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  currentVersion: number;
  uploadedBy: string;
  createdAt: string;
  updatedAt: string;
}

type Row = Omit<MediaFile, 'tags' | 'metadata'> & { tags: string; metadata: string };

const COLUMNS = `id, CASE folder WHEN '/' THEN '/' || name ELSE folder || '/' || name END AS path,
  folder, name, size, mime_type AS mimeType, tags, metadata, current_version AS currentVersion,
  uploaded_by AS uploadedBy, created_at AS createdAt, updated_at AS updatedAt`;

function present(row: Row | undefined): MediaFile | null {
  if (!row) return null;
  return { ...row, tags: JSON.parse(row.tags), metadata: JSON.parse(row.metadata) };
}

/** The asset path of a file named `name` in `folder`. */
export function assetPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** The files repository over an open database. */
export function createFileRepository(db: Database.Database) {
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM files WHERE id = ?`);
  const at = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM files WHERE folder = ? AND name = ?`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM files ORDER BY folder, name`);
  const inFolder = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM files WHERE folder = ? ORDER BY name`);
  const write = db.prepare(
    `INSERT INTO files (id, folder, name, size, mime_type, tags, metadata, current_version, uploaded_by,
       created_at, updated_at)
     VALUES (@id, @folder, @name, @size, @mimeType, @tags, @metadata, @currentVersion, @uploadedBy,
       @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET folder = excluded.folder, name = excluded.name, size = excluded.size,
       mime_type = excluded.mime_type, tags = excluded.tags, metadata = excluded.metadata,
       current_version = excluded.current_version, updated_at = excluded.updated_at`,
  );
  return {
    get: (id: string): MediaFile | null => present(byId.get(id)),
    findAt: (folder: string, name: string): MediaFile | null => present(at.get(folder, name)),
    list: (folder?: string): MediaFile[] =>
      (folder === undefined ? all.all() : inFolder.all(folder)).map((row) => present(row)!),
    /** Inserts a new file or overwrites an existing one with the same id. */
    save(file: Omit<MediaFile, 'path'>): MediaFile {
      write.run({ ...file, tags: JSON.stringify(file.tags), metadata: JSON.stringify(file.metadata) });
      return present(byId.get(file.id))!;
    },
    /** Deletes the file with its versions, shares, links and collection entries (ON DELETE CASCADE). */
    remove: (id: string): boolean => db.prepare('DELETE FROM files WHERE id = ?').run(id).changes > 0,
  };
}

export type FileRepository = ReturnType<typeof createFileRepository>;
