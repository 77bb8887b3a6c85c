/**
 * @module Shared setup of the access tests: real stores on both engines (a SQLite file in a temp
 * dir, a fresh PostgreSQL database), accounts, and an account's whole chain read back from the store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulidx';
import type { Stream } from '../../src/events/catalog.ts';
import type { AuditEvent } from '../../src/events/schema.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Account, Store } from '../../src/store/types.ts';
import { createTestDatabase } from '../support/postgres.ts';

/** A migrated store and how to dispose of it. */
export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

/** A migrated SQLite store on a file in a fresh temp dir. */
export async function openSqliteStore(): Promise<OpenedStore> {
  const dir = await mkdtemp(join(tmpdir(), 'auditlog-access-'));
  const store = createSqliteStore({ path: join(dir, 'access.db') });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated PostgreSQL store on a fresh database of the test server. */
export async function openPostgresStore(): Promise<OpenedStore> {
  const database = await createTestDatabase();
  const store = createPostgresStore({ connectionString: database.url, poolSize: 4 });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/** Both engines, for `describe.each`. */
export const ENGINES: Array<[string, () => Promise<OpenedStore>]> = [
  ['sqlite', openSqliteStore],
  ['postgres', openPostgresStore],
];

/** Creates an account straight in the store (no event recorded); enterprise and enabled unless told. */
export async function makeAccount(store: Store, overrides: Partial<Account> = {}): Promise<Account> {
  return store.accounts.create({
    id: `acc_${ulid().toLowerCase()}`,
    name: 'Test account',
    plan: 'enterprise',
    auditLogsEnabled: true,
    retentionDays: 365,
    ...overrides,
  });
}

/** Every event of an account in the given streams, whole, in seq order. */
export async function allEvents(
  store: Store,
  accountId: string,
  streams: Stream[] = ['central', 'media', 'access'],
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (const stream of streams) {
    let after: { occurredAt: string; id: string } | undefined;
    for (;;) {
      const page = await store.events.list(accountId, { stream, limit: 200, ...(after && { after }) });
      for (const row of page.events) events.push((await store.events.get(accountId, row.id))!);
      if (!page.next) break;
      after = page.next;
    }
  }
  return events.sort((a, b) => a.seq - b.seq);
}
