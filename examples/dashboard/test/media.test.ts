import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './helpers.ts';

let dash: TestDashboard;
beforeAll(async () => {
  dash = await startTestDashboard();
});
afterAll(async () => {
  await dash.dispose();
});

const PIXEL = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

async function upload(folder: string, fileName: string, extra: object = { size: 10 }) {
  const res = await dash.call('usr_dave', 'POST', '/v1/media/files', { folder, fileName, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

describe('media files', () => {
  it('uploads with content or metadata only, and refuses a second file at the same path', async () => {
    const withContent = await upload('/products/shoes', 'red.jpg', { contentBase64: PIXEL });
    expect(withContent).toMatchObject({ path: '/products/shoes/red.jpg', size: 43, currentVersion: 1 });
    const metaOnly = await upload('/', 'logo.svg', { size: 1234 });
    expect(metaOnly.path).toBe('/logo.svg');
    const again = await dash.call('usr_dave', 'POST', '/v1/media/files', {
      folder: '/products/shoes',
      fileName: 'red.jpg',
      size: 1,
    });
    expect(again.status).toBe(409);
  });

  it('rejects bad names, folders, mismatched sizes and uploads with neither size nor content', async () => {
    const post = (body: object) => dash.call('usr_dave', 'POST', '/v1/media/files', body);
    expect((await post({ folder: '/a', fileName: '../x', size: 1 })).status).toBe(400);
    expect((await post({ folder: 'relative', fileName: 'x.jpg', size: 1 })).status).toBe(400);
    expect((await post({ folder: '/a', fileName: 'x.jpg', contentBase64: PIXEL, size: 1 })).status).toBe(400);
    const neither = await post({ folder: '/a', fileName: 'x.jpg' });
    expect(neither.status).toBe(400);
    expect(neither.body.violations[0].field).toBe('body/size');
  });

  it('lets a member rename but not move or delete; a developer moves, tags, annotates and deletes', async () => {
    const file = await upload('/bags', 'tote.png');
    const renamed = await dash.call('usr_dave', 'POST', `/v1/media/files/${file.id}/rename`, {
      name: 'big-tote.png',
    });
    expect(renamed.body).toMatchObject({ path: '/bags/big-tote.png', previousPath: '/bags/tote.png' });
    expect(
      (await dash.call('usr_dave', 'POST', `/v1/media/files/${file.id}/move`, { folder: '/x' })).status,
    ).toBe(403);
    expect((await dash.call('usr_dave', 'DELETE', `/v1/media/files/${file.id}`)).status).toBe(403);

    const moved = await dash.call('usr_carol', 'POST', `/v1/media/files/${file.id}/move`, {
      folder: '/accessories',
    });
    expect(moved.body.path).toBe('/accessories/big-tote.png');
    const tagged = await dash.call('usr_carol', 'PUT', `/v1/media/files/${file.id}/tags`, {
      tags: ['bag', 'summer'],
    });
    expect(tagged.body.tags).toEqual(['bag', 'summer']);
    await dash.call('usr_carol', 'PATCH', `/v1/media/files/${file.id}/metadata`, {
      metadata: { alt: 'Tote' },
    });
    const meta = await dash.call('usr_carol', 'PATCH', `/v1/media/files/${file.id}/metadata`, {
      metadata: { sku: 42 },
    });
    expect(meta.body.metadata).toEqual({ alt: 'Tote', sku: 42 });
    expect((await dash.call('usr_carol', 'DELETE', `/v1/media/files/${file.id}`)).body.path).toBe(
      '/accessories/big-tote.png',
    );
    expect((await dash.call('usr_carol', 'GET', `/v1/media/files/${file.id}`)).status).toBe(404);
  });
});

describe('sharing and public links', () => {
  it('shares with existing users only and allows one active public link at a time', async () => {
    const file = await upload('/share', 'a.jpg');
    const shares = `/v1/media/files/${file.id}/shares`;
    const shared = await dash.call('usr_carol', 'POST', shares, { userIds: ['usr_bob'], permission: 'edit' });
    expect(shared.body.shares).toEqual([{ userId: 'usr_bob', permission: 'edit' }]);
    expect(
      (await dash.call('usr_carol', 'POST', shares, { userIds: ['usr_ghost'], permission: 'view' })).status,
    ).toBe(400);

    const link = `/v1/media/files/${file.id}/public-link`;
    const created = await dash.call('usr_carol', 'POST', link);
    expect(created.status).toBe(201);
    expect(created.body.url).toContain(created.body.token);
    expect((await dash.call('usr_carol', 'POST', link)).status).toBe(409);
    expect((await dash.call('usr_carol', 'DELETE', link)).status).toBe(200);
    expect((await dash.call('usr_carol', 'DELETE', link)).status).toBe(409);
    expect((await dash.call('usr_carol', 'GET', shares)).body.publicLink).toBeNull();
  });
});

describe('versions', () => {
  it('creates, restores and deletes versions, never the current one', async () => {
    const file = await upload('/v', 'hero.jpg', { contentBase64: PIXEL });
    const versions = `/v1/media/files/${file.id}/versions`;
    const v2 = await dash.call('usr_carol', 'POST', versions, { size: 999 });
    expect(v2.body).toMatchObject({ number: 2, path: '/v/hero.jpg' });
    const list = (await dash.call('usr_carol', 'GET', versions)).body;
    expect(list.currentVersion).toBe(2);
    const v1 = list.versions.find((v: { number: number }) => v.number === 1);
    expect((await dash.call('usr_carol', 'DELETE', `${versions}/${v2.body.id}`)).status).toBe(409);
    const restored = await dash.call('usr_carol', 'POST', `${versions}/${v1.id}/restore`);
    expect(restored.body).toMatchObject({ currentVersion: 1, size: 43, restoredFrom: 2 });
    expect((await dash.call('usr_carol', 'POST', `${versions}/${v1.id}/restore`)).status).toBe(409);
    expect((await dash.call('usr_carol', 'DELETE', `${versions}/${v2.body.id}`)).status).toBe(200);
    const v3 = await dash.call('usr_carol', 'POST', versions, { size: 5 });
    expect(v3.body.number).toBe(3);
    expect((await dash.call('usr_carol', 'DELETE', `${versions}/ver_nope`)).status).toBe(404);
  });
});

describe('collections', () => {
  it('creates a collection, adds and removes files, and deletes it', async () => {
    const a = await upload('/c', 'a.jpg');
    const b = await upload('/c', 'b.jpg');
    const created = await dash.call('usr_carol', 'POST', '/v1/media/collections', { name: 'Picks' });
    expect(created.status).toBe(201);
    expect((await dash.call('usr_carol', 'POST', '/v1/media/collections', { name: 'Picks' })).status).toBe(
      409,
    );
    const items = `/v1/media/collections/${created.body.id}/items`;
    expect((await dash.call('usr_carol', 'POST', items, { fileId: a.id })).status).toBe(201);
    expect((await dash.call('usr_carol', 'POST', items, { fileId: b.id })).status).toBe(201);
    expect((await dash.call('usr_carol', 'POST', items, { fileId: a.id })).status).toBe(409);
    expect((await dash.call('usr_carol', 'POST', items, { fileId: 'file_nope' })).status).toBe(404);
    expect((await dash.call('usr_carol', 'DELETE', `${items}/${a.id}`)).status).toBe(200);
    const read = await dash.call('usr_erin', 'GET', `/v1/media/collections/${created.body.id}`);
    expect(read.body.fileIds).toEqual([b.id]);
    expect((await dash.call('usr_dave', 'POST', '/v1/media/collections', { name: 'Mine' })).status).toBe(403);
    expect((await dash.call('usr_carol', 'DELETE', `/v1/media/collections/${created.body.id}`)).status).toBe(
      200,
    );
    expect((await dash.call('usr_carol', 'GET', `/v1/media/collections/${created.body.id}`)).status).toBe(
      404,
    );
  });
});

describe('persistence', () => {
  it('keeps its data across a restart on the same file, without seeding twice', async () => {
    const own = await startTestDashboard();
    const file = await own.call('usr_dave', 'POST', '/v1/media/files', {
      folder: '/p',
      fileName: 'keep.jpg',
      size: 3,
    });
    await own.close();
    const reopened = await startTestDashboard({ dir: own.dir });
    expect((await reopened.call('usr_erin', 'GET', `/v1/media/files/${file.body.id}`)).body.path).toBe(
      '/p/keep.jpg',
    );
    expect((await reopened.call('usr_erin', 'GET', '/v1/users')).body.users).toHaveLength(5);
    await reopened.dispose();
  });
});
