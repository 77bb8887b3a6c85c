/**
 * @module Builders for store tests: pending events and account ids that never collide, so every
 * test of the conformance suite can share one database.
 */
import { ulid } from 'ulidx';
import type { PendingEvent } from '../events/chain.ts';

/** A fixed base time for fixtures, rounded to whole milliseconds like every stored time. */
export const FIXTURE_TIME = '2026-10-15T12:00:00.000Z';

/**
 * A valid pending event (central / settings / update by user u1), with `overrides` applied on top.
 * The id is a fresh ULID, so two calls never collide.
 *
 * @example
 * const pending = makePendingEvent({ operation: 'delete', actor: { type: 'user', id: 'u2' } });
 */
export function makePendingEvent(overrides: Partial<PendingEvent> = {}): PendingEvent {
  return {
    id: ulid(),
    stream: 'central',
    category: 'settings',
    operation: 'update',
    actor: { type: 'user', id: 'u1', email: 'u1@example.com', name: 'User One' },
    target: { type: 'setting', id: 'st_1', name: 'Image quality' },
    api: { method: 'PATCH', route: '/v1/settings/:id', path: '/v1/settings/st_1' },
    request: { quality: 80 },
    response: { ok: true },
    before: null,
    after: null,
    status: 'success',
    httpStatus: 200,
    ip: '203.0.113.7',
    userAgent: 'conformance/1.0',
    requestId: null,
    idempotencyKey: null,
    occurredAt: FIXTURE_TIME,
    receivedAt: FIXTURE_TIME,
    ...overrides,
  };
}

/**
 * An account id unique to this process and call, e.g. `acc_list_01J…`, so tests sharing one
 * database never see each other's rows.
 */
export function uniqueAccountId(label: string): string {
  return `acc_${label}_${ulid().toLowerCase()}`;
}

/** `base` shifted by `ms` milliseconds, as an ISO string. */
export function isoPlus(base: string, ms: number): string {
  return new Date(Date.parse(base) + ms).toISOString();
}

/** Milliseconds in one day, for retention fixtures. */
export const DAY_MS = 86_400_000;
