import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, type OpenedStore, openSqliteStore } from '../../test/access/support.ts';
import type { Store } from '../store/types.ts';
import { resolveTokenKey, TOKEN_KEY_NAME } from './token-key.ts';
import { verifyViewerToken } from './viewer-tokens.ts';
import { authenticateViewer, checkViewerTokenRequest, issueViewerToken, type ViewerDeps } from './viewers.ts';

let opened: OpenedStore;
let store: Store;
let deps: ViewerDeps;
let accountId: string;
let clockNow = new Date('2026-11-01T10:00:00.000Z');

beforeAll(async () => {
  opened = await openSqliteStore();
  store = opened.store;
  deps = {
    members: store.members,
    tokenKey: await resolveTokenKey({ tokenSecret: undefined }, store.secrets),
    clock: () => clockNow,
  };
  accountId = (await makeAccount(store)).id;
  await store.members.upsert({ accountId, id: 'u_aud', email: 'a@example.com', name: 'A', role: 'auditor' });
});
afterAll(async () => opened.close());

describe('the token key', () => {
  it('is generated once, kept in the database, and the same for every later caller', async () => {
    const again = await resolveTokenKey({ tokenSecret: undefined }, store.secrets);
    expect(again.equals(deps.tokenKey)).toBe(true);
    expect(deps.tokenKey.length).toBe(32);
    expect(await store.secrets.ensure(TOKEN_KEY_NAME, 'ignored')).toBe(deps.tokenKey.toString('base64url'));
  });

  it('is AUDITLOG_TOKEN_SECRET when configured', async () => {
    const secret = 's'.repeat(40);
    expect((await resolveTokenKey({ tokenSecret: secret }, store.secrets)).toString()).toBe(secret);
  });
});

describe('viewer sessions', () => {
  it('mints a token bound to the account, the member and their role now', async () => {
    const issued = await issueViewerToken(deps, accountId, { memberId: 'u_aud' });
    expect(issued).toMatchObject({
      memberId: 'u_aud',
      role: 'auditor',
      expiresAt: '2026-11-01T10:15:00.000Z',
    });
    expect(verifyViewerToken(deps.tokenKey, issued.token, clockNow)).toMatchObject({
      accountId,
      memberId: 'u_aud',
      role: 'auditor',
    });
    const viewer = await authenticateViewer(deps, issued.token);
    expect(viewer.caller).toEqual({ kind: 'viewer', role: 'auditor', mintedRole: 'auditor' });
  });

  it('refuses to mint for an unknown member, or one of another account, alike', async () => {
    const other = await makeAccount(store);
    await store.members.upsert({
      accountId: other.id,
      id: 'u_other',
      email: 'o@example.com',
      name: 'O',
      role: 'owner',
    });
    for (const memberId of ['nobody', 'u_other']) {
      await expect(issueViewerToken(deps, accountId, { memberId })).rejects.toMatchObject({
        code: 'MEMBER_NOT_FOUND',
      });
    }
  });

  it('sees a demotion at the next request, and refuses a removed member', async () => {
    await store.members.upsert({ accountId, id: 'u_adm', email: 'b@example.com', name: 'B', role: 'admin' });
    const { token } = await issueViewerToken(deps, accountId, { memberId: 'u_adm' });
    await store.members.upsert({
      accountId,
      id: 'u_adm',
      email: 'b@example.com',
      name: 'B',
      role: 'developer',
    });
    expect((await authenticateViewer(deps, token)).caller).toEqual({
      kind: 'viewer',
      role: 'developer',
      mintedRole: 'admin',
    });
    await store.members.remove(accountId, 'u_adm');
    await expect(authenticateViewer(deps, token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers TOKEN_EXPIRED once the clock passes the expiry', async () => {
    const { token } = await issueViewerToken(deps, accountId, { memberId: 'u_aud', ttlSeconds: 60 });
    clockNow = new Date(clockNow.getTime() + 61_000);
    await expect(authenticateViewer(deps, token)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
      status: 401,
    });
  });

  it('validates the request body with TOKEN_REQUEST_INVALID', () => {
    expect(checkViewerTokenRequest({ memberId: 'u', ttlSeconds: 120 })).toEqual({
      memberId: 'u',
      ttlSeconds: 120,
    });
    for (const body of [
      {},
      { memberId: '' },
      { memberId: 'u', ttlSeconds: 10 },
      { memberId: 'u', ttlSeconds: 86_401 },
      { memberId: 'u', role: 'owner' },
    ]) {
      expect(() => checkViewerTokenRequest(body)).toThrow(
        expect.objectContaining({ code: 'TOKEN_REQUEST_INVALID' }),
      );
    }
  });
});
