/** @module SQL for how a file is shared: with named users, and through one revocable public link. */
import type Database from 'better-sqlite3';

/** What a user the file is shared with may do. */
export type Permission = 'view' | 'edit';

/** One user a file is shared with. */
export interface Share {
  userId: string;
  permission: Permission;
}

/** A public link: anyone with the token may view the file until it is revoked. */
export interface PublicLink {
  id: string;
  fileId: string;
  token: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const LINK_COLUMNS = `id, file_id AS fileId, token, created_by AS createdBy, created_at AS createdAt,
  revoked_at AS revokedAt`;

/** The sharing repository over an open database. */
export function createSharingRepository(db: Database.Database) {
  const shares = db.prepare<[string], Share>(
    'SELECT user_id AS userId, permission FROM file_shares WHERE file_id = ? ORDER BY user_id',
  );
  const upsert = db.prepare(
    `INSERT INTO file_shares (file_id, user_id, permission) VALUES (?, ?, ?)
     ON CONFLICT (file_id, user_id) DO UPDATE SET permission = excluded.permission`,
  );
  const active = db.prepare<[string], PublicLink>(
    `SELECT ${LINK_COLUMNS} FROM public_links WHERE file_id = ? AND revoked_at IS NULL`,
  );
  return {
    shares: (fileId: string): Share[] => shares.all(fileId),
    /** Shares the file with every user in `userIds` (updating the permission of existing shares). */
    share: db.transaction((fileId: string, userIds: string[], permission: Permission): void => {
      for (const userId of userIds) upsert.run(fileId, userId, permission);
    }),
    activeLink: (fileId: string): PublicLink | null => active.get(fileId) ?? null,
    createLink(link: PublicLink): PublicLink {
      db.prepare(
        `INSERT INTO public_links (id, file_id, token, created_by, created_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, NULL)`,
      ).run(link.id, link.fileId, link.token, link.createdBy, link.createdAt);
      return link;
    },
    /** Revokes the file's active link; false when it has none. */
    revokeLink: (fileId: string, at: string): boolean =>
      db
        .prepare('UPDATE public_links SET revoked_at = ? WHERE file_id = ? AND revoked_at IS NULL')
        .run(at, fileId).changes > 0,
  };
}

export type SharingRepository = ReturnType<typeof createSharingRepository>;
