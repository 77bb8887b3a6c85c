/**
 * @module Shared helpers of the store conformance suite: appending with assertions, verifying a
 * chain, paging through a whole result, and a reference model of list() written in plain
 * TypeScript, against which every engine's SQL is compared.
 */
import { expect } from 'vitest';
import { GENESIS_HASH, hashEvent, type PendingEvent } from '../../events/chain.ts';
import type { AuditEvent, EventSummary } from '../../events/schema.ts';
import type { AppendedEvent, EventQuery, Keyset, Store } from '../types.ts';

/** Gives the suite's parts the store opened by the suite's `beforeAll`. */
export type StoreRef = () => Store;

/** Appends one batch and fails the test unless it committed. */
export async function appendOk(
  store: Store,
  accountId: string,
  events: PendingEvent[],
): Promise<AppendedEvent[]> {
  const [outcome] = await store.events.appendBatches([{ accountId, events }]);
  if (!outcome?.ok) {
    throw new Error(`append failed: ${outcome ? outcome.error.message : 'no outcome returned'}`);
  }
  return outcome.events;
}

/** Appends events one call each (so they get distinct seqs in order) and returns them as stored. */
export async function appendAll(
  store: Store,
  accountId: string,
  events: PendingEvent[],
): Promise<AuditEvent[]> {
  await appendOk(store, accountId, events);
  return Promise.all(events.map(async (e) => (await store.events.get(accountId, e.id))!));
}

/**
 * Asserts `events` form an intact chain: seq 1..n without gaps, each prevHash the previous hash
 * (genesis first), and each hash the sha256 of the event's own canonical content.
 */
export function expectIntactChain(events: AuditEvent[], firstSeq = 1, firstPrevHash = GENESIS_HASH): void {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let prev = firstPrevHash;
  sorted.forEach((event, i) => {
    expect(event.seq).toBe(firstSeq + i);
    expect(event.prevHash).toBe(prev);
    const { hash, ...content } = event;
    expect(hashEvent(content)).toBe(hash);
    prev = hash;
  });
}

/**
 * Reads every page of a query and returns all rows in order, checking page sizes on the way. Takes
 * anything with a store's list(), such as an engine's read side on its own.
 */
export async function listAll(
  store: { events: Pick<Store['events'], 'list'> },
  accountId: string,
  query: EventQuery,
  onPage?: (page: number) => Promise<void>,
): Promise<EventSummary[]> {
  const rows: EventSummary[] = [];
  let after: Keyset | undefined = query.after;
  for (let page = 0; page < 10_000; page++) {
    const result = await store.events.list(accountId, { ...query, after });
    expect(result.events.length).toBeLessThanOrEqual(query.limit);
    rows.push(...result.events);
    if (result.next === null) return rows;
    expect(result.events.length).toBe(query.limit);
    const last = result.events[result.events.length - 1]!;
    expect(result.next).toEqual({ occurredAt: last.occurredAt, id: last.id });
    after = result.next;
    await onPage?.(page);
  }
  throw new Error('pagination did not terminate');
}

/** Newest first: occurredAt descending, then id descending. */
export function compareNewestFirst(
  a: { occurredAt: string; id: string },
  b: { occurredAt: string; id: string },
): number {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function haystack(event: AuditEvent): string[] {
  const fields = [
    event.api?.path,
    event.target?.id,
    event.target?.name,
    event.target?.path,
    event.actor.id,
    event.actor.email,
    event.actor.name,
  ];
  return fields.filter((f): f is string => typeof f === 'string').map((f) => f.toLowerCase());
}

function matches(event: AuditEvent, q: EventQuery): boolean {
  const t = Date.parse(event.occurredAt);
  if (event.stream !== q.stream) return false;
  if (q.actorIds && !q.actorIds.includes(event.actor.id)) return false;
  if (q.operations && !q.operations.includes(event.operation)) return false;
  if (q.categories && !q.categories.includes(event.category)) return false;
  if (q.status && event.status !== q.status) return false;
  if (q.from !== undefined && t < Date.parse(q.from)) return false;
  if (q.to !== undefined && t >= Date.parse(q.to)) return false;
  if (q.targetPath !== undefined && event.target?.path !== q.targetPath) return false;
  if (q.requestId !== undefined && event.requestId !== q.requestId) return false;
  if (q.q !== undefined) {
    const needle = q.q.toLowerCase();
    if (!haystack(event).some((h) => h.includes(needle))) return false;
  }
  if (q.after && compareNewestFirst(event, q.after) <= 0) return false;
  return true;
}

/** The reference semantics of list(): every matching event, newest first, without a limit. */
export function referenceList(events: AuditEvent[], query: EventQuery): AuditEvent[] {
  return events.filter((e) => matches(e, query)).sort(compareNewestFirst);
}

/** The list row of a stored event: exactly the fields of EventSummary. */
export function toSummary(event: AuditEvent): EventSummary {
  return {
    id: event.id,
    seq: event.seq,
    stream: event.stream,
    occurredAt: event.occurredAt,
    actor: event.actor,
    category: event.category,
    operation: event.operation,
    status: event.status,
    httpStatus: event.httpStatus,
    api: event.api,
    target: event.target,
    ip: event.ip,
    requestId: event.requestId,
  };
}
