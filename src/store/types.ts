/**
 * @module The storage contract. Every engine (SQLite, PostgreSQL) implements {@link Store}; the
 * conformance suite (src/store/conformance.ts) proves an engine honours it. The store knows nothing
 * of HTTP. Every event method takes the account id first and filters on it in SQL: no method can
 * return another account's events.
 */
import type { AuditlogError } from '../errors.ts';
import type { Stream } from '../events/catalog.ts';
import type { PendingEvent } from '../events/chain.ts';
import type { Actor, AuditEvent, EventStatus, EventSummary } from '../events/schema.ts';

/** One account's events to append atomically (all or nothing). */
export interface AppendBatch {
  accountId: string;
  events: PendingEvent[];
}

/** What an appended (or idempotently replayed) event got. */
export interface AppendedEvent {
  id: string;
  seq: number;
  /** True when the idempotency key matched an event stored earlier: nothing new was stored. */
  duplicate: boolean;
}

/** The outcome of one batch: each batch commits or fails on its own. */
export type AppendOutcome = { ok: true; events: AppendedEvent[] } | { ok: false; error: AuditlogError };

/** A position in the newest-first order (occurredAt desc, id desc): the last row of a page. */
export interface Keyset {
  occurredAt: string;
  id: string;
}

/** Filters of the list endpoint, already validated. Multi-valued filters match any of their values. */
export interface EventQuery {
  stream: Stream;
  actorIds?: string[];
  operations?: string[];
  categories?: string[];
  status?: EventStatus;
  /** Inclusive lower bound on occurredAt (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on occurredAt (ISO 8601). */
  to?: string;
  /** Exact asset path (target.path). */
  targetPath?: string;
  requestId?: string;
  /** Free text, matched case-insensitively as a substring of api path, target (id, name, path) and actor (id, email, name). */
  q?: string;
  /** 1..200 */
  limit: number;
  /** Continue after this row. */
  after?: Keyset;
}

export interface EventPage {
  events: EventSummary[];
  /** The last row's keyset when more rows may follow; null on the last page. */
  next: Keyset | null;
}

/**
 * What exportPage reads: one account's whole events in ascending seq (the order the hash chain is
 * verified in), from just after `afterSeq` through `throughSeq`, optionally narrowed by stream and
 * time. Continue with `afterSeq` = the page's `next` until it is null.
 */
export interface ExportQuery {
  /** Start after this seq (0: from the first event); resume an interrupted export with its last seq. */
  afterSeq: number;
  /** The last seq to read — usually head().seq when the export began, so an export is a fixed range. */
  throughSeq: number;
  /** 1..EXPORT_MAX_LIMIT events per page. */
  limit: number;
  /** Only these streams; absent: every stream. An empty list matches nothing. */
  streams?: Stream[];
  /** Inclusive lower bound on occurredAt (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on occurredAt (ISO 8601). */
  to?: string;
}

/** The most events one exportPage call returns. */
export const EXPORT_MAX_LIMIT = 5000;

/** One event of an export page: its JSON text, and its stream (so callers can check who may read it). */
export interface ExportLine {
  stream: Stream;
  json: string;
}

/** One page of an export. */
export interface ExportPage {
  /**
   * Matching events in ascending seq, each as one line of JSON text (no newline) that parses to
   * the event exactly as get() returns it (payloads, prevHash, hash), with the event's stream
   * beside it. Text, not objects: an export only writes the events out, and an engine can build
   * the text without decoding every payload into objects first. Member order is the engine's.
   */
  lines: ExportLine[];
  /**
   * The afterSeq of the next page, or null once everything through throughSeq was read. A call
   * examines a bounded range of seqs, so a page may be empty and still not be the last: a narrow
   * filter over a long history never makes one call scan it all.
   */
  next: number | null;
}

/** Everything a store needs to know about accounts for retention and gating. */
export interface Account {
  id: string;
  name: string;
  plan: 'free' | 'enterprise';
  auditLogsEnabled: boolean;
  retentionDays: number;
  createdAt: string;
}

export type AccountPatch = Partial<Pick<Account, 'name' | 'plan' | 'auditLogsEnabled' | 'retentionDays'>>;

export type Scope = 'ingest' | 'read' | 'admin';

/** A server API key. Only a sha256 of its secret is stored. */
export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  scopes: Scope[];
  /** hex sha256 of the secret part of the key */
  secretHash: string;
  createdAt: string;
  revokedAt: string | null;
}

/** What a member may do in the host product; only owner, admin and auditor may read audit logs. */
export type Role = 'owner' | 'admin' | 'auditor' | 'developer' | 'member';

