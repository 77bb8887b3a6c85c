/**
 * @module Monthly partitions of the events table: naming, creation ahead of time and on demand
 * (with a cache of months known to exist), listing, and dropping for retention.
 */
import type pg from 'pg';
import { SEARCH_KEYS_INDEX } from './search-keys.ts';

/** A month as a single integer: year * 12 + zero-based month (UTC). */
export type MonthKey = number;

/** Months before the current one created at migrate, so late events need no DDL on the hot path. */
export const MONTHS_BEHIND = 13;
/** Months after the current one created at migrate. */
export const MONTHS_AHEAD = 3;

/** Serialises partition DDL across processes. */
const PARTITION_LOCK = 7_370_019_002;

/** The month of a date, in UTC. */
export function monthOf(date: Date): MonthKey {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** The first instant of a month (UTC). */
export function monthStart(month: MonthKey): Date {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  date.setUTCFullYear(Math.floor(month / 12), month % 12, 1);
  return date;
}

/** `events_2026_11` for November 2026. */
export function partitionName(month: MonthKey): string {
  const year = String(Math.floor(month / 12)).padStart(4, '0');
  const mm = String((month % 12) + 1).padStart(2, '0');
  return `events_${year}_${mm}`;
}

/** The month a partition name stands for, or null when the name is not one of ours. */
export function parsePartitionName(name: string): MonthKey | null {
  const match = /^events_(\d{4})_(\d{2})$/.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return Number(match[1]) * 12 + month - 1;
}

/** A monthly partition as the catalog knows it. */
export interface PartitionInfo {
  name: string;
  month: MonthKey;
  /** Inclusive lower bound of occurred_at. */
  from: Date;
  /** Exclusive upper bound of occurred_at. */
  to: Date;
  /** False for a table left detached by an interrupted purge (still to be dropped). */
  attached: boolean;
  /** True when a DETACH ... CONCURRENTLY was interrupted and must be finalized. */
  detachPending: boolean;
}

/** Creates, lists and drops monthly partitions; remembers which months exist. */
export interface Partitions {
  /** Creates every month in `months` not known to exist yet. Cheap when all are cached. */
  ensure(months: Iterable<MonthKey>): Promise<void>;
  /** Creates the months from MONTHS_BEHIND before `now` to MONTHS_AHEAD after it. */
  ensureAround(now: Date): Promise<void>;
  /** Every table named like a monthly partition, attached or left behind by a purge. */
  list(): Promise<PartitionInfo[]>;
  /** Detaches a partition without blocking writers of other months (finalizes an interrupted detach). */
  detach(partition: PartitionInfo): Promise<void>;
  /** Attaches a detached month again (a purge found it still holds events to keep). */
  attach(month: MonthKey): Promise<void>;
  /** Drops a detached partition table. */
  drop(month: MonthKey): Promise<void>;
  /** Forgets the cache, e.g. after another server dropped a month we thought existed. */
  forget(): void;
}

/**
 * Most entries the trigram index of a partition keeps in its pending list, in kB (PostgreSQL's
 * default is 4 MB). New rows' trigrams wait in that unsorted list until it passes this size (or a
 * vacuum), and every search of the partition reads all of it: with 4 MB, a month still being
 * written — or every month just after a bulk load — added up to ~3 ms per month searched. 256 kB
 * (about 800 events) bounds that to ~0.2 ms; the insert that passes it merges the list.
 */
export const SEARCH_PENDING_LIMIT_KB = 256;

/**
 * Sets SEARCH_PENDING_LIMIT_KB on a trigram index (`index`, the partitioned one) of one partition,
 * or of every partition. The option cannot be set on a partitioned index, so each partition's copy
 * gets it; to_regclass keeps this harmless on a schema without the index.
 */
export function limitSearchPendingSql(index: string, partition?: string): string {
  const which = partition === undefined ? '' : ` AND x.indrelid = '${partition}'::regclass`;
  return `DO $$
DECLARE idx regclass;
BEGIN
  FOR idx IN SELECT i.inhrelid::regclass FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
              WHERE i.inhparent = to_regclass('${index}')${which} LOOP
    EXECUTE format('ALTER INDEX %s SET (gin_pending_list_limit = ${SEARCH_PENDING_LIMIT_KB})', idx);
  END LOOP;
END $$`;
}

function createSql(month: MonthKey): string[] {
  // DDL takes no parameters; the name and bounds are built from integers only.
  const name = partitionName(month);
  const from = monthStart(month).toISOString();
  const to = monthStart(month + 1).toISOString();
  return [
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF events FOR VALUES FROM ('${from}') TO ('${to}')`,
    `DROP TRIGGER IF EXISTS ${name}_no_truncate ON ${name}`,
    `CREATE TRIGGER ${name}_no_truncate BEFORE TRUNCATE ON ${name}
       FOR EACH STATEMENT EXECUTE FUNCTION auditlog_events_append_only()`,
    limitSearchPendingSql(SEARCH_KEYS_INDEX, name),
  ];
}

function attachSql(month: MonthKey): string {
  const from = monthStart(month).toISOString();
  const to = monthStart(month + 1).toISOString();
  return `ALTER TABLE events ATTACH PARTITION ${partitionName(month)} FOR VALUES FROM ('${from}') TO ('${to}')`;
}

/** The partition manager of one store (one pool). Nothing runs until a method is called. */
export function createPartitions(pool: pg.Pool): Partitions {
  const known = new Set<MonthKey>();
  // One DDL transaction at a time in this process; the advisory lock covers other processes.
  let queue: Promise<unknown> = Promise.resolve();

  async function createMonths(months: MonthKey[]): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      const { rows } = await client.query<{ relname: string; attached: boolean }>(
        `SELECT c.relname, EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AS attached
           FROM pg_class c
          WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])`,
        [months.map(partitionName)],
      );
      const existing = new Map(rows.map((row) => [row.relname, row.attached]));
      for (const month of months) {
        const attached = existing.get(partitionName(month));
        if (attached === true) continue;
        // A table left detached by an interrupted purge comes back rather than being shadowed.
        const statements = attached === false ? [attachSql(month)] : createSql(month);
        for (const sql of statements) await client.query(sql);
      }
      await client.query('COMMIT');
      for (const month of months) known.add(month);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const ensure = async (months: Iterable<MonthKey>): Promise<void> => {
    const missing = [...new Set(months)].filter((month) => !known.has(month)).sort((a, b) => a - b);
    if (missing.length === 0) return;
    const run = queue.then(() => {
      const still = missing.filter((month) => !known.has(month));
      return still.length > 0 ? createMonths(still) : undefined;
    });
    queue = run.catch(() => undefined);
    await run;
  };

  return {
    ensure,
    ensureAround(now) {
      const current = monthOf(now);
      const months: MonthKey[] = [];
      for (let m = current - MONTHS_BEHIND; m <= current + MONTHS_AHEAD; m++) months.push(m);
      return ensure(months);
    },
    async list() {
      const { rows } = await pool.query<{ relname: string; attached: boolean; detach_pending: boolean }>(
        `SELECT c.relname, i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS detach_pending
           FROM pg_class c
           LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = 'events'::regclass
          WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
            AND c.relname ~ '^events_[0-9]{4}_[0-9]{2}$'`,
      );
      return rows
        .map((row) => ({ row, month: parsePartitionName(row.relname) }))
        .filter((entry): entry is { row: (typeof rows)[number]; month: MonthKey } => entry.month !== null)
        .map(({ row, month }) => ({
          name: row.relname,
          month,
          from: monthStart(month),
          to: monthStart(month + 1),
          attached: row.attached,
          detachPending: row.detach_pending,
        }))
        .sort((a, b) => a.month - b.month);
    },
    async detach(partition) {
      known.delete(partition.month);
      const name = partitionName(partition.month);
      // CONCURRENTLY cannot run inside a transaction block, so each statement is its own.
      if (partition.detachPending) {
        await pool.query(`ALTER TABLE events DETACH PARTITION ${name} FINALIZE`);
      } else if (partition.attached) {
        await pool.query(`ALTER TABLE events DETACH PARTITION ${name} CONCURRENTLY`);
      }
    },
    async attach(month) {
      await pool.query(attachSql(month));
      known.add(month);
    },
    async drop(month) {
      known.delete(month);
      await pool.query(`DROP TABLE IF EXISTS ${partitionName(month)}`);
    },
    forget() {
      known.clear();
    },
  };
}
