/**
 * The dashboard audited by a real Auditlog: operations on the demo API appear in GET /v1/events
 * with who, what, where and how it ended, secrets redacted; a whole day covers every area; and an
 * Auditlog outage loses nothing and duplicates nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAROL_HOME_IP } from '../src/day/cast.ts';
import { runDayInTheLife } from '../src/day-in-the-life.ts';
import { type AuditAccount, type Auditlog, startAuditlog } from './auditlog.ts';
import { startTestDashboard, type TestDashboard } from './helpers.ts';

const CENTRAL_CATEGORIES = [
  'billing',
  'developer_options',
  'external_storage',
  'performance_center',
  'purge_cache',
  'settings',
  'url_endpoints',
  'user_management',
];

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

let root: string;
let auditlog: Auditlog;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
  auditlog = await startAuditlog(join(root, 'auditlog.db'));
});

afterAll(async () => {
  await auditlog.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Polls `read` until `done` holds (the client publishes in the background), then returns it. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 300): Promise<T> {
  let value = await read();
  for (let i = 0; i < attempts && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** A dashboard publishing to `account`, with its database and outbox in `dir`. */
function audited(account: AuditAccount, dir: string, replayClock = false): Promise<TestDashboard> {
  return startTestDashboard({
    dir,
    auditlog: {
      url: auditlog.url,
      apiKey: account.ingestKey,
      outboxPath: join(dir, 'outbox.db'),
      replayClock,
    },
  });
}

function freshDir(name: string): string {
  return mkdtempSync(join(root, `${name}-`));
}

describe('one operation at a time', () => {
  let account: AuditAccount;
  let dash: TestDashboard;
  const requestIds: Record<string, string> = {};
  let privateKey = '';

  beforeAll(async () => {
    account = await auditlog.account('acme-single');
    dash = await audited(account, freshDir('single'));
    const home = { 'x-forwarded-for': CAROL_HOME_IP };
    const steps: [string, string, string, string, unknown, number][] = [
      ['origin', 'usr_carol', 'POST', '/v1/external-storage', s3, 201],
      [
        'endpoint',
        'usr_carol',
        'PATCH',
        '/v1/url-endpoints/ep_default',
        { settings: { signedUrls: true } },
        200,
      ],
      ['forbidden', 'usr_dave', 'PUT', '/v1/billing', { companyName: 'Dave Ltd' }, 403],
      [
        'billing',
        'usr_alice',
        'PUT',
        '/v1/billing',
        {
          companyName: 'Acme',
          address: { line1: '1 Road', city: 'Paris', postalCode: '75001', country: 'FR' },
          card: { cardNumber: '4242424242424242', expMonth: 1, expYear: 2030, cvc: '123' },
        },
        200,
      ],
      ['apiKey', 'usr_carol', 'POST', '/v1/api-keys', { name: 'CI' }, 201],
      [
        'upload',
        'usr_dave',
        'POST',
        '/v1/media/files',
        { folder: '/products/shoes', fileName: 'red.jpg', size: 9 },
        201,
      ],
    ];
    for (const [name, user, method, path, body, status] of steps) {
      const reply = await dash.call(user, method, path, body, home);
      expect(reply.status).toBe(status);
      requestIds[name] = reply.headers.get('x-request-id')!;
      if (name === 'apiKey') privateKey = reply.body.private_key;
    }
    expect((await dash.call('usr_erin', 'GET', '/v1/settings')).status).toBe(200);
    await until(
      () => auditlog.events(account, 'central'),
      (events) => events.length >= 5,
    );
  });

  afterAll(async () => {
    await dash.dispose();
  });

  const find = async (name: string) => {
    const [summary] = await auditlog.events(account, 'central', { request_id: requestIds[name]! });
    expect(summary).toBeDefined();
    return auditlog.event(account, summary.id);
  };

  it('records who changed the URL endpoint, from which IP, what they sent and how it ended', async () => {
    const event = await find('endpoint');
    expect(event).toMatchObject({
      stream: 'central',
      category: 'url_endpoints',
      operation: 'update',
      actor: { type: 'user', id: 'usr_carol', email: 'carol@example.com', name: 'Carol Developer' },
      target: { type: 'url_endpoint', id: 'ep_default', name: 'Default' },
      api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/ep_default' },
      request: { settings: { signedUrls: true } },
      status: 'success',
      httpStatus: 200,
      ip: CAROL_HOME_IP,
      requestId: requestIds.endpoint,
    });
    expect(event.response.settings.signedUrls).toBe(true);
  });

  it('redacts storage credentials, the card number and the private API key', async () => {
    const origin = await find('origin');
    expect(origin).toMatchObject({ category: 'external_storage', operation: 'create', httpStatus: 201 });
    expect(origin.request.name).toBe('images');
    expect(JSON.stringify(origin.request.credentials)).toContain('REDACTED');
    expect(JSON.stringify(origin)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/);

    const billing = await find('billing');
    expect(billing).toMatchObject({ category: 'billing', operation: 'update', status: 'success' });
    expect(JSON.stringify(billing)).not.toContain('4242424242424242');

    const apiKey = await find('apiKey');
    expect(apiKey).toMatchObject({ category: 'developer_options', operation: 'create' });
    expect(privateKey).toMatch(/^private_/);
    expect(JSON.stringify(apiKey)).not.toContain(privateKey);
  });

  it('records a forbidden attempt as a failure with its 403', async () => {
    const event = await find('forbidden');
    expect(event).toMatchObject({
      category: 'billing',
      operation: 'update',
      actor: { id: 'usr_dave' },
      status: 'failure',
      httpStatus: 403,
    });
  });

  it('records media events in the media stream with the asset path, and no reads at all', async () => {
    const media = await until(
      () => auditlog.events(account, 'media'),
      (events) => events.length >= 1,
    );
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({
      category: 'files',
      operation: 'upload',
      target: { type: 'file', name: 'red.jpg', path: '/products/shoes/red.jpg' },
      requestId: requestIds.upload,
    });
    const central = await auditlog.events(account, 'central');
    expect(central).toHaveLength(5);
    expect(central.filter((e) => e.api?.method === 'GET')).toEqual([]);
  });
});

