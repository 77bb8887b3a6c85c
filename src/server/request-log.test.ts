import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../access/api-keys.ts';
import { loadConfig } from '../config.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/types.ts';
import { createApp } from './app.ts';
import { loggingOptions, REDACTED, redactUrl, type serializeRequest } from './request-log.ts';

describe('redactUrl', () => {
  it('replaces the value of every token parameter and keeps the rest byte for byte', () => {
    expect(redactUrl('/?token=alv1.abc.def')).toBe(`/?token=${REDACTED}`);
    expect(redactUrl('/media?q=a%20b&token=alv1.x.y&actor=u_1&token=second')).toBe(
      `/media?q=a%20b&token=${REDACTED}&actor=u_1&token=${REDACTED}`,
    );
    // An escaped name is the same parameter to the page (URLSearchParams decodes it).
    expect(redactUrl('/?%74oken=alv1.x.y')).toBe(`/?%74oken=${REDACTED}`);
    expect(redactUrl('/?token=')).toBe(`/?token=${REDACTED}`);
  });

  it('leaves URLs without a token parameter unchanged', () => {
    for (const url of [
      '/',
      '/v1/events?stream=central&q=token',
      '/?tokens=1&my_token=2',
      '/?token',
      '/?%E0=1',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});

describe('loggingOptions', () => {
  it("gives Fastify's own pino the redacting request serializer", () => {
    const options = loggingOptions('info');
    const logger = options.logger as { level: string; serializers: { req: typeof serializeRequest } };
    expect(logger.level).toBe('info');
    const logged = logger.serializers.req({ method: 'GET', url: '/?token=alv1.a.b', ip: '127.0.0.1' });
    expect(logged).toEqual({
      method: 'GET',
      url: `/?token=${REDACTED}`,
      host: undefined,
      remoteAddress: '127.0.0.1',
      remotePort: undefined,
    });
  });
});

describe('the request log of a real server', () => {
  let dir: string | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    store = undefined;
    dir = undefined;
  });

  it('never contains a token sent in the query string', async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditlog-request-log-'));
    store = createSqliteStore({ path: join(dir, 'events.db') });
    await store.migrate();
    await store.accounts.create({
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise',
      auditLogsEnabled: true,
      retentionDays: 30,
    });
    const key = (await createApiKey(store.accounts, 'acme', ['read'], 'log test')).key;
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const app = await createApp({
      store,
      config: loadConfig({}, { logLevel: 'info' }),
      logger: pino({ level: 'info' }, sink),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const viewerLink = 'alv1.eyJhIjoiYWNtZSJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ';
    try {
      // The page (a viewer link), an API read with a valid key, and a refused one (401 logged too).
      expect((await fetch(`${url}/?token=${viewerLink}`)).status).toBe(200);
      const read = await fetch(`${url}/v1/events?stream=central&token=${key}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      // `token` is not a list parameter: the request is refused, and still logged without it.
      expect(read.status).toBe(400);
      const refused = await fetch(`${url}/media?token=${encodeURIComponent(viewerLink)}&q=x`, {
        headers: { authorization: 'Bearer alk_wrong' },
      });
      expect(refused.status).toBe(200);
    } finally {
      await app.close();
    }

    const output = lines.join('\n');
    const requests = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'incoming request');
    expect(requests.map((entry) => entry.req.url)).toEqual([
      `/?token=${REDACTED}`,
      `/v1/events?stream=central&token=${REDACTED}`,
      `/media?token=${REDACTED}&q=x`,
    ]);
    expect(output).not.toContain(viewerLink);
    expect(output).not.toContain(encodeURIComponent(viewerLink));
    expect(output).not.toContain(key);
  });
});
