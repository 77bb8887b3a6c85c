import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWeb } from './web.ts';

let app: FastifyInstance | undefined;
let dir: string | undefined;

afterEach(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  app = undefined;
  dir = undefined;
});

async function appWith(distDir: string): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  app.get('/v1/health', async () => ({ ok: true }));
  await registerWeb(app, { distDir });
  return app;
}

describe('registerWeb', () => {
  it('serves index.html on the page paths and hashed assets with a long cache', async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditlog-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Audit logs</title><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    const server = await appWith(dir);

    for (const url of ['/', '/media', '/media/anything?event=01X', '/access', '/access?actor=u_1']) {
      const page = await server.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toContain('<div id="root">');
    }
    const asset = await server.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('leaves API paths and unknown paths to the app (its own 404s)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditlog-web-'));
    await writeFile(join(dir, 'index.html'), '<div id="root"></div>');
    const server = await appWith(dir);
    expect((await server.inject({ url: '/v1/health' })).json()).toEqual({ ok: true });
    const missing = await server.inject({ url: '/v1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('root');
    expect((await server.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('answers with a build hint instead of crashing when the page is not built', async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditlog-web-'));
    const server = await appWith(join(dir, 'does-not-exist'));
    const page = await server.inject({ url: '/media' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('npm run build:web');
  });
});
