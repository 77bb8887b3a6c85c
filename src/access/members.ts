/**
 * @module Members synced from the host product, with every change recorded as a central
 * `user_management` event of the account (create, update — a role change above all — and delete).
 * A sync that changes nothing records nothing, so the host can replay its whole member list safely.
 */
import { AuditlogError, isAuditlogError, type Violation } from '../errors.ts';
import type { Member, MemberInput, MemberStore } from '../store/types.ts';
import { type ChangeOrigin, changeEvent, type Recorder, type SystemEvent } from './recorder.ts';
import { MemberBodySchema, MemberParamsSchema } from './schema.ts';
import { checkBody } from './validate.ts';

/** What the member services need. */
export interface MemberServiceDeps {
  members: MemberStore;
  recorder: Recorder;
}

type MemberFields = Pick<Member, 'email' | 'name' | 'role'>;

const fieldsOf = (m: MemberFields): MemberFields => ({ email: m.email, name: m.name, role: m.role });

function memberEvent(
  member: Member,
  operation: 'create' | 'update' | 'delete',
  change: { before: MemberFields | null; after: MemberFields | null; request: unknown },
  origin: ChangeOrigin,
): SystemEvent {
  const target = { type: 'member', id: member.id, name: member.name };
  return changeEvent({ category: 'user_management', operation, target, ...change }, origin);
}

/**
 * Validates a member as the API and the CLI receive it (the id from the path, the rest from the
 * body); throws MEMBER_INVALID listing every violation of both.
 */
export function checkMember(accountId: string, id: unknown, body: unknown): MemberInput {
  const violations: Violation[] = [];
  const attempt = <T>(check: () => T, prefix: string): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!isAuditlogError(error)) throw error;
      violations.push(...error.violations.map((v) => ({ ...v, field: `${prefix}${v.field}` })));
      return undefined;
    }
  };
  const params = attempt(() => checkBody(MemberParamsSchema, { id }, 'MEMBER_INVALID'), 'path');
  const valid = attempt(() => checkBody(MemberBodySchema, body, 'MEMBER_INVALID'), '');
  if (!params || !valid) {
    const fields = violations.map((v) => `${v.field} ${v.rule}`).join('; ');
    throw new AuditlogError('MEMBER_INVALID', `Invalid field(s): ${fields}`, { violations });
  }
  return { accountId, id: params.id, email: valid.email, name: valid.name, role: valid.role };
}

/**
 * Inserts or updates a member and records the change. Returns the member and whether it is new.
 * `origin` may depend on that (the API answers 201 for a new member, 200 otherwise).
 *
 * @example await upsertMember(deps, { accountId: 'acme', id: 'u_1', email, name, role: 'auditor' }, origin);
 */
export async function upsertMember(
  deps: MemberServiceDeps,
  input: MemberInput,
  origin: ChangeOrigin | ((created: boolean) => ChangeOrigin),
): Promise<{ member: Member; created: boolean }> {
  const { member, previous } = await deps.members.upsert(input);
  const originOf = typeof origin === 'function' ? origin : () => origin;
  const after = fieldsOf(member);
  const request = fieldsOf(input);
  if (!previous) {
    await deps.recorder.record(input.accountId, [
      memberEvent(member, 'create', { before: null, after, request }, originOf(true)),
    ]);
    return { member, created: true };
  }
  const before = fieldsOf(previous);
  if (before.email !== after.email || before.name !== after.name || before.role !== after.role) {
    await deps.recorder.record(input.accountId, [
      memberEvent(member, 'update', { before, after, request }, originOf(false)),
    ]);
  }
  return { member, created: false };
}

/**
 * Removes a member (their viewer tokens stop working at their next request) and records it.
 * Throws MEMBER_NOT_FOUND when the account has no such member.
 *
 * @example await removeMember(deps, 'acme', 'u_1', origin);
 */
export async function removeMember(
  deps: MemberServiceDeps,
  accountId: string,
  memberId: string,
  origin: ChangeOrigin,
): Promise<Member> {
  const removed = await deps.members.remove(accountId, memberId);
  if (!removed)
    throw new AuditlogError('MEMBER_NOT_FOUND', `No member with id "${memberId}" in this account`);
  await deps.recorder.record(accountId, [
    memberEvent(removed, 'delete', { before: fieldsOf(removed), after: null, request: null }, origin),
  ]);
  return removed;
}
