/**
 * @module What the harness needs from a storage engine besides our own Store: fresh databases, and
 * the hand-written baselines (raw inserts and raw list queries) each figure is compared with.
 */
import type { EventQuery } from '../../src/store/types.ts';

/** Rows of one account the store wrote: seq `fromSeq`..`toSeq` (inclusive), with their ids. */
export interface RowRange {
  accountId: string;
  fromSeq: number;
  toSeq: number;
  /** The ids of those rows when known (PostgreSQL finds rows by id; it has no seq index). */
  ids?: string[];
}

/**
 * The ingest baselines: copies rows the store wrote into another database of the same schema
 * (created by our own migrations) with a hand-written prepared INSERT. Reading the store's rows
 * (untimed) is what makes them the same rows, byte for byte, whatever encoding the store chose.
 */
export interface RawWriter {
  /** Reads the rows of these ranges from the source database. Not timed. */
  read(ranges: readonly RowRange[]): Promise<RawRows>;
  /** Inserts the rows in one transaction. */
  insertBatch(rows: RawRows): Promise<void>;
  /** Inserts the rows one per transaction, each durable before the next. */
  insertEach(rows: RawRows): Promise<void>;
  close(): Promise<void>;
}

/** Rows as an engine reads them, ready to insert. */
export interface RawRows {
  count: number;
  values: unknown;
}

/** The list queries written by hand against the same database the store uses. */
export interface RawReader {
  /** Runs the hand-written equivalent of `store.events.list` and returns the number of rows. */
  list(accountId: string, query: EventQuery): Promise<number>;
  /** The engine's plan for that query (EXPLAIN QUERY PLAN / EXPLAIN), for the report. */
  explain(accountId: string, query: EventQuery): Promise<string>;
  /**
   * Reads the account's oldest `events` rows and their payloads through this reader's connection,
   * so that its page cache is full before anything is timed (see list-queries.ts).
   */
  fillCache(accountId: string, events: number): Promise<void>;
  close(): Promise<void>;
}

/** One engine under test. */
export interface BenchEngine {
  readonly name: 'sqlite' | 'postgres';
  /**
   * A connection URL (for `openStore`) of a database named `label`: a file in the work directory
   * or a database on the PostgreSQL server. `fresh` drops what was there.
   */
  databaseUrl(label: string, fresh: boolean): Promise<string>;
  /**
   * A copy of the database at `sourceUrl` named `label` (SQLite: the file after a checkpoint;
   * PostgreSQL: CREATE DATABASE … TEMPLATE), so a write benchmark can start from a full database
   * without changing the data set.
   */
  copyDatabase(sourceUrl: string, label: string): Promise<string>;
  /** True when the database already holds a loaded data set (for `--reuse`). */
  exists(label: string): Promise<boolean>;
  /**
   * What saveDescription kept with the database `label`, or null. It travels with the data set
   * (SQLite: a file beside the database; PostgreSQL: the database's comment), so any checkout on
   * the machine can reuse it.
   */
  readDescription(label: string): Promise<string | null>;
  saveDescription(label: string, description: string): Promise<void>;
  /** A raw writer copying from `sourceUrl` into `targetUrl` (migrated here by our own migrations). */
  openRawWriter(sourceUrl: string, targetUrl: string): Promise<RawWriter>;
  openRawReader(url: string): Promise<RawReader>;
  /**
   * Brings the data set to the state a running server keeps it in before reads are timed. SQLite:
   * the trigram index merges our writer runs when appends pause, then reads the file once, so the
   * read measurements find it in the OS page cache rather than whatever the kernel happened to
   * keep (see bench/README.md). PostgreSQL: autovacuum's pass.
   */
  warmCache(url: string): Promise<void>;
  /** Bytes the events take on disk (after a checkpoint), and how many events there are. */
  footprint(url: string): Promise<{ bytes: number; events: number; detail: Record<string, number> }>;
  /** Stops servers and removes temporary databases. */
  dispose(): Promise<void>;
}
