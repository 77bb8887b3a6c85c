/**
 * @module The SQLite MemberStore and SecretStore: members of accounts, keyed by (account, id), and
 * the named secrets the service generates once.
 */
import { AuditlogError } from '../../errors.ts';
import type { Member, MemberInput, MemberStore, Role, SecretStore } from '../types.ts';
import type { SqliteDatabase } from './database.ts';

interface MemberRow {
  account_id: string;
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

function toMember(row: MemberRow): Member {
  return {
    accountId: row.account_id,
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Builds the MemberStore over an open, migrated database; `clock` stamps upserts without `at`. */
export function createSqliteMemberStore(db: SqliteDatabase, clock: () => Date): MemberStore {
  const accountExists = db.prepare('SELECT 1 FROM accounts WHERE id = ?').pluck();
  const byId = db.prepare('SELECT * FROM members WHERE account_id = ? AND id = ?');
  const upsert = db.prepare(
    `INSERT INTO members (account_id, id, email, name, role, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, id) DO UPDATE SET
       email = excluded.email, name = excluded.name, role = excluded.role, updated_at = excluded.updated_at
     RETURNING *`,
  );
  const ofAccount = db.prepare('SELECT * FROM members WHERE account_id = ? ORDER BY id');
  const remove = db.prepare('DELETE FROM members WHERE account_id = ? AND id = ? RETURNING *');

  // IMMEDIATE: the previous row is read under the write lock, so it is exactly what was replaced.
  const upsertMember = db.transaction((member: MemberInput, at: string) => {
    if (!accountExists.get(member.accountId)) {
      throw new AuditlogError('ACCOUNT_NOT_FOUND', `account "${member.accountId}" does not exist`, {
        violations: [{ field: 'accountId', rule: 'must be an existing account' }],
      });
    }
    const previous = byId.get(member.accountId, member.id) as MemberRow | undefined;
    const row = upsert.get(
      member.accountId,
      member.id,
      member.email,
      member.name,
      member.role,
      at,
      at,
    ) as MemberRow;
    return { member: toMember(row), previous: previous ? toMember(previous) : null };
  });

  return {
    async upsert(member, at) {
      return upsertMember.immediate(member, at ?? clock().toISOString());
    },
    async get(accountId, id) {
      const row = byId.get(accountId, id) as MemberRow | undefined;
      return row ? toMember(row) : null;
    },
    async list(accountId) {
      return (ofAccount.all(accountId) as MemberRow[]).map(toMember);
    },
    async remove(accountId, id) {
      const row = remove.get(accountId, id) as MemberRow | undefined;
      return row ? toMember(row) : null;
    },
  };
}

/** Builds the SecretStore: the first value stored under a name is the one everybody gets. */
export function createSqliteSecretStore(db: SqliteDatabase, clock: () => Date): SecretStore {
  const insert = db.prepare(
    'INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const read = db.prepare('SELECT value FROM secrets WHERE name = ?').pluck();
  const ensure = db.transaction((name: string, candidate: string) => {
    insert.run(name, candidate, clock().toISOString());
    return read.get(name) as string;
  });
  return {
    async ensure(name, candidate) {
      return ensure.immediate(name, candidate);
    },
  };
}
