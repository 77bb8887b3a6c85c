/** @module SQL for file versions: every upload or new version is a numbered row holding its bytes. */
import type Database from 'better-sqlite3';

/** A version of a file, without its bytes. */
export interface FileVersion {
  id: string;
  fileId: string;
  number: number;
  size: number;
  createdBy: string;
  createdAt: string;
}

const COLUMNS = `id, file_id AS fileId, number, size, created_by AS createdBy, created_at AS createdAt`;

/** The file versions repository over an open database. */
export function createVersionRepository(db: Database.Database) {
  const byId = db.prepare<[string, string], FileVersion>(
    `SELECT ${COLUMNS} FROM file_versions WHERE file_id = ? AND id = ? AND deleted_at IS NULL`,
  );
  const ofFile = db.prepare<[string], FileVersion>(
    `SELECT ${COLUMNS} FROM file_versions WHERE file_id = ? AND deleted_at IS NULL ORDER BY number`,
  );
  const last = db.prepare<[string], { n: number | null }>(
    'SELECT max(number) AS n FROM file_versions WHERE file_id = ?',
  );
  return {
    get: (fileId: string, id: string): FileVersion | null => byId.get(fileId, id) ?? null,
    list: (fileId: string): FileVersion[] => ofFile.all(fileId),
    /** The number the next version of the file gets (deleted versions count: numbers are never reused). */
    nextNumber: (fileId: string): number => (last.get(fileId)!.n ?? 0) + 1,
    insert(version: FileVersion, content: Buffer | null): FileVersion {
      db.prepare(
        `INSERT INTO file_versions (id, file_id, number, size, content, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        version.id,
        version.fileId,
        version.number,
        version.size,
        content,
        version.createdBy,
        version.createdAt,
      );
      return version;
    },
    /** Drops the version's bytes and hides it; the row stays to keep its number taken. */
    remove: (id: string, at: string): boolean =>
      db
        .prepare(
          'UPDATE file_versions SET content = NULL, deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
        )
        .run(at, id).changes > 0,
  };
}

export type VersionRepository = ReturnType<typeof createVersionRepository>;
