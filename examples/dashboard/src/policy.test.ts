import { describe, expect, it } from 'vitest';
import { type Action, can, ROLES } from './policy.ts';

describe('can', () => {
  it('lets only owners and admins manage people, billing and settings', () => {
    for (const action of ['user_management.manage', 'billing.manage', 'settings.manage'] as Action[]) {
      expect(ROLES.filter((role) => can(role, action))).toEqual(['owner', 'admin']);
    }
  });

  it('lets developers manage API keys, endpoints, storage and purge the cache', () => {
    expect(can('developer', 'developer_options.manage')).toBe(true);
    expect(can('developer', 'url_endpoints.manage')).toBe(true);
    expect(can('developer', 'external_storage.manage')).toBe(true);
    expect(can('developer', 'purge_cache.create')).toBe(true);
    expect(can('developer', 'billing.manage')).toBe(false);
  });

  it('lets members only upload and rename media', () => {
    expect(can('member', 'media.upload')).toBe(true);
    expect(can('member', 'media.rename')).toBe(true);
    expect(can('member', 'media.manage')).toBe(false);
    expect(can('member', 'url_endpoints.manage')).toBe(false);
  });

  it('gives auditors no write at all', () => {
    for (const action of ['media.upload', 'purge_cache.create', 'settings.manage'] as Action[]) {
      expect(can('auditor', action)).toBe(false);
    }
  });
});
