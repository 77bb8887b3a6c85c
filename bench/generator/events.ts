/**
 * @module The event generator: a deterministic, time-ordered stream of realistic audit events over
 * a window (12 months by default), as {@link PendingEvent}s for store benchmarks and
 * {@link EventInput}s for the HTTP API.
 */
import type { PendingEvent } from '../../src/events/chain.ts';
import type { EventInput, Target } from '../../src/events/schema.ts';
import { deriveSeed, intBetween, mulberry32, pick, type Random, weighted } from '../support/prng.ts';
import { seededUlid } from '../support/ulid.ts';
import { makePayloads } from './payloads.ts';
import { apiFor, type EventKind, eventKindSampler, targetType } from './routes.ts';
import { ASSET_WORDS, COMPANY_WORDS } from './vocabulary.ts';
import type { BenchAccount, World } from './world.ts';

/** A generated event and the account it belongs to. */
export interface GeneratedEvent {
  accountId: string;
  event: PendingEvent;
}

export interface EventStreamOptions {
  world: World;
  seed: number;
  count: number;
  /** occurredAt of the last event (ms since epoch). */
  endMs: number;
  /** Width of the time window; events are spread evenly over it in order. Default 365 days. */
  spanMs?: number;
  /** Prefix of idempotency keys and request ids, so separate runs against one database never collide. */
  keyPrefix?: string;
}

export const YEAR_MS = 365 * 24 * 3600 * 1000;

const FAILURE_CODES = [400, 403, 404, 409, 422, 429, 500, 503] as const;

function token(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 36).toString(36);
  return out;
}

/** Skewed index: lower indexes are drawn more often, as popular assets and busy actors are. */
function skewed(random: Random, length: number): number {
  return Math.floor(length * random() ** 2);
}

function targetFor(random: Random, account: BenchAccount, kind: EventKind): Target {
  const type = targetType(kind.category);
  if (kind.stream === 'media') {
    const index = skewed(random, account.assetPaths.length);
    const path = account.assetPaths[index] as string;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const folder = kind.category === 'folders' ? path.slice(0, path.lastIndexOf('/')) : path;
    return { type, id: `${type}_${index.toString(36)}`, name, path: folder };
  }
  const n = intBetween(random, 1, Math.max(5, Math.round(account.weight * 400)));
  const name =
    kind.category === 'user_management'
      ? `invitee${n}@${pick(random, COMPANY_WORDS)}.example`
      : `${pick(random, ASSET_WORDS)}-${kind.category.replace(/_/g, '-')}-${n}`;
  return { type, id: `${type}_${n}`, name };
}

function statusFor(random: Random, kind: EventKind): { status: 'success' | 'failure'; httpStatus: number } {
  if (random() < 0.04) return { status: 'failure', httpStatus: pick(random, FAILURE_CODES) };
  const httpStatus =
    kind.operation === 'create' || kind.operation === 'upload'
      ? 201
      : kind.operation === 'delete'
        ? 204
        : 200;
  return { status: 'success', httpStatus };
}

/**
 * Yields `count` events in occurredAt order, spread over the window ending at `endMs`, distributed
 * over the world's accounts by weight. Deterministic for a given seed, count and window.
 *
 * @example
 * for (const { accountId, event } of generateEvents({ world, seed: 1, count: 1000, endMs })) { … }
 */
export function* generateEvents(options: EventStreamOptions): Generator<GeneratedEvent> {
  const random = mulberry32(deriveSeed(options.seed, `events:${options.keyPrefix ?? ''}`));
  const pickAccount = weighted(options.world.accounts.map((a) => [a, a.weight] as const));
  const pickKind = eventKindSampler();
  const span = options.spanMs ?? YEAR_MS;
  const start = options.endMs - span;
  const prefix = options.keyPrefix ?? 'g';
  for (let i = 0; i < options.count; i++) {
    const account = pickAccount(random);
    const kind = pickKind(random);
    const who = account.actors[skewed(random, account.actors.length)] ?? account.actors[0];
    if (!who) throw new Error(`account ${account.id} has no actors`);
    const occurredMs = Math.floor(start + (span * (i + random())) / options.count);
    const receivedMs = occurredMs + intBetween(random, 20, 800);
    const target = targetFor(random, account, kind);
    const { status, httpStatus } = statusFor(random, kind);
    const { request, response } = makePayloads(
      random,
      kind,
      target.id,
      target.path ?? target.name ?? target.id,
      httpStatus,
    );
    yield {
      accountId: account.id,
      event: {
        id: seededUlid(receivedMs, random),
        stream: kind.stream,
        category: kind.category,
        operation: kind.operation,
        actor: who.actor,
        target,
        api: apiFor(kind, target.id),
        request,
        response,
        before: null,
        after: null,
        status,
        httpStatus,
        ip: pick(random, who.ips),
        userAgent: who.userAgent,
        requestId: `req_${prefix}_${token(random, 16)}`,
        idempotencyKey: `ik_${prefix}_${i.toString(36)}_${token(random, 6)}`,
        occurredAt: new Date(occurredMs).toISOString(),
        receivedAt: new Date(receivedMs).toISOString(),
      },
    };
  }
}

/** What a producer would POST for this event: our own fields (id, receivedAt) and nulls dropped. */
export function toEventInput(event: PendingEvent): EventInput {
  const input: EventInput = {
    stream: event.stream === 'media' ? 'media' : 'central',
    category: event.category,
    operation: event.operation,
    actor: event.actor,
    status: event.status,
    occurredAt: event.occurredAt,
  };
  if (event.target) input.target = event.target;
  if (event.api) input.api = event.api;
  if (event.request !== null) input.request = event.request;
  if (event.response !== null) input.response = event.response;
  if (event.httpStatus !== null) input.httpStatus = event.httpStatus;
  if (event.ip !== null) input.ip = event.ip;
  if (event.userAgent !== null) input.userAgent = event.userAgent;
  if (event.requestId !== null) input.requestId = event.requestId;
  if (event.idempotencyKey !== null) input.idempotencyKey = event.idempotencyKey;
  return input;
}
