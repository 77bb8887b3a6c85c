/**
 * @module Validation of a POST /v1/events body: the TypeBox schema first, then the rules a schema
 * cannot express (catalog, IP syntax, time window, payload size). Every violation of every event is
 * collected, so a producer fixes a batch in one round trip.
 */
import { isIP } from 'node:net';
import { type TSchema, type TUnion, ValueGuard } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { AuditlogError, type Violation } from '../errors.ts';
import { type Catalog, checkCatalog, type Stream } from '../events/catalog.ts';
import { type EventInput, EventInputSchema, LIMITS } from '../events/schema.ts';
import { parseDateTime, registerDateTimeFormat } from './date-time.ts';

/** What the rules beyond the schema depend on. */
export interface ValidationContext {
  catalog: Catalog;
  /** The clock's now, in epoch ms. */
  now: number;
  /** The account's retention: events older than this are refused (they would be purged at once). */
  retentionDays: number;
  /** Cap on the serialized size of each of request/response/before/after. */
  maxPayloadBytes: number;
}

/** A body that passed every rule. `batch` tells the `{events: […]}` form from a single event. */
export interface ValidBody {
  events: EventInput[];
  batch: boolean;
}

const PAYLOAD_FIELDS = ['request', 'response', 'before', 'after'] as const;
const DAY_MS = 86_400_000;

let compiled: TypeCheck<typeof EventInputSchema> | undefined;

/** The compiled checker, built on first use rather than at import time. */
function eventChecker(): TypeCheck<typeof EventInputSchema> {
  if (!compiled) {
    registerDateTimeFormat();
    compiled = TypeCompiler.Compile(EventInputSchema);
  }
  return compiled;
}

/** Turns a TypeBox error into a rule a developer can act on. */
function ruleOf(error: ValueError): string {
  const schema = error.schema as TSchema & Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not an allowed property';
    case ValueErrorType.Union: {
      const options = (schema as TUnion).anyOf ?? [];
      const consts = options.map((o) => (o as { const?: unknown }).const);
      if (consts.length > 0 && consts.every((c) => typeof c === 'string')) {
        return `must be one of: ${consts.join(', ')}`;
      }
      return 'does not match any allowed shape';
    }
    case ValueErrorType.Object:
      return error.path === ''
        ? 'must be a JSON object: one event, or {"events": [...]}'
        : 'must be an object';
    case ValueErrorType.StringPattern:
      return `must match ${String(schema.pattern)}`;
    case ValueErrorType.StringFormat:
      return `must be an ISO 8601 ${String(schema.format)} with a timezone (e.g. 2026-01-31T12:00:00Z)`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${String(schema.minLength)} character(s)`;
    default:
      return error.message.replace(/^Expected /, 'must be ');
  }
}

/** Schema violations of one event, the first per field (TypeBox reports some fields twice). */
function schemaViolations(event: unknown, prefix: string, index: number): Violation[] {
  const checker = eventChecker();
  // Check() is the compiled fast path; Errors() walks the schema interpretively, so it runs only
  // for the rare invalid event, to say what is wrong with it.
  if (checker.Check(event)) return [];
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of checker.Errors(event)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    out.push({ index, field: `${prefix}${error.path}` || '/', rule: ruleOf(error) });
  }
  return out;
}

const PAYLOAD_FIELD_SET: ReadonlySet<string> = new Set(PAYLOAD_FIELDS);

/** Identifier fields (not payloads) holding a NUL character, which PostgreSQL text cannot store. */
function nulViolations(event: Record<string, unknown>): Omit<Violation, 'index'>[] {
  // for…in rather than Object.entries: this runs on every event, and the entry arrays were most of its cost.
  const out: Omit<Violation, 'index'>[] = [];
  for (const key in event) {
    if (!Object.hasOwn(event, key) || PAYLOAD_FIELD_SET.has(key)) continue;
    const value = event[key];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) out.push({ field: `/${key}`, rule: 'must not contain NUL characters' });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const nested = value as Record<string, unknown>;
    for (const sub in nested) {
      const v = nested[sub];
      if (Object.hasOwn(nested, sub) && typeof v === 'string' && v.includes('\u0000')) {
        // A nested key '' is reported as the field itself.
        out.push({ field: sub ? `/${key}/${sub}` : `/${key}`, rule: 'must not contain NUL characters' });
      }
    }
  }
  return out;
}

/** serializedBytesBound's answer for a value nested deeper than LIMITS.payloadDepth. */
const TOO_DEEP = -1;

/** The most characters a JSON number takes (`-1.7976931348623157e+308`). */
const MAX_NUMBER_CHARS = 24;

/**
 * An upper bound of a JSON value's serialized UTF-8 size, found without serializing it: JSON
 * escapes one UTF-16 unit to at most 6 bytes (`\u001f`, a lone surrogate). Stops with Infinity
 * once the bound passes `budget`, and for anything JSON.parse does not produce (the exact size is
 * then measured). Walking the nodes costs a fraction of JSON.stringify on text-heavy payloads.
 */
function serializedBytesBound(value: unknown, budget: number, depth = 0): number {
  if (typeof value === 'string') return 2 + 6 * value.length;
  if (typeof value === 'number' || value === null || value === undefined) return MAX_NUMBER_CHARS;
  if (typeof value === 'boolean') return 5;
  if (typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return Number.POSITIVE_INFINITY;
  }
  if (depth >= LIMITS.payloadDepth) return TOO_DEEP;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      const bound = serializedBytesBound(item, budget - total, depth + 1);
      if (bound === TOO_DEEP) return TOO_DEEP;
      total += 1 + bound;
      if (total > budget) return Number.POSITIVE_INFINITY;
    }
    return total;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const bound = serializedBytesBound(record[key], budget - total, depth + 1);
    if (bound === TOO_DEEP) return TOO_DEEP;
    total += 4 + 6 * key.length + bound;
    if (total > budget) return Number.POSITIVE_INFINITY;
  }
  return total;
}

/** The rules TypeBox cannot express, checked on fields whose type is already right. */
function ruleViolations(event: Record<string, unknown>, ctx: ValidationContext): Omit<Violation, 'index'>[] {
  const out = nulViolations(event);
  const stream = (event.stream ?? 'central') as Stream;
  if (typeof event.category === 'string' && typeof event.operation === 'string' && ctx.catalog[stream]) {
    const bad = checkCatalog(ctx.catalog, stream, event.category, event.operation);
    if (bad) out.push({ field: `/${bad.field}`, rule: bad.rule });
  }
  if (typeof event.ip === 'string' && isIP(event.ip) === 0) {
    out.push({ field: '/ip', rule: 'must be a valid IPv4 or IPv6 address' });
  }
  if (typeof event.occurredAt === 'string') {
    const at = parseDateTime(event.occurredAt);
    if (at !== null && at > ctx.now + LIMITS.futureSkewMs) {
      out.push({
        field: '/occurredAt',
        rule: `must not be more than ${LIMITS.futureSkewMs / 1000}s in the future`,
      });
    } else if (at !== null && at < ctx.now - ctx.retentionDays * DAY_MS) {
      out.push({
        field: '/occurredAt',
        rule: `must be within the account's retention of ${ctx.retentionDays} days`,
      });
    }
  }
  for (const field of PAYLOAD_FIELDS) {
    if (event[field] === undefined) continue;
    const bound = serializedBytesBound(event[field], ctx.maxPayloadBytes);
    const tooDeep = {
      field: `/${field}`,
      rule: `must not nest objects and arrays more than ${LIMITS.payloadDepth} levels deep`,
    };
    if (bound === TOO_DEEP) {
      out.push(tooDeep);
      continue;
    }
    if (bound <= ctx.maxPayloadBytes) continue;
    let bytes: number;
    try {
      bytes = Buffer.byteLength(JSON.stringify(event[field]) ?? '');
    } catch {
      // Only nesting deep enough to exhaust the stack makes JSON.stringify of parsed JSON throw.
      out.push(tooDeep);
      continue;
    }
    if (bytes > ctx.maxPayloadBytes) {
      out.push({
        field: `/${field}`,
        rule: `must serialize to at most ${ctx.maxPayloadBytes} bytes (got ${bytes})`,
      });
    }
  }
  return out;
}