describe('a day in the life', () => {
  it('covers every dashboard area and the media library, and answers the demo question', async () => {
    const account = await auditlog.account('acme-day');
    const dash = await audited(account, freshDir('day'), true);
    // Replayed as yesterday's working day, as `npm start` does.
    const startAt = new Date(Date.now() - 86_400_000);
    startAt.setUTCHours(8, 0, 0, 0);
    const summary = await runDayInTheLife(dash.url, { seed: 1, startAt });
    // Closing flushes the client: everything it accepted is in Auditlog afterwards.
    await dash.dispose();
    const central = await auditlog.events(account, 'central');
    const media = await auditlog.events(account, 'media');
    // Every write is recorded, the stranger's refused one too (as the anonymous actor).
    expect(central.length + media.length).toBe(summary.writes);
    expect(central.filter((e) => e.actor.id === 'anonymous').map((e) => e.httpStatus)).toEqual([401]);
    expect([...new Set(central.map((e) => e.category))].sort()).toEqual(CENTRAL_CATEGORIES);
    expect([...new Set(media.map((e) => e.category))].sort()).toEqual(['collections', 'files']);
    // Every media event names its asset path, but for a file that does not exist (404).
    const withoutPath = media.filter(
      (e) => typeof e.target?.path !== 'string' || !e.target.path.startsWith('/'),
    );
    expect(withoutPath.map((e) => e.httpStatus)).toEqual([404]);
    const failures = [...central, ...media].filter((e) => e.status === 'failure');
    expect(failures).toHaveLength(summary.failures);

    const changes = central.filter((e) => e.category === 'url_endpoints' && e.operation === 'update');
    const byCarol = changes.filter((e) => e.actor.id === 'usr_carol' && e.status === 'success');
    expect(byCarol).toHaveLength(1);
    expect(byCarol[0].ip).toBe(CAROL_HOME_IP);
    const sent = (await auditlog.event(account, byCarol[0].id)).request;
    expect(sent.settings.signedUrls).toBe(true);

    // Every event carries its replayed time: within that day, in the order it was played.
    const times = [...central, ...media].map((e) => Date.parse(e.occurredAt));
    expect(Math.min(...times)).toBeGreaterThan(startAt.getTime());
    expect(Math.max(...times)).toBeLessThan(startAt.getTime() + 16 * 3_600_000);
    const bySeq = [...central, ...media].sort((a, b) => a.seq - b.seq).map((e) => Date.parse(e.occurredAt));
    expect(bySeq).toEqual([...bySeq].sort((a, b) => a - b));
    // So the demo question is a date-range query: yesterday's URL endpoint changes.
    const yesterday = await auditlog.events(account, 'central', {
      category: 'url_endpoints',
      operation: 'update',
      from: new Date(startAt.getTime() - 8 * 3_600_000).toISOString(),
      to: new Date(startAt.getTime() + 16 * 3_600_000).toISOString(),
    });
    expect(yesterday.map((e) => e.id)).toEqual(changes.map((e) => e.id));
  });
});

describe('an Auditlog outage', () => {
  it('keeps the dashboard working and delivers every event once after Auditlog returns', async () => {
    const account = await auditlog.account('acme-outage');
    const dir = freshDir('outage');
    const dash = await audited(account, dir);
    await auditlog.stop();

    const sent: string[] = [];
    const steps: [string, string, string, unknown, number][] = [
      ['usr_alice', 'PATCH', '/v1/settings', { accountName: 'Offline Co' }, 200],
      ['usr_carol', 'PATCH', '/v1/performance', { imageQuality: 65 }, 200],
      ['usr_carol', 'POST', '/v1/purge-cache', { urls: ['https://cdn.example.com/a.jpg'] }, 201],
      ['usr_bob', 'POST', '/v1/users', { email: 'o@example.com', name: 'O', role: 'member' }, 201],
      ['usr_dave', 'POST', '/v1/media/files', { folder: '/o', fileName: 'o.jpg', size: 1 }, 201],
      ['usr_dave', 'PATCH', '/v1/settings', { accountName: 'Mine' }, 403],
    ];
    for (const [user, method, path, body, status] of steps) {
      const reply = await dash.call(user, method, path, body);
      expect(reply.status).toBe(status);
      sent.push(reply.headers.get('x-request-id')!);
    }

    await auditlog.restart();
    const all = async () => [
      ...(await auditlog.events(account, 'central')),
      ...(await auditlog.events(account, 'media')),
    ];
    const arrived = await until(all, (events) => events.length >= steps.length);
    expect(arrived.map((e) => e.requestId).sort()).toEqual([...sent].sort());

    // Restart the dashboard on the same outbox: anything still queued is sent, nothing twice.
    await dash.close();
    const again = await audited(account, dir);
    await again.dispose();
    const final = await all();
    expect(final).toHaveLength(steps.length);
    const full = await Promise.all(final.map((e) => auditlog.event(account, e.id)));
    const keys = full.map((e) => e.idempotencyKey);
    expect(keys.every((key) => typeof key === 'string' && key.length > 0)).toBe(true);
    expect(new Set(keys).size).toBe(steps.length);
    expect(full.map((e) => e.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
