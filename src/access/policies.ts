/**
 * @module Who may do what: small declarative policy functions, one rule each, with no I/O. Routes
 * ask these; they never compare roles or scopes themselves. The table they encode is in the README
 * ("Access") and is asserted whole by policies.test.ts.
 */
import { STREAMS, type Stream } from '../events/catalog.ts';
import type { Role, Scope } from '../store/types.ts';

/** Every role, from most to least privileged. Synced from the host product. */
export const ROLES = ['owner', 'admin', 'auditor', 'developer', 'member'] as const satisfies readonly Role[];

/**
 * The caller of a request, as far as policies care. A server key acts for the host backend with
 * its scopes; a viewer is one member reading through a viewer token. A viewer's `mintedRole` is
 * the role the token was minted for and `role` the member's role now: both must allow an action,
 * so a demoted member loses access at once and a promoted one needs a new token.
 */
export type Caller =
  | { kind: 'api_key'; scopes: readonly Scope[] }
  | { kind: 'viewer'; role: Role; mintedRole: Role };

/** Roles that may read audit logs at all. */
const READERS: readonly Role[] = ['owner', 'admin', 'auditor'];
/** Roles that may see the access stream (who read the log): not auditors, whose reads it records. */
const ACCESS_STREAM_READERS: readonly Role[] = ['owner', 'admin'];

/** Only owners, admins and auditors may read audit logs. */
export function canReadLogs(role: Role): boolean {
  return READERS.includes(role);
}

/**
 * Central and media events: every reader. The access stream (reads of the log itself): owners and
 * admins only — an auditor reviews the product's history, not who else reviewed it.
 */
export function canReadStream(role: Role, stream: Stream): boolean {
  if (stream === 'access') return ACCESS_STREAM_READERS.includes(role);
  return canReadLogs(role);
}

/** Exports carry the same data as reads, so the same people may export. */
export function canExport(role: Role): boolean {
  return canReadLogs(role);
}

/** Viewer tokens are read-only: they never grant ingest. Only a key with the ingest scope may. */
export function canIngest(caller: Caller): boolean {
  return caller.kind === 'api_key' && caller.scopes.includes('ingest');
}

/** A read of one stream: a key with the read scope, or a viewer whose minted and current roles both allow it. */
export function canRead(caller: Caller, stream: Stream): boolean {
  if (caller.kind === 'api_key') return caller.scopes.includes('read');
  return canReadStream(caller.role, stream) && canReadStream(caller.mintedRole, stream);
}

/** Whether the caller may read any stream at all (the gate of every read endpoint). */
export function canReadAny(caller: Caller): boolean {
  return readableStreams(caller).length > 0;
}

/** The streams the caller may read, in catalog order. */
export function readableStreams(caller: Caller): Stream[] {
  return STREAMS.filter((stream) => canRead(caller, stream));
}

/**
 * Members are synced by the host backend with an admin key. No viewer manages members, whatever
 * their role: an owner changes members in the host product, which syncs them here.
 */
export function canManageMembers(caller: Caller): boolean {
  return caller.kind === 'api_key' && caller.scopes.includes('admin');
}

/** Minting viewer tokens is the host backend's job (admin key): it decides who is logged in. */
export function canMintViewerTokens(caller: Caller): boolean {
  return caller.kind === 'api_key' && caller.scopes.includes('admin');
}

/** Enabling the feature, retention and plan: the host backend with an admin key. */
export function canManageAccount(caller: Caller): boolean {
  return caller.kind === 'api_key' && caller.scopes.includes('admin');
}
