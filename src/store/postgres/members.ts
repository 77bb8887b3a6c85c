/**
 * @module The PostgreSQL MemberStore and SecretStore, and the migration that creates their tables:
 * the members of each account (synced from the host product) and the secrets the service generates
 * once (the viewer-token signing key).
 */
import type pg from 'pg';
import { AuditlogError } from '../../errors.ts';
import type { Member, MemberStore, Role, SecretStore } from '../types.ts';

/** Migration 4. account_id leads the key, as on every table (Citus-ready). */
export const MEMBERS_MIGRATION = `
CREATE TABLE members (
  account_id text COLLATE "C" NOT NULL REFERENCES accounts (account_id),
  member_id text COLLATE "C" NOT NULL,
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'auditor', 'developer', 'member')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, member_id)
);

-- Key material generated once, so restarts and every server on this database verify the same
-- viewer tokens. Never exposed by any API.
CREATE TABLE service_secrets (
  name text PRIMARY KEY,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;

interface MemberRow {
  account_id: string;
  member_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'account_id, member_id, email, name, role, created_at, updated_at';

function toMember(row: MemberRow): Member {
  return {
    accountId: row.account_id,
    id: row.member_id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Insert-or-update in one transaction that also returns the row it replaced. Inserting first
 * (ON CONFLICT DO NOTHING) and only then locking the existing row means two concurrent upserts of
 * a new member cannot both report "new": the second waits on the first's insert, then sees its row.
 */
async function upsertIn(
  client: pg.PoolClient,
  member: Omit<Member, 'createdAt' | 'updatedAt'>,
  at: string,
): Promise<{ member: Member; previous: Member | null }> {
  const values = [member.accountId, member.id, member.email, member.name, member.role, at];
  const inserted = await client.query<MemberRow>(
    `INSERT INTO members (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (account_id, member_id) DO NOTHING RETURNING ${COLUMNS}`,
    values,
  );
  if (inserted.rows[0]) return { member: toMember(inserted.rows[0]), previous: null };
  const previous = await client.query<MemberRow>(
    `SELECT ${COLUMNS} FROM members WHERE account_id = $1 AND member_id = $2 FOR UPDATE`,
    [member.accountId, member.id],
  );
  const updated = await client.query<MemberRow>(
    `UPDATE members SET email = $3, name = $4, role = $5, updated_at = $6
     WHERE account_id = $1 AND member_id = $2 RETURNING ${COLUMNS}`,
    values,
  );
  return {
    member: toMember(updated.rows[0]!),
    previous: previous.rows[0] ? toMember(previous.rows[0]) : null,
  };
}

/** The MemberStore over a pool; `clock` stamps writes made without an explicit time. */
export function createMemberStore(pool: pg.Pool, clock: () => Date): MemberStore {
  return {
    async upsert(member, at) {
      try {
        return await inTransaction(pool, (client) => upsertIn(client, member, at ?? clock().toISOString()));
      } catch (error) {
        // 23503: foreign_key_violation — the account does not exist.
        if ((error as { code?: unknown }).code === '23503') {
          throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${member.accountId}"`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    async get(accountId, id) {
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${COLUMNS} FROM members WHERE account_id = $1 AND member_id = $2`,
        [accountId, id],
      );
      return rows[0] ? toMember(rows[0]) : null;
    },
    async list(accountId) {
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${COLUMNS} FROM members WHERE account_id = $1 ORDER BY member_id`,
        [accountId],
      );
      return rows.map(toMember);
    },
    async remove(accountId, id) {
      const { rows } = await pool.query<MemberRow>(
        `DELETE FROM members WHERE account_id = $1 AND member_id = $2 RETURNING ${COLUMNS}`,
        [accountId, id],
      );
      return rows[0] ? toMember(rows[0]) : null;
    },
  };
}

/** The SecretStore over a pool: the first server to store a secret defines it for all. */
export function createSecretStore(pool: pg.Pool): SecretStore {
  return {
    async ensure(name, candidate) {
      await pool.query(
        'INSERT INTO service_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [name, candidate],
      );
      const { rows } = await pool.query<{ secret: string }>(
        'SELECT secret FROM service_secrets WHERE name = $1',
        [name],
      );
      return rows[0]!.secret;
    },
  };
}