/** Every violation of one event; `prefix` is '' for a single event and `/events/<i>` in a batch. */
function eventViolations(event: unknown, prefix: string, index: number, ctx: ValidationContext): Violation[] {
  const violations = schemaViolations(event, prefix, index);
  if (ValueGuard.IsObject(event) && !Array.isArray(event)) {
    const flagged = new Set(violations.map((v) => v.field));
    for (const v of ruleViolations(event as Record<string, unknown>, ctx)) {
      const field = `${prefix}${v.field}`;
      if (!flagged.has(field)) violations.push({ index, field, rule: v.rule });
    }
  }
  return violations;
}

/** Splits a body into its events, refusing a batch that is not a non-empty array of ≤ 1000. */
function eventsOf(body: unknown): { items: unknown[]; batch: boolean } {
  if (ValueGuard.IsObject(body) && !Array.isArray(body) && 'events' in body) {
    const { events, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (!Array.isArray(events) || events.length === 0 || extra.length > 0) {
      const violations: Violation[] = [];
      if (!Array.isArray(events) || events.length === 0) {
        violations.push({ field: '/events', rule: `must be an array of 1 to ${LIMITS.batchEvents} events` });
      }
      for (const key of extra) violations.push({ field: `/${key}`, rule: 'is not an allowed property' });
      throw new AuditlogError('EVENT_INVALID', 'The batch is malformed', { violations });
    }
    if (events.length > LIMITS.batchEvents) {
      throw new AuditlogError(
        'BATCH_TOO_LARGE',
        `A batch holds at most ${LIMITS.batchEvents} events (got ${events.length})`,
        { violations: [{ field: '/events', rule: `must hold at most ${LIMITS.batchEvents} events` }] },
      );
    }
    return { items: events, batch: true };
  }
  return { items: [body], batch: false };
}

/**
 * Validates a POST /v1/events body (one event or `{events: […]}`) and returns its events with
 * `stream` defaulted to central. Throws EVENT_INVALID listing every violation of every event, or
 * BATCH_TOO_LARGE.
 *
 * @example validateIngestBody({ events: [a, b] }, ctx) // { events: [a, b], batch: true }
 */
export function validateIngestBody(body: unknown, ctx: ValidationContext): ValidBody {
  const { items, batch } = eventsOf(body);
  const violations = items.flatMap((item, i) => eventViolations(item, batch ? `/events/${i}` : '', i, ctx));
  if (violations.length > 0) {
    const indexes = new Set(violations.map((v) => v.index));
    const detail = `${violations.length} violation(s) in ${indexes.size} of ${items.length} event(s); nothing was stored`;
    throw new AuditlogError('EVENT_INVALID', detail, { violations });
  }
  const events = (items as EventInput[]).map((e) => ({ ...e, stream: e.stream ?? 'central' }));
  return { events, batch };
}