/** A person of an account, synced from the host product. Ids are the host product's, per account. */
export interface Member {
  accountId: string;
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

/** What a member upsert writes: everything but the times, which the store keeps. */
export type MemberInput = Omit<Member, 'createdAt' | 'updatedAt'>;

export interface PurgeResult {
  /** Rows deleted one by one (SQLite, or partial partitions in PostgreSQL). */
  deletedEvents: number;
  /** Whole monthly partitions dropped (PostgreSQL only). */
  droppedPartitions: string[];
}

export interface EventStore {
  /**
   * Appends several batches in one durable transaction (group commit). Each batch is atomic on its
   * own: a failing batch leaves no row behind and does not fail the others. Assigns seq, prevHash
   * and hash per account. An event whose idempotencyKey the account has already used is not stored
   * again: the earlier event's id and seq come back with `duplicate: true`. Resolves only after the
   * transaction is durable on disk.
   */
  appendBatches(batches: AppendBatch[]): Promise<AppendOutcome[]>;
  /**
   * How many appendBatches calls a caller may usefully have in flight at once (absent: 1). SQLite
   * writes a call's transaction at once and then only waits for its fsync, so the next call can be
   * written meanwhile; an engine that could deadlock on concurrent calls leaves this out.
   */
  readonly appendConcurrency?: number;
  /** Newest first (occurredAt desc, id desc), keyset-paginated. */
  list(accountId: string, query: EventQuery): Promise<EventPage>;
  /** The whole event, payloads included; null when unknown or another account's. */
  get(accountId: string, id: string): Promise<AuditEvent | null>;
  /** Distinct actors of the account in a stream, with their latest known email/name, sorted by id. */
  actors(accountId: string, stream: Stream): Promise<Actor[]>;
  /**
   * One page of the account's whole events in seq order (see {@link ExportQuery}), for exports
   * that stream an account page by page and verify its chain. Never another account's rows.
   */
  exportPage(accountId: string, query: ExportQuery): Promise<ExportPage>;
  /** The account's last seq and hash (0 and GENESIS_HASH before its first event). */
  head(accountId: string): Promise<{ seq: number; hash: string }>;
  /**
   * Removes events older than each account's retentionDays as of `now`, in bounded batches so
   * writers are never blocked for long. The only code path that deletes events.
   */
  purgeExpired(now: Date, options?: { batchSize?: number }): Promise<PurgeResult>;
}

export interface AccountStore {
  create(account: Omit<Account, 'createdAt'> & { createdAt?: string }): Promise<Account>;
  get(id: string): Promise<Account | null>;
  update(id: string, patch: AccountPatch): Promise<Account | null>;
  list(): Promise<Account[]>;
  createKey(record: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | null>;
  listKeys(accountId: string): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: string): Promise<boolean>;
}

/**
 * Members of accounts. Every method takes the account id first and filters on it: a member id is
 * only unique within its account, and no method can reach another account's members.
 */
export interface MemberStore {
  /**
   * Inserts or replaces a member (the account must exist). Returns the stored member and the one
   * it replaced (null when new), read in the same transaction, so callers can tell what changed.
   * `at` (ISO 8601) stamps updatedAt, and createdAt of a new member; default: now.
   */
  upsert(member: MemberInput, at?: string): Promise<{ member: Member; previous: Member | null }>;
  /** The member, or null when unknown in this account. */
  get(accountId: string, id: string): Promise<Member | null>;
  /** The account's members, sorted by id. */
  list(accountId: string): Promise<Member[]>;
  /** Deletes the member and returns it, or null when there was none. */
  remove(accountId: string, id: string): Promise<Member | null>;
}

/** Named secrets the service generates once and keeps in its database (e.g. the viewer-token key). */
export interface SecretStore {
  /**
   * Returns the secret stored under `name`; when there is none yet, stores `candidate` and returns
   * it. The first writer wins, so concurrent servers all end up with the same secret.
   */
  ensure(name: string, candidate: string): Promise<string>;
}

/** A schema migration about to be applied. */
export interface MigrationStep {
  version: number;
  name: string;
}

/** A storage engine: events and accounts in one database, with its migrations. */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly events: EventStore;
  readonly accounts: AccountStore;
  readonly members: MemberStore;
  readonly secrets: SecretStore;
  /**
   * Applies the numbered migrations not yet applied. Idempotent. `onStep` hears of each step just
   * before it runs (inside the migration's lock), so a caller can say why a start is slow: a step
   * that rebuilds an index takes minutes on millions of events.
   */
  migrate(onStep?: (step: MigrationStep) => void): Promise<void>;
  close(): Promise<void>;
}
