/**
 * @module The dashboard half of the demo day: the owner sets up the account, the admin manages
 * people, the developer wires storage, endpoints, keys, performance and purges — with the mistakes
 * real people make (a bad card number, a duplicate invite, a prefix already taken).
 */
import { alice, bob, CAROL_HOME_IP, carol, OFFICE_IP } from './cast.ts';
import type { Session } from './session.ts';

/** Ids the later scenes need. */
export interface DeliveryIds {
  s3OriginId: string;
  gcsOriginId: string;
  productsEndpointId: string;
  marketingEndpointId: string;
}

/** Alice (owner) names the account, enforces 2FA and enters billing details. */
export async function accountSetup({ as, random }: Session): Promise<void> {
  await as(alice, {
    method: 'PATCH',
    path: '/v1/settings',
    body: { accountName: 'Acme Images GmbH' },
    expect: 200,
  });
  await as(alice, {
    method: 'PATCH',
    path: '/v1/settings',
    body: { security: { enforce2fa: true, sessionTimeoutMinutes: random.pick([240, 480, 720]) } },
    expect: 200,
  });
  const billing = {
    companyName: 'Acme Images GmbH',
    address: { line1: 'Torstraße 1', city: 'Berlin', postalCode: '10119', country: 'DE' },
    vatId: 'DE123456789',
    card: { cardNumber: '4242424242424241', expMonth: 4, expYear: 2031, cvc: '123' },
  };
  // A typo in the card number: refused, then entered again correctly.
  await as(alice, { method: 'PUT', path: '/v1/billing', body: billing, expect: 400 });
  billing.card.cardNumber = '4242424242424242';
  await as(alice, { method: 'PUT', path: '/v1/billing', body: billing, expect: 200 });
  await as(alice, { method: 'GET', path: '/v1/billing', expect: 200 });
}

/** Bob (admin) invites two people, makes the usual mistakes, changes a role and removes someone. */
export async function peopleManagement({ as }: Session): Promise<void> {
  const frank = await as(bob, {
    method: 'POST',
    path: '/v1/users',
    body: { email: 'frank@example.com', name: 'Frank Contractor', role: 'developer' },
    expect: 201,
  });
  const grace = { email: 'grace@example.com', name: 'Grace Intern', role: 'member' };
  const invited = await as(bob, { method: 'POST', path: '/v1/users', body: grace, expect: 201 });
  await as(bob, { method: 'POST', path: '/v1/users', body: grace, expect: 409 });
  await as(bob, {
    method: 'POST',
    path: '/v1/users',
    body: { email: 'not-an-email', name: 'Typo', role: 'member' },
    expect: 400,
  });
  await as(bob, { method: 'PATCH', path: `/v1/users/${frank.id}`, body: { role: 'member' }, expect: 200 });
  // Demoting the only owner would orphan the account.
  await as(bob, { method: 'PATCH', path: '/v1/users/usr_alice', body: { role: 'admin' }, expect: 409 });
  await as(bob, { method: 'DELETE', path: `/v1/users/${invited.id}`, expect: 200 });
  await as(bob, { method: 'DELETE', path: '/v1/users/usr_nobody', expect: 404 });
  await as(bob, { method: 'GET', path: '/v1/users', expect: 200 });
}

