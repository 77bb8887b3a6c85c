/**
 * @module Account settings with their rules: the audit-log feature can be on only on the enterprise
 * plan, moving to free turns it off, and every change is recorded as a central `settings` event of
 * the account by Auditlog itself (before and after values of what changed, and who changed it).
 */
import { AuditlogError } from '../errors.ts';
import type { Account, AccountPatch, AccountStore } from '../store/types.ts';
import { type ChangeOrigin, changeEvent, type Recorder, type SystemEvent } from './recorder.ts';
import { RETENTION_DAYS } from './schema.ts';

/** What the settings services need. */
export interface AccountServiceDeps {
  accounts: AccountStore;
  recorder: Recorder;
}

type Settings = Pick<Account, 'name' | 'plan' | 'auditLogsEnabled' | 'retentionDays'>;
const SETTING_FIELDS = ['name', 'plan', 'auditLogsEnabled', 'retentionDays'] as const;

function settingsOf(account: Account): Settings {
  return {
    name: account.name,
    plan: account.plan,
    auditLogsEnabled: account.auditLogsEnabled,
    retentionDays: account.retentionDays,
  };
}

function checkRetention(days: number | undefined): void {
  if (days === undefined) return;
  if (!Number.isInteger(days) || days < RETENTION_DAYS.min || days > RETENTION_DAYS.max) {
    const rule = `must be an integer from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`;
    throw new AuditlogError('ACCOUNT_INVALID', `retentionDays ${rule}`, {
      violations: [{ field: '/retentionDays', rule }],
    });
  }
}

/**
 * The settings a patch leads to, with the plan rule applied: enabling needs the enterprise plan
 * (PLAN_REQUIRED), and leaving it turns the feature off unless the patch says otherwise.
 */
export function applySettingsPatch(current: Settings, patch: AccountPatch): Settings {
  checkRetention(patch.retentionDays);
  const next: Settings = { ...current };
  for (const field of SETTING_FIELDS) {
    if (patch[field] !== undefined) Object.assign(next, { [field]: patch[field] });
  }
  if (next.plan !== 'enterprise' && next.auditLogsEnabled) {
    if (patch.auditLogsEnabled === true) {
      throw new AuditlogError('PLAN_REQUIRED', 'Audit logs can be enabled only on the enterprise plan', {
        violations: [{ field: '/auditLogsEnabled', rule: 'can be true only on the enterprise plan' }],
      });
    }
    next.auditLogsEnabled = false;
  }
  return next;
}

/** The fields that differ, as before/after objects holding only those fields. */
function diff(
  before: Settings,
  after: Settings,
): { before: Partial<Settings>; after: Partial<Settings> } | null {
  const changed = SETTING_FIELDS.filter((field) => before[field] !== after[field]);
  if (changed.length === 0) return null;
  const pick = (s: Settings) => Object.fromEntries(changed.map((f) => [f, s[f]])) as Partial<Settings>;
  return { before: pick(before), after: pick(after) };
}

function settingsEvent(
  account: Account,
  operation: 'create' | 'update',
  change: { before: Partial<Settings> | null; after: Partial<Settings>; request: unknown },
  origin: ChangeOrigin,
): SystemEvent {
  const target = { type: 'account', id: account.id, name: account.name };
  return changeEvent({ category: 'settings', operation, target, ...change }, origin);
}

/**
 * Changes an account's settings under the plan rule and records what changed. A patch that
 * changes nothing stores nothing and records nothing. The change is applied first, then recorded:
 * the event describes a change that happened (if recording fails the caller sees the error).
 *
 * @example await updateAccountSettings(deps, 'acme', { auditLogsEnabled: true }, CLI_ORIGIN);
 */
export async function updateAccountSettings(
  deps: AccountServiceDeps,
  accountId: string,
  patch: AccountPatch,
  origin: ChangeOrigin,
): Promise<Account> {
  const current = await deps.accounts.get(accountId);
  if (!current) throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${accountId}"`);
  const next = applySettingsPatch(settingsOf(current), patch);
  const changed = diff(settingsOf(current), next);
  if (!changed) return current;
  const updated = await deps.accounts.update(accountId, changed.after);
  if (!updated) throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${accountId}"`);
  await deps.recorder.record(accountId, [
    settingsEvent(updated, 'update', { ...changed, request: patch }, origin),
  ]);
  return updated;
}

/**
 * Creates an account (an operator action) and records its initial settings as its first event.
 * The feature may start enabled only on the enterprise plan.
 *
 * @example await createAccount(deps, { id: 'acme', name: 'Acme', plan: 'enterprise', auditLogsEnabled: true, retentionDays: 365 }, CLI_ORIGIN);
 */
export async function createAccount(
  deps: AccountServiceDeps,
  input: Omit<Account, 'createdAt'>,
  origin: ChangeOrigin,
): Promise<Account> {
  checkRetention(input.retentionDays);
  if (input.auditLogsEnabled && input.plan !== 'enterprise') {
    throw new AuditlogError('PLAN_REQUIRED', 'Audit logs can be enabled only on the enterprise plan', {
      violations: [{ field: 'auditLogsEnabled', rule: 'can be true only on the enterprise plan' }],
    });
  }
  const account = await deps.accounts.create(input);
  const after = settingsOf(account);
  await deps.recorder.record(account.id, [
    settingsEvent(account, 'create', { before: null, after, request: after }, origin),
  ]);
  return account;
}
