/** @module Route schemas of /v1/account and /v1/me; shapes from src/access/schema.ts. */
import { Type } from '@sinclair/typebox';
import { AccountPatchSchema, AccountSchema, SessionSchema } from '../../../access/schema.ts';
import { problemResponses } from '../problems.ts';

const one = Type.Object({ data: AccountSchema });

export const getAccountSchema = {
  tags: ['account'],
  summary: "The caller's own account: plan, whether audit logs are on, retention",
  description: 'Needs a key with the `admin` scope. Answers whether or not the feature is enabled.',
  response: { 200: one, ...problemResponses(401, 403, 429) },
};

export const patchAccountSchema = {
  tags: ['account'],
  summary: 'Change the account: enable or disable audit logs, retention, plan, name',
  description:
    'Needs a key with the `admin` scope. Audit logs can be enabled only on the enterprise plan (409 ' +
    'PLAN_REQUIRED); moving to the free plan turns them off. Every change is recorded as a central ' +
    '`settings` event of the account, with the values before and after and the key that made it — ' +
    'disabling included. Creating accounts is an operator action (`auditlog accounts create`).',
  body: AccountPatchSchema,
  response: { 200: one, ...problemResponses(401, 403, 409, 422, 429) },
};

export const getSessionSchema = {
  tags: ['account'],
  summary: 'Who this credential is, and which streams it may read',
  description:
    'Any valid credential, even while audit logs are off: the page uses it to show only the streams ' +
    'the viewer may read, and to explain an empty page.',
  response: { 200: Type.Object({ data: SessionSchema }), ...problemResponses(401, 429) },
};