async function createOrigins({ as }: Session): Promise<Pick<DeliveryIds, 's3OriginId' | 'gcsOriginId'>> {
  const s3 = {
    type: 's3',
    name: 'product-images',
    bucket: 'acme-product-images',
    region: 'eu-central-1',
    credentials: {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
  };
  const s3Origin = await as(
    carol,
    { method: 'POST', path: '/v1/external-storage', body: s3, expect: 201 },
    OFFICE_IP,
  );
  const gcs = await as(carol, {
    method: 'POST',
    path: '/v1/external-storage',
    body: {
      type: 'gcs',
      name: 'marketing-assets',
      bucket: 'acme-marketing',
      credentials: {
        clientEmail: 'cdn-reader@acme-marketing.iam.gserviceaccount.com',
        privateKey:
          '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
      },
    },
    expect: 201,
  });
  const { credentials: _, ...withoutSecret } = s3;
  await as(carol, { method: 'POST', path: '/v1/external-storage', body: withoutSecret, expect: 400 });
  await as(carol, { method: 'POST', path: '/v1/external-storage', body: s3, expect: 409 });
  await as(carol, {
    method: 'PATCH',
    path: `/v1/external-storage/${s3Origin.id}`,
    body: {
      prefix: 'catalog/',
      credentials: {
        accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
        secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
      },
    },
    expect: 200,
  });
  return { s3OriginId: s3Origin.id, gcsOriginId: gcs.id };
}

/** Carol (developer) connects storage and creates endpoints, then changes one from home. */
export async function deliverySetup(session: Session): Promise<DeliveryIds> {
  const { as, random } = session;
  const origins = await createOrigins(session);
  const products = await as(carol, {
    method: 'POST',
    path: '/v1/url-endpoints',
    body: { name: 'Products', urlPrefix: 'products', originIds: [origins.s3OriginId] },
    expect: 201,
  });
  const marketing = await as(carol, {
    method: 'POST',
    path: '/v1/url-endpoints',
    body: { name: 'Marketing', urlPrefix: 'marketing', originIds: [origins.gcsOriginId] },
    expect: 201,
  });
  const taken = { name: 'Products v2', urlPrefix: 'products', originIds: [origins.s3OriginId] };
  await as(carol, { method: 'POST', path: '/v1/url-endpoints', body: taken, expect: 409 });
  const dangling = { name: 'Archive', urlPrefix: 'archive', originIds: ['org_missing'] };
  await as(carol, { method: 'POST', path: '/v1/url-endpoints', body: dangling, expect: 400 });
  // The demo question: who changed the URL endpoint settings, from which IP, what did they send?
  await as(
    carol,
    {
      method: 'PATCH',
      path: `/v1/url-endpoints/${products.id}`,
      body: { settings: { signedUrls: true, cacheTtlSeconds: random.pick([3600, 7200, 86_400]) } },
      expect: 200,
    },
    CAROL_HOME_IP,
  );
  // The origin is in use by the endpoint just configured.
  await as(carol, { method: 'DELETE', path: `/v1/external-storage/${origins.s3OriginId}`, expect: 409 });
  return { ...origins, productsEndpointId: products.id, marketingEndpointId: marketing.id };
}

/** Carol rotates API keys, tunes performance and purges the cache. */
export async function developerChores({ as, random }: Session): Promise<void> {
  const ci = await as(carol, {
    method: 'POST',
    path: '/v1/api-keys',
    body: { name: 'CI uploads' },
    expect: 201,
  });
  await as(carol, { method: 'POST', path: '/v1/api-keys', body: { name: 'Storefront' }, expect: 201 });
  await as(carol, { method: 'DELETE', path: `/v1/api-keys/${ci.id}`, expect: 200 });
  await as(carol, { method: 'DELETE', path: `/v1/api-keys/${ci.id}`, expect: 409 });
  await as(carol, {
    method: 'PATCH',
    path: '/v1/performance',
    body: { imageQuality: random.int(60, 90), formats: { avif: true } },
    expect: 200,
  });
  await as(carol, { method: 'PATCH', path: '/v1/performance', body: { imageQuality: 150 }, expect: 400 });
  await as(carol, {
    method: 'PATCH',
    path: '/v1/performance',
    body: { caching: { cdnTtlSeconds: random.pick([86_400, 604_800]) } },
    expect: 200,
  });
  const purge = await as(carol, {
    method: 'POST',
    path: '/v1/purge-cache',
    body: {
      urls: ['https://cdn.example.com/acme/products/shoes/*', 'https://cdn.example.com/acme/logo.png'],
    },
    expect: 201,
  });
  await as(carol, { method: 'GET', path: `/v1/purge-cache/${purge.requestId}`, expect: 200 });
  await as(carol, { method: 'POST', path: '/v1/purge-cache', body: { urls: ['not-a-url'] }, expect: 400 });
}

/** Bob's evening: tighten sign-in ranges, retire the marketing endpoint and its storage, purge. */
export async function eveningCleanup({ as }: Session, ids: DeliveryIds): Promise<void> {
  const ranges = (allowedIpRanges: string[]) => ({ security: { allowedIpRanges } });
  await as(bob, { method: 'PATCH', path: '/v1/settings', body: ranges(['203.0.113.0/24']), expect: 200 });
  await as(bob, { method: 'PATCH', path: '/v1/settings', body: ranges(['300.1.1.1/24']), expect: 400 });
  await as(bob, { method: 'DELETE', path: '/v1/url-endpoints/ep_default', expect: 409 });
  await as(bob, { method: 'DELETE', path: `/v1/url-endpoints/${ids.marketingEndpointId}`, expect: 200 });
  await as(bob, { method: 'DELETE', path: `/v1/external-storage/${ids.gcsOriginId}`, expect: 200 });
  await as(bob, {
    method: 'POST',
    path: '/v1/purge-cache',
    body: { urls: ['https://cdn.example.com/acme/marketing/*'] },
    expect: 201,
  });
}
