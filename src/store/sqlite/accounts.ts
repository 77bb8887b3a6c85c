/**
 * @module The SQLite AccountStore: accounts (tenants) and the hashes of their server API keys.
 */
import { AuditlogError } from '../../errors.ts';
import type { Account, AccountPatch, AccountStore, ApiKeyRecord, Scope } from '../types.ts';
import type { SqliteDatabase } from './database.ts';

interface AccountRow {
  id: string;
  name: string;
  plan: Account['plan'];
  audit_logs_enabled: number;
  retention_days: number;
  created_at: string;
}

interface KeyRow {
  id: string;
  account_id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    auditLogsEnabled: row.audit_logs_enabled === 1,
    retentionDays: row.retention_days,
    createdAt: row.created_at,
  };
}

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Builds the AccountStore over an open, migrated database; `clock` dates new accounts. */
export function createSqliteAccountStore(db: SqliteDatabase, clock: () => Date): AccountStore {
  const insert = db.prepare(
    `INSERT INTO accounts (id, name, plan, audit_logs_enabled, retention_days, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  // COALESCE keeps a column when the patch leaves it out; values are always bound parameters.
  const update = db.prepare(
    `UPDATE accounts SET name = COALESCE(?, name), plan = COALESCE(?, plan),
       audit_logs_enabled = COALESCE(?, audit_logs_enabled), retention_days = COALESCE(?, retention_days)
     WHERE id = ? RETURNING *`,
  );
  const all = db.prepare('SELECT * FROM accounts ORDER BY id');
  const insertKey = db.prepare(
    `INSERT INTO api_keys (id, account_id, name, scopes, secret_hash, created_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const keyById = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const keysOf = db.prepare('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id');
  // Revoking twice keeps the first revocation time; only the first call reports true.
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    async create(account) {
      const createdAt = account.createdAt ?? clock().toISOString();
      try {
        const row = insert.get(
          account.id,
          account.name,
          account.plan,
          account.auditLogsEnabled ? 1 : 0,
          account.retentionDays,
          createdAt,
        ) as AccountRow;
        return toAccount(row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AuditlogError('ACCOUNT_EXISTS', `account "${account.id}" already exists`, {
            violations: [{ field: 'id', rule: 'must not be the id of an existing account' }],
            cause: error,
          });
        }
        throw error;
      }
    },
    async get(id) {
      const row = byId.get(id) as AccountRow | undefined;
      return row ? toAccount(row) : null;
    },
    async update(id, patch: AccountPatch) {
      const enabled = patch.auditLogsEnabled === undefined ? null : patch.auditLogsEnabled ? 1 : 0;
      const row = update.get(
        patch.name ?? null,
        patch.plan ?? null,
        enabled,
        patch.retentionDays ?? null,
        id,
      ) as AccountRow | undefined;
      return row ? toAccount(row) : null;
    },
    async list() {
      return (all.all() as AccountRow[]).map(toAccount);
    },
    async createKey(record) {
      insertKey.run(
        record.id,
        record.accountId,
        record.name,
        JSON.stringify(record.scopes),
        record.secretHash,
        record.createdAt,
        record.revokedAt,
      );
    },
    async getKey(id) {
      const row = keyById.get(id) as KeyRow | undefined;
      return row ? toKey(row) : null;
    },
    async listKeys(accountId) {
      return (keysOf.all(accountId) as KeyRow[]).map(toKey);
    },
    async revokeKey(id, at) {
      return revoke.run(at, id).changes > 0;
    },
  };
}
