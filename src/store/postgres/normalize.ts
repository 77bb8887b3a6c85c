/**
 * @module What every engine does to a pending event before sealing it: times to millisecond UTC
 * ISO strings, missing payloads to null. Plus the checks PostgreSQL needs on top of the schema:
 * text columns cannot hold NUL characters or unpaired UTF-16 surrogates (they would be refused or
 * silently replaced, and the stored event would no longer match its hash). Payloads need no check:
 * they are stored as their JSON text (deflated, see payload.ts), which keeps every escape exactly.
 */

import type { Violation } from '../../errors.ts';
import type { PendingEvent } from '../../events/chain.ts';

/** Earliest and latest instants a monthly partition can be named for (years 1..9999). */
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-01T00:00:00.000Z');

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

function isoMillis(value: string): string | null {
  const time = Date.parse(value);
  if (Number.isNaN(time) || time < MIN_TIME || time >= MAX_TIME) return null;
  return new Date(time).toISOString();
}

/** The text columns of an event, by the field path a violation names. */
function textFields(event: PendingEvent): Array<[string, string | null | undefined]> {
  return [
    ['id', event.id],
    ['stream', event.stream],
    ['category', event.category],
    ['operation', event.operation],
    ['status', event.status],
    ['actor/type', event.actor.type],
    ['actor/id', event.actor.id],
    ['actor/email', event.actor.email],
    ['actor/name', event.actor.name],
    ['target/type', event.target?.type],
    ['target/id', event.target?.id],
    ['target/name', event.target?.name],
    ['target/path', event.target?.path],
    ['api/method', event.api?.method],
    ['api/route', event.api?.route],
    ['api/path', event.api?.path],
    ['ip', event.ip],
    ['userAgent', event.userAgent],
    ['requestId', event.requestId],
    ['idempotencyKey', event.idempotencyKey],
  ];
}

/**
 * The event as it will be sealed, or the violations that keep it out. `index` is its position in
 * the batch, reported in every violation.
 */
export function normalizeEvent(
  event: PendingEvent,
  index: number,
): { ok: true; event: PendingEvent } | { ok: false; violations: Violation[] } {
  const violations: Violation[] = [];
  const occurredAt = isoMillis(event.occurredAt);
  const receivedAt = isoMillis(event.receivedAt);
  if (occurredAt === null) {
    violations.push({
      field: `/events/${index}/occurredAt`,
      rule: 'must be a date-time in years 1 to 9999',
      index,
    });
  }
  if (receivedAt === null) {
    violations.push({
      field: `/events/${index}/receivedAt`,
      rule: 'must be a date-time in years 1 to 9999',
      index,
    });
  }
  for (const [field, value] of textFields(event)) {
    if (typeof value === 'string' && unstorable(value)) {
      violations.push({
        field: `/events/${index}/${field}`,
        rule: 'must not contain NUL characters or unpaired surrogates',
        index,
      });
    }
  }
  if (violations.length > 0 || occurredAt === null || receivedAt === null) return { ok: false, violations };
  return {
    ok: true,
    event: {
      ...event,
      occurredAt,
      receivedAt,
      request: event.request ?? null,
      response: event.response ?? null,
      before: event.before ?? null,
      after: event.after ?? null,
    },
  };
}
