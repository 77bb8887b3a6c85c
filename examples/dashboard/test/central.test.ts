import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './helpers.ts';

let dash: TestDashboard;
beforeAll(async () => {
  dash = await startTestDashboard();
});
afterAll(async () => {
  await dash.dispose();
});

const s3 = {
  type: 's3',
  name: 'images',
  bucket: 'acme-images',
  region: 'eu-west-1',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
};

describe('authentication', () => {
  it('refuses /v1 requests without a known X-Demo-User with 401', async () => {
    expect((await dash.call(null, 'GET', '/v1/settings')).status).toBe(401);
    const stranger = await dash.call('usr_nobody', 'PATCH', '/v1/settings', { accountName: 'x' });
    expect(stranger.status).toBe(401);
    expect(stranger.body.code).toBe('UNAUTHENTICATED');
  });

  it('echoes a unique request id on every response', async () => {
    const a = await dash.call('usr_alice', 'GET', '/v1/settings');
    const b = await dash.call('usr_alice', 'GET', '/v1/settings');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('external storage', () => {
  it('creates, reads, updates and deletes an origin without ever returning its credentials', async () => {
    const created = await dash.call('usr_carol', 'POST', '/v1/external-storage', s3);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'images', type: 's3', credentialsSet: true, prefix: '' });
    expect(JSON.stringify(created.body)).not.toMatch(/AKIA|wJalr/);
    const id = created.body.id;

    const patched = await dash.call('usr_carol', 'PATCH', `/v1/external-storage/${id}`, { prefix: 'raw/' });
    expect(patched.body).toMatchObject({ id, prefix: 'raw/', credentialsSet: true });
    expect((await dash.call('usr_erin', 'GET', `/v1/external-storage/${id}`)).body.prefix).toBe('raw/');

    expect((await dash.call('usr_carol', 'DELETE', `/v1/external-storage/${id}`)).status).toBe(200);
    expect((await dash.call('usr_carol', 'GET', `/v1/external-storage/${id}`)).status).toBe(404);
  });

  it('rejects missing or mismatched credentials with 400 and a duplicate name with 409', async () => {
    const { credentials: _, ...bare } = s3;
    const missing = await dash.call('usr_carol', 'POST', '/v1/external-storage', bare);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    const created = await dash.call('usr_carol', 'POST', '/v1/external-storage', { ...s3, name: 'dup' });
    expect(
      (await dash.call('usr_carol', 'POST', '/v1/external-storage', { ...s3, name: 'dup' })).status,
    ).toBe(409);
    const gcsCredentials = { clientEmail: 'a@b.example', privateKey: '-----BEGIN PRIVATE KEY-----xyz' };
    const mismatch = await dash.call('usr_carol', 'PATCH', `/v1/external-storage/${created.body.id}`, {
      credentials: gcsCredentials,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.violations[0].field).toBe('body/credentials');
  });

  it('forbids members with 403', async () => {
    expect((await dash.call('usr_dave', 'POST', '/v1/external-storage', s3)).status).toBe(403);
  });
});

describe('URL endpoints', () => {
  it('creates, patches settings, refuses a taken prefix and deletes', async () => {
    const origin = (
      await dash.call('usr_carol', 'POST', '/v1/external-storage', { ...s3, name: 'ep-origin' })
    ).body;
    const body = { name: 'Shop', urlPrefix: 'shop', originIds: [origin.id] };
    const created = await dash.call('usr_carol', 'POST', '/v1/url-endpoints', body);
    expect(created.status).toBe(201);
    expect(created.body.settings).toEqual({ imageOptimization: true, signedUrls: false });
    expect((await dash.call('usr_carol', 'POST', '/v1/url-endpoints', body)).status).toBe(409);

    const id = created.body.id;
    const patched = await dash.call('usr_carol', 'PATCH', `/v1/url-endpoints/${id}`, {
      settings: { signedUrls: true },
    });
    expect(patched.body.settings).toEqual({ imageOptimization: true, signedUrls: true });
    // In use: the origin cannot go while the endpoint fetches from it.
    expect((await dash.call('usr_carol', 'DELETE', `/v1/external-storage/${origin.id}`)).status).toBe(409);
    expect((await dash.call('usr_carol', 'DELETE', `/v1/url-endpoints/${id}`)).status).toBe(200);
    expect((await dash.call('usr_carol', 'DELETE', `/v1/external-storage/${origin.id}`)).status).toBe(200);
  });

  it('rejects unknown fields and unknown origins with 400, and keeps the default endpoint', async () => {
    const typo = await dash.call('usr_carol', 'PATCH', '/v1/url-endpoints/ep_default', { setings: {} });
    expect(typo.status).toBe(400);
    const dangling = await dash.call('usr_carol', 'POST', '/v1/url-endpoints', {
      name: 'X',
      urlPrefix: 'x',
      originIds: ['org_nope'],
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.violations).toEqual([
      { field: 'body/originIds/0', rule: 'origin org_nope does not exist' },
    ]);
    expect((await dash.call('usr_alice', 'DELETE', '/v1/url-endpoints/ep_default')).status).toBe(409);
    expect((await dash.call('usr_carol', 'PATCH', '/v1/url-endpoints/ep_nope', { name: 'n' })).status).toBe(
      404,
    );
  });
});

describe('performance center and settings', () => {
  it('merges partial updates and validates ranges', async () => {
    const quality = await dash.call('usr_carol', 'PATCH', '/v1/performance', { imageQuality: 72 });
    expect(quality.body).toMatchObject({ imageQuality: 72, formats: { webp: true } });
    const avif = await dash.call('usr_carol', 'PATCH', '/v1/performance', { formats: { avif: true } });
    expect(avif.body).toMatchObject({ imageQuality: 72, formats: { webp: true, avif: true } });
    expect((await dash.call('usr_carol', 'PATCH', '/v1/performance', { imageQuality: 0 })).status).toBe(400);
    expect((await dash.call('usr_carol', 'PATCH', '/v1/performance', {})).status).toBe(400);
  });

  it('lets owners change security settings and forbids developers', async () => {
    const res = await dash.call('usr_alice', 'PATCH', '/v1/settings', { security: { enforce2fa: true } });
    expect(res.body.security).toMatchObject({ enforce2fa: true, sessionTimeoutMinutes: 720 });
    const bad = await dash.call('usr_alice', 'PATCH', '/v1/settings', {
      security: { allowedIpRanges: ['10.0.0.0/33'] },
    });
    expect(bad.status).toBe(400);
    const forbidden = await dash.call('usr_carol', 'PATCH', '/v1/settings', { accountName: 'Mine' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
  });
});

describe('developer options', () => {
  it('shows the private key once, stores only its hash, and revokes once', async () => {
    const created = await dash.call('usr_carol', 'POST', '/v1/api-keys', { name: 'CI' });
    expect(created.status).toBe(201);
    expect(created.body.private_key).toMatch(/^private_/);
    const listed = (await dash.call('usr_carol', 'GET', '/v1/api-keys')).body.keys;
    expect(JSON.stringify(listed)).not.toContain(created.body.private_key);
    const revoked = await dash.call('usr_carol', 'DELETE', `/v1/api-keys/${created.body.id}`);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await dash.call('usr_carol', 'DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(409);
    expect((await dash.call('usr_dave', 'POST', '/v1/api-keys', { name: 'mine' })).status).toBe(403);
  });
});

describe('user management', () => {
  it('invites, changes a role and removes, keeping an owner and refusing self-removal', async () => {
    const invited = await dash.call('usr_bob', 'POST', '/v1/users', {
      email: 'h@example.com',
      name: 'H',
      role: 'member',
    });
    expect(invited.body).toMatchObject({ status: 'invited', role: 'member' });
    expect(
      (await dash.call('usr_bob', 'POST', '/v1/users', { email: 'h@example.com', name: 'H', role: 'member' }))
        .status,
    ).toBe(409);
    const promoted = await dash.call('usr_bob', 'PATCH', `/v1/users/${invited.body.id}`, {
      role: 'developer',
    });
    expect(promoted.body.role).toBe('developer');
    expect((await dash.call('usr_bob', 'PATCH', '/v1/users/usr_alice', { role: 'member' })).status).toBe(409);
    expect((await dash.call('usr_bob', 'PATCH', '/v1/users/usr_carol', { role: 'owner' })).status).toBe(400);
    expect((await dash.call('usr_bob', 'DELETE', '/v1/users/usr_bob')).status).toBe(409);
    expect((await dash.call('usr_bob', 'DELETE', `/v1/users/${invited.body.id}`)).status).toBe(200);
    expect((await dash.call('usr_carol', 'DELETE', '/v1/users/usr_dave')).status).toBe(403);
  });
});

describe('billing', () => {
  const details = {
    companyName: 'Acme',
    address: { line1: '1 Road', city: 'Paris', postalCode: '75001', country: 'FR' },
    vatId: 'FR12345678901',
    card: { cardNumber: '5555555555554444', expMonth: 12, expYear: 2030, cvc: '999' },
  };

  it('keeps brand and last4 only, and rejects a card failing the Luhn check', async () => {
    const saved = await dash.call('usr_alice', 'PUT', '/v1/billing', details);
    expect(saved.body).toMatchObject({ cardLast4: '4444', cardBrand: 'mastercard', vatId: 'FR12345678901' });
    expect(JSON.stringify(saved.body)).not.toContain('5555555555554444');
    const wrong = { ...details, card: { ...details.card, cardNumber: '5555555555554445' } };
    const refused = await dash.call('usr_alice', 'PUT', '/v1/billing', wrong);
    expect(refused.status).toBe(400);
    expect(refused.body.violations[0].field).toBe('body/card/cardNumber');
  });

  it('forbids members, before looking at the body', async () => {
    const res = await dash.call('usr_dave', 'PUT', '/v1/billing', { nonsense: true });
    expect(res.status).toBe(403);
  });
});

describe('purge cache', () => {
  it('returns a purge request id that can be looked up', async () => {
    const urls = ['https://cdn.example.com/acme/a.jpg'];
    const created = await dash.call('usr_carol', 'POST', '/v1/purge-cache', { urls });
    expect(created.status).toBe(201);
    expect(created.body.requestId).toMatch(/^purge_/);
    const status = await dash.call('usr_carol', 'GET', `/v1/purge-cache/${created.body.requestId}`);
    expect(status.body).toMatchObject({ status: 'completed', urls });
    expect((await dash.call('usr_carol', 'POST', '/v1/purge-cache', { urls: [] })).status).toBe(400);
    expect((await dash.call('usr_carol', 'GET', '/v1/purge-cache/purge_nope')).status).toBe(404);
  });
});
