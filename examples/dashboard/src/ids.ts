/** @module Identifiers and timestamps for the dashboard's own records. */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulidx';

/**
 * A new record id: a short prefix naming the kind of record, then a ULID, so ids sort by creation
 * time and a glance tells an `ep_…` (URL endpoint) from an `org_…` (origin).
 *
 * @example newId('ep') // 'ep_01JD3Z…'
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/** A random secret of `bytes` bytes, URL-safe base64: private API keys and public-link tokens. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** The current time as ISO 8601, the only timestamp format the dashboard stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
