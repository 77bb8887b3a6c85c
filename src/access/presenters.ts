/**
 * @module What leaves the server, per caller. A reader (server key with the read scope; owner,
 * admin or auditor) sees every field of the events of the streams they may read — payloads, IPs
 * and hashes included, read-only; nobody else sees any event. Routes already refuse callers who
 * may not read; presenters are the second, independent line, so a routing slip cannot leak rows.
 */
import type { Stream } from '../events/catalog.ts';
import type { AuditEvent, EventSummary } from '../events/schema.ts';
import type { Account, Member } from '../store/types.ts';
import { type Caller, canRead, readableStreams } from './policies.ts';
import type { AccountView, MemberView, SessionView } from './schema.ts';

/** The whole event for a caller who may read its stream; null for anyone else. */
export function presentEvent(caller: Caller, event: AuditEvent): AuditEvent | null {
  return canRead(caller, event.stream) ? event : null;
}

/** The rows of a list page the caller may see (all of them, when the route did its job). */
export function presentSummaries(caller: Caller, rows: EventSummary[]): EventSummary[] {
  return rows.filter((row) => canRead(caller, row.stream));
}

/**
 * Keeps only the streams the caller may read from a per-stream record (the catalog, say), so the
 * page offers an auditor no "Log access" tab and a developer nothing at all.
 */
export function presentStreams<T>(
  caller: Caller,
  byStream: Partial<Record<Stream, T>>,
): Partial<Record<Stream, T>> {
  const out: Partial<Record<Stream, T>> = {};
  for (const stream of readableStreams(caller)) {
    if (byStream[stream] !== undefined) out[stream] = byStream[stream];
  }
  return out;
}

/** A member as the admin API shows it (the account is the caller's own, so it is left out). */
export function presentMember(member: Member): MemberView {
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    role: member.role,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
  };
}

/** The caller's own account. */
export function presentAccount(account: Account): AccountView {
  return {
    id: account.id,
    name: account.name,
    plan: account.plan,
    auditLogsEnabled: account.auditLogsEnabled,
    retentionDays: account.retentionDays,
    createdAt: account.createdAt,
  };
}

/** Who the credential is and what it may read: what the page needs to lay itself out. */
export function presentSession(
  caller: Caller,
  context: { account: Account; member: Member | null; expiresAt: string | null },
): SessionView {
  return {
    kind: caller.kind,
    accountId: context.account.id,
    auditLogsEnabled: context.account.auditLogsEnabled,
    member: context.member ? presentMember(context.member) : null,
    streams: readableStreams(caller),
    expiresAt: context.expiresAt,
  };
}
