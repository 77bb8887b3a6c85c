/** @module Vite build of the Audit Logs page: root is web/, output web/dist, served by src/server/web.ts. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server serves only /assets/* as static files; everything else is the SPA's index.html.
    assetsDir: 'assets',
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development talks to a local `auditlog serve`.
    proxy: { '/v1': 'http://127.0.0.1:4000' },
  },
});
