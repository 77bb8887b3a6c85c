/** @module The /v1/account and /v1/me API areas: the caller's own account and credential. */
import { updateAccountSettings } from '../../../access/accounts.ts';
import { presentAccount, presentSession } from '../../../access/presenters.ts';
import { AccountPatchSchema } from '../../../access/schema.ts';
import { checkBody } from '../../../access/validate.ts';
import { callerOf, changeOriginOf } from '../../auth.ts';
import type { RouteContext } from '../../context.ts';
import { type App, documentedOnly } from '../../type-provider.ts';
import { getAccountSchema, getSessionSchema, patchAccountSchema } from './schema.ts';

/** Registers GET and PATCH /v1/account, and GET /v1/me. */
export function registerAccountRoutes(app: App, ctx: RouteContext): void {
  const admin = { ...documentedOnly, onRequest: ctx.guards.admin };

  app.get('/v1/account', { schema: getAccountSchema, ...admin }, async (request) => ({
    data: presentAccount(request.account!),
  }));

  app.patch('/v1/account', { schema: patchAccountSchema, ...admin }, async (request) => {
    const patch = checkBody(AccountPatchSchema, request.body, 'ACCOUNT_INVALID');
    const deps = { accounts: ctx.store.accounts, recorder: ctx.recorder };
    const id = request.account!.id;
    try {
      const account = await updateAccountSettings(deps, id, patch, changeOriginOf(request, 200));
      return { data: presentAccount(account) };
    } finally {
      // Disabling audit logs or changing the plan applies to this server's next ingest request,
      // even when recording the change failed after it was stored.
      ctx.credentials.forgetAccount(id);
    }
  });

  app.get('/v1/me', { schema: getSessionSchema, onRequest: ctx.guards.session }, async (request) => {
    const principal = request.principal!;
    const viewer = principal.kind === 'viewer' ? principal : null;
    return {
      data: presentSession(callerOf(principal), {
        account: request.account!,
        member: viewer?.member ?? null,
        expiresAt: viewer?.expiresAt ?? null,
      }),
    };
  });
}
