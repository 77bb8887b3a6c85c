/**
 * @module The PostgreSQL storage engine: monthly-partitioned, append-only events (enforced by the
 * database), chain heads and idempotency keys beside them, and accounts — behind the Store contract.
 */
import pg from 'pg';
import type { MigrationStep, Store } from '../types.ts';
import { createAccountStore } from './accounts.ts';
import { createAppend } from './append.ts';
import { keepFreedMemory } from './backend-memory.ts';
import { createCommonKeys } from './common-keys.ts';
import { createExport } from './export.ts';
import { createMemberStore, createSecretStore } from './members.ts';
import { runMigrations } from './migrations.ts';
import { createPartitions } from './partitions.ts';
import { createPurge } from './purge.ts';
import { createReads } from './read.ts';
import { mapUnavailable } from './unavailable.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** The clock of partition creation and default account creation times. Default: the real one. */
  clock?: () => Date;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
}

/** A PostgreSQL Store, plus the partition step append runs on its own (exposed for operators and tests). */
export interface PostgresStore extends Store {
  readonly engine: 'postgres';
  /** Creates the monthly partitions around `now` (13 months back, 3 ahead) that do not exist yet. */
  ensurePartitions(now: Date): Promise<void>;
}

/**
 * Opens a pool (lazily: no connection until the first query). Call `migrate()` before use.
 *
 * @example
 * const store = createPostgresStore({ connectionString: process.env.AUDITLOG_DATABASE_URL! });
 * await store.migrate();
 * const [outcome] = await store.events.appendBatches([{ accountId: 'acc_1', events: [pending] }]);
 * await store.close();
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const clock = options.clock ?? (() => new Date());
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    onConnect: keepFreedMemory,
  });
  // An idle connection that dies (server restart) emits here; without a listener the process
  // would crash. The next query reports the problem to its caller instead.
  pool.on('error', () => undefined);
  const partitions = createPartitions(pool);
  const reads = createReads({ pool, commonKeys: createCommonKeys(pool) }, clock);

  const maintenance = mapUnavailable({
    async migrate(onStep?: (step: MigrationStep) => void) {
      await runMigrations(pool, undefined, onStep);
      await partitions.ensureAround(clock());
    },
    ensurePartitions: (now: Date) => partitions.ensureAround(now),
  });

  return {
    engine: 'postgres',
    events: mapUnavailable({
      appendBatches: createAppend(pool, partitions),
      purgeExpired: createPurge(pool, partitions),
      exportPage: createExport(pool),
      ...reads,
    }),
    accounts: mapUnavailable(createAccountStore(pool, clock)),
    members: mapUnavailable(createMemberStore(pool, clock)),
    secrets: mapUnavailable(createSecretStore(pool)),
    migrate: maintenance.migrate,
    ensurePartitions: maintenance.ensurePartitions,
    async close() {
      await pool.end();
    },
  };
}
