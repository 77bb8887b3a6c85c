/**
 * @module A short-lived cache of the API key records and accounts the ingest guard reads on every
 * request (two store lookups per event when producers send one event per request). It keeps only
 * what lets a request through — an unrevoked key record, an account with audit logs on — so turning
 * access ON is seen at once, and turning it OFF from another process (`auditlog keys revoke`, a
 * settings change on another server) is seen within {@link DEFAULT_CREDENTIAL_TTL_MS}. Changes this
 * process makes call `forgetAccount` and are seen at once. The record is cached, never the verdict:
 * the presented secret is still hashed and compared in constant time on every request.
 */
import type { Account, AccountStore, ApiKeyRecord } from '../store/types.ts';

/** How long a cached record is trusted: the most a revocation in another process waits. */
export const DEFAULT_CREDENTIAL_TTL_MS = 1000;
/** Bounds memory: real keys and accounts only (unknown ids are never cached), oldest dropped first. */
const MAX_ENTRIES = 10_000;

/** The lookups the ingest guard makes, served from the cache while fresh. */
export interface CredentialCache extends Pick<AccountStore, 'get' | 'getKey'> {
  /** Drops the account, so this process's next request reads its settings from the store. */
  forgetAccount(id: string): void;
}

export interface CredentialCacheDeps {
  accounts: Pick<AccountStore, 'get' | 'getKey'>;
  /** The app's clock. Default: the system clock. */
  clock?: () => Date;
  ttlMs?: number;
}

interface Entry<T> {
  storedAt: number;
  value: T;
}

/** Entries younger than the TTL, at most {@link MAX_ENTRIES} of them. */
function createTable<T>(now: () => number, ttlMs: number) {
  const entries = new Map<string, Entry<T>>();
  return {
    fresh(id: string): T | undefined {
      const entry = entries.get(id);
      if (!entry) return undefined;
      const age = now() - entry.storedAt;
      // A negative age means the wall clock stepped back: trust nothing from before the step.
      if (age >= 0 && age < ttlMs) return entry.value;
      entries.delete(id);
      return undefined;
    },
    store(id: string, value: T): void {
      entries.delete(id);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(id, { storedAt: now(), value });
    },
    forget(id: string): void {
      entries.delete(id);
    },
  };
}

/**
 * Creates the cache over the store's account lookups.
 *
 * @example
 * const credentials = createCredentialCache({ accounts: store.accounts, clock });
 * const record = await authenticateApiKey(credentials, presented);
 */
export function createCredentialCache(deps: CredentialCacheDeps): CredentialCache {
  const clock = deps.clock ?? (() => new Date());
  const now = () => clock().getTime();
  const ttlMs = deps.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS;
  const keys = createTable<ApiKeyRecord>(now, ttlMs);
  const accounts = createTable<Account>(now, ttlMs);
  // Bumped by every forget: a lookup that started before a change must not cache what it read.
  let generation = 0;

  return {
    async getKey(id) {
      const cached = keys.fresh(id);
      if (cached) return cached;
      const started = generation;
      const record = await deps.accounts.getKey(id);
      if (record && record.revokedAt === null && started === generation) keys.store(id, record);
      return record;
    },
    async get(id) {
      const cached = accounts.fresh(id);
      if (cached) return cached;
      const started = generation;
      const account = await deps.accounts.get(id);
      if (account?.auditLogsEnabled && started === generation) accounts.store(id, account);
      return account;
    },
    forgetAccount(id) {
      generation++;
      accounts.forget(id);
    },
  };
}
