/** @module Account settings: the account's display name and its security policy. */
import { type Static, Type } from '@sinclair/typebox';
import { audited } from '../audit.ts';
import { authorize } from '../http/auth.ts';
import { nowIso } from '../ids.ts';
import { type DashboardApp, Name, type RouteDeps } from './common.ts';

/** An IPv4 CIDR range such as 203.0.113.0/24. */
const Cidr = Type.String({
  pattern: '^((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)/([0-9]|[12][0-9]|3[0-2])$',
});

const SettingsPatch = Type.Object(
  {
    /** The account's name, shown in the dashboard header and on invoices. */
    accountName: Type.Optional(Name),
    security: Type.Optional(
      Type.Object(
        {
          /** Require every user to sign in with a second factor. */
          enforce2fa: Type.Optional(Type.Boolean()),
          /** Sign users out after this many idle minutes (5 minutes to 30 days). */
          sessionTimeoutMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 43_200 })),
          /** Only these ranges may sign in; empty allows every address. */
          allowedIpRanges: Type.Optional(Type.Array(Cidr, { maxItems: 50, uniqueItems: true })),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The stored account settings. */
export interface AccountSettings {
  accountName: string;
  security: { enforce2fa: boolean; sessionTimeoutMinutes: number; allowedIpRanges: string[] };
}

function merge(current: AccountSettings, patch: Static<typeof SettingsPatch>): AccountSettings {
  return {
    accountName: patch.accountName ?? current.accountName,
    security: { ...current.security, ...patch.security },
  };
}

/** Registers /v1/settings. */
export function settingsRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  app.get('/v1/settings', async () => repos.documents.get<AccountSettings>('settings'));

  app.patch(
    '/v1/settings',
    {
      schema: { body: SettingsPatch },
      preValidation: authorize('settings.manage'),
      config: audited({
        category: 'settings',
        target: () => ({ type: 'account_settings', id: 'settings', name: 'Account settings' }),
      }),
    },
    async (request) => {
      const current = repos.documents.get<AccountSettings>('settings');
      return repos.documents.put('settings', merge(current, request.body), nowIso());
    },
  );
}
