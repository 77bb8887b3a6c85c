/**
 * @module Who may do what in the dashboard, as data. Each write route names one {@link Action};
 * {@link can} answers from the table below, so the whole permission model is readable in one place
 * and tested on its own.
 */

/** The dashboard's roles, most powerful first. */
export const ROLES = ['owner', 'admin', 'developer', 'member', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Every guarded action. Reads are open to every signed-in user and need no action. */
export type Action =
  | 'external_storage.manage'
  | 'url_endpoints.manage'
  | 'performance_center.manage'
  | 'developer_options.manage'
  | 'user_management.manage'
  | 'billing.manage'
  | 'settings.manage'
  | 'purge_cache.create'
  | 'media.upload'
  | 'media.rename'
  | 'media.manage';

const TECHNICAL: Action[] = [
  'external_storage.manage',
  'url_endpoints.manage',
  'performance_center.manage',
  'developer_options.manage',
  'purge_cache.create',
  'media.upload',
  'media.rename',
  'media.manage',
];

/**
 * The grants. Owners and admins run the account (people, money, settings); developers run the
 * delivery stack and the media library; members only put files in and name them; auditors read.
 */
const GRANTS: Record<Role, ReadonlySet<Action>> = {
  owner: new Set<Action>([...TECHNICAL, 'user_management.manage', 'billing.manage', 'settings.manage']),
  admin: new Set<Action>([...TECHNICAL, 'user_management.manage', 'billing.manage', 'settings.manage']),
  developer: new Set<Action>(TECHNICAL),
  member: new Set<Action>(['media.upload', 'media.rename']),
  auditor: new Set<Action>(),
};

/**
 * True when `role` may perform `action`.
 *
 * @example can('member', 'billing.manage') // false
 */
export function can(role: Role, action: Action): boolean {
  return GRANTS[role].has(action);
}
