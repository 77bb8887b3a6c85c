/**
 * @module The AccountStore on PostgreSQL: accounts (with their retention) and server API keys,
 * of which only a sha256 of the secret is stored.
 */
import type pg from 'pg';
import { AuditlogError } from '../../errors.ts';
import type { Account, AccountPatch, AccountStore, ApiKeyRecord, Scope } from '../types.ts';

interface AccountRow {
  account_id: string;
  name: string;
  plan: Account['plan'];
  audit_logs_enabled: boolean;
  retention_days: number;
  created_at: Date;
}

interface KeyRow {
  id: string;
  account_id: string;
  name: string;
  scopes: Scope[];
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

const ACCOUNT_COLUMNS = 'account_id, name, plan, audit_logs_enabled, retention_days, created_at';
const KEY_COLUMNS = 'id, account_id, name, scopes, secret_hash, created_at, revoked_at';

function toAccount(row: AccountRow): Account {
  return {
    id: row.account_id,
    name: row.name,
    plan: row.plan,
    auditLogsEnabled: row.audit_logs_enabled,
    retentionDays: row.retention_days,
    createdAt: row.created_at.toISOString(),
  };
}

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}

/** Patchable fields and their columns; only these ever reach the SET list. */
const PATCH_COLUMNS: Record<keyof AccountPatch, string> = {
  name: 'name',
  plan: 'plan',
  auditLogsEnabled: 'audit_logs_enabled',
  retentionDays: 'retention_days',
};

/** The AccountStore over a pool; `clock` stamps accounts created without a createdAt. */
export function createAccountStore(pool: pg.Pool, clock: () => Date): AccountStore {
  const get = async (id: string): Promise<Account | null> => {
    const { rows } = await pool.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_id = $1`,
      [id],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  };

  return {
    async create(account) {
      const { rows } = await pool.query<AccountRow>(
        `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account_id) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
        [
          account.id,
          account.name,
          account.plan,
          account.auditLogsEnabled,
          account.retentionDays,
          account.createdAt ?? clock().toISOString(),
        ],
      );
      if (!rows[0]) throw new AuditlogError('ACCOUNT_EXISTS', `account "${account.id}" already exists`);
      return toAccount(rows[0]);
    },

    get,

    async update(id, patch) {
      const sets: string[] = [];
      const params: unknown[] = [id];
      for (const [field, column] of Object.entries(PATCH_COLUMNS) as Array<[keyof AccountPatch, string]>) {
        if (patch[field] === undefined) continue;
        params.push(patch[field]);
        sets.push(`${column} = $${params.length}`);
      }
      if (sets.length === 0) return get(id);
      const { rows } = await pool.query<AccountRow>(
        `UPDATE accounts SET ${sets.join(', ')} WHERE account_id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
        params,
      );
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async list() {
      const { rows } = await pool.query<AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY account_id`,
      );
      return rows.map(toAccount);
    },

    async createKey(record) {
      await pool.query(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        record.id,
        record.accountId,
        record.name,
        record.scopes,
        record.secretHash,
        record.createdAt,
        record.revokedAt,
      ]);
    },

    async getKey(id) {
      const { rows } = await pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
      return rows[0] ? toKey(rows[0]) : null;
    },

    async listKeys(accountId) {
      const { rows } = await pool.query<KeyRow>(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at, id`,
        [accountId],
      );
      return rows.map(toKey);
    },

    async revokeKey(id, at) {
      // A second revocation keeps the first time: it is the one that mattered.
      const { rowCount } = await pool.query(
        'UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2::timestamptz) WHERE id = $1',
        [id, at],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}
