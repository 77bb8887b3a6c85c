/**
 * @module Serves the built Audit Logs page (web/dist): hashed assets under /assets/ with a long
 * immutable cache, and index.html for the page's own paths (`/`, `/media`, `/access` and below)
 * so the client-side router can take over. Only these routes are added: every other path keeps the
 * API's problem+json 404. Without a build, the page's paths answer with a short hint, not a crash.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` writes the page. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The paths the single-page app answers: its tabs (Dashboard, Media Library, Log access); the `/*`
 * forms keep room for deeper links. Whether a viewer may see Log access is the API's answer, not
 * the page route's: the page is the same for everyone.
 */
export const PAGE_ROUTES = ['/', '/media', '/media/*', '/access', '/access/*'] as const;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit logs</title></head>
<body><h1>Audit logs</h1><p>The page is not built yet. Run <code>npm run build:web</code>, then restart the server.</p></body>
</html>
`;

/**
 * Registers the page. Call it last, after the API routes.
 * @example await registerWeb(app, { distDir: '/tmp/web-dist' });
 */
export async function registerWeb(app: FastifyInstance, options: { distDir?: string } = {}): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_WEB_DIST;
  const indexFile = join(distDir, 'index.html');
  const built = existsSync(indexFile);
  if (!built) app.log.warn({ distDir }, 'web page not built: run npm run build:web');

  const assets = join(distDir, 'assets');
  if (built && existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      // Another plugin may own reply.sendFile; we never need it.
      decorateReply: false,
      index: false,
      // File names carry a content hash: a changed file is a new URL, so caching forever is safe.
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
    });
  }

  const sendPage = async (reply: FastifyReply) => {
    // Read per request, not at boot: a rebuild is picked up without restarting, and the file is tiny.
    const html = built ? await readFile(indexFile, 'utf8') : NOT_BUILT;
    // no-cache: always revalidate the page, so a new build's asset names reach the browser.
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  for (const url of PAGE_ROUTES) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => sendPage(reply));
  }
}
