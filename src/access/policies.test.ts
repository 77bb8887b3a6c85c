import { describe, expect, it } from 'vitest';
import type { Role, Scope } from '../store/types.ts';
import {
  type Caller,
  canExport,
  canIngest,
  canManageAccount,
  canManageMembers,
  canMintViewerTokens,
  canRead,
  canReadAny,
  canReadLogs,
  canReadStream,
  ROLES,
  readableStreams,
} from './policies.ts';

const viewer = (role: Role, mintedRole: Role = role): Caller => ({ kind: 'viewer', role, mintedRole });
const key = (...scopes: Scope[]): Caller => ({ kind: 'api_key', scopes });

// The policy table of the README, row by row: read central/media, read access, export.
const ROLE_TABLE: Record<Role, [boolean, boolean, boolean]> = {
  owner: [true, true, true],
  admin: [true, true, true],
  auditor: [true, false, true],
  developer: [false, false, false],
  member: [false, false, false],
};

describe('role policies', () => {
  it.each(ROLES)('%s: matches the policy table', (role) => {
    const [logs, access, exports] = ROLE_TABLE[role];
    expect(canReadLogs(role)).toBe(logs);
    expect(canReadStream(role, 'central')).toBe(logs);
    expect(canReadStream(role, 'media')).toBe(logs);
    expect(canReadStream(role, 'access')).toBe(access);
    expect(canExport(role)).toBe(exports);
  });

  it('lists every role once, most privileged first', () => {
    expect(ROLES).toEqual(['owner', 'admin', 'auditor', 'developer', 'member']);
  });
});

describe('caller policies', () => {
  it('no viewer may ingest, manage members, mint tokens or change the account, whatever the role', () => {
    for (const role of ROLES) {
      const caller = viewer(role);
      expect(canIngest(caller)).toBe(false);
      expect(canManageMembers(caller)).toBe(false);
      expect(canMintViewerTokens(caller)).toBe(false);
      expect(canManageAccount(caller)).toBe(false);
    }
  });

  it('server keys can do exactly what their scopes say', () => {
    expect(canIngest(key('ingest'))).toBe(true);
    expect(canIngest(key('read', 'admin'))).toBe(false);
    expect(readableStreams(key('read'))).toEqual(['central', 'media', 'access']);
    expect(readableStreams(key('ingest', 'admin'))).toEqual([]);
    expect(canManageMembers(key('admin'))).toBe(true);
    expect(canMintViewerTokens(key('admin'))).toBe(true);
    expect(canManageAccount(key('admin'))).toBe(true);
    for (const scopes of [['ingest'], ['read'], ['ingest', 'read']] as Scope[][]) {
      expect(canManageMembers(key(...scopes))).toBe(false);
      expect(canMintViewerTokens(key(...scopes))).toBe(false);
      expect(canManageAccount(key(...scopes))).toBe(false);
    }
  });

  it('viewers read the streams of their role', () => {
    expect(readableStreams(viewer('owner'))).toEqual(['central', 'media', 'access']);
    expect(readableStreams(viewer('auditor'))).toEqual(['central', 'media']);
    expect(readableStreams(viewer('developer'))).toEqual([]);
    expect(canReadAny(viewer('member'))).toBe(false);
    expect(canReadAny(viewer('auditor'))).toBe(true);
  });

  it('a demoted member loses access at once; a promoted one gains nothing until a new token', () => {
    // Minted as admin, now auditor: the access stream is gone.
    expect(canRead(viewer('auditor', 'admin'), 'access')).toBe(false);
    expect(canRead(viewer('auditor', 'admin'), 'central')).toBe(true);
    // Minted as auditor, now developer: nothing.
    expect(canReadAny(viewer('developer', 'auditor'))).toBe(false);
    // Minted as developer, now owner: the old token still reads nothing.
    expect(canReadAny(viewer('owner', 'developer'))).toBe(false);
  });
});
