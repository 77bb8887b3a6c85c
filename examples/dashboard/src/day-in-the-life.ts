/**
 * @module A scripted, deterministic day at Acme Images, played through the dashboard's HTTP API
 * with real `fetch`: five people with five roles, about a hundred requests over all eight dashboard
 * areas and the Media Library, including the failures real days have (400, 401, 403, 404, 409).
 * Run it against an audited dashboard and the Audit Logs page has a day worth reading.
 */
import { carol, dave, erin, mallory } from './day/cast.ts';
import {
  accountSetup,
  deliverySetup,
  developerChores,
  eveningCleanup,
  peopleManagement,
} from './day/central.ts';
import { mediaOrganising, mediaUploads, mediaVersionsAndCollections } from './day/media.ts';
import { createSession, type DaySummary, type Session, seededRandom } from './day/session.ts';

export type { DaySummary } from './day/session.ts';

/** Options of {@link runDayInTheLife}. */
export interface DayOptions {
  /** Seeds the choices that vary (IPs, values, how many extra uploads). Default 1. */
  seed?: number;
  /**
   * Replay the day as if it started at this time (for a dashboard started with `replayClock`);
   * by default every request happens now.
   */
  startAt?: Date;
}

/** Erin (auditor) reads everything, then tries to change an endpoint and is refused. */
async function auditorRound({ as }: Session, productsEndpointId: string): Promise<void> {
  for (const path of [
    '/v1/users',
    '/v1/url-endpoints',
    '/v1/external-storage',
    '/v1/api-keys',
    '/v1/settings',
  ]) {
    await as(erin, { method: 'GET', path, expect: 200 });
  }
  await as(erin, {
    method: 'PATCH',
    path: `/v1/url-endpoints/${productsEndpointId}`,
    body: { settings: { signedUrls: false } },
    expect: 403,
  });
}

/** The members' and strangers' refusals: Dave tries billing, a developer tries people, Mallory anything. */
async function refusals({ as }: Session): Promise<void> {
  const billing = {
    companyName: 'Dave Ltd',
    address: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  };
  await as(dave, { method: 'PUT', path: '/v1/billing', body: billing, expect: 403 });
  await as(carol, { method: 'PATCH', path: '/v1/users/usr_dave', body: { role: 'admin' }, expect: 403 });
  await as(mallory, { method: 'PATCH', path: '/v1/settings', body: { accountName: 'pwned' }, expect: 401 });
}

/**
 * Plays the day against the dashboard at `baseUrl` (a freshly seeded database). Throws, naming the
 * step, when any response differs from the script; resolves to the counts of what was sent.
 *
 * @example const { requests, failures } = await runDayInTheLife('http://127.0.0.1:3000', { seed: 7 });
 */
export async function runDayInTheLife(baseUrl: string, options: DayOptions = {}): Promise<DaySummary> {
  const session = createSession(baseUrl, seededRandom(options.seed ?? 1), options.startAt);
  await accountSetup(session);
  await peopleManagement(session);
  const delivery = await deliverySetup(session);
  await developerChores(session);
  const media = await mediaUploads(session);
  await mediaOrganising(session, media);
  await mediaVersionsAndCollections(session, media);
  await auditorRound(session, delivery.productsEndpointId);
  await refusals(session);
  await eveningCleanup(session, delivery);
  return { ...session.summary };
}
