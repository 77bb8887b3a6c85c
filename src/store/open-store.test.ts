/**
 * @module openStore picks the engine from the URL and returns it migrated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOk } from './conformance/helpers.ts';
import { makePendingEvent } from './conformance-fixtures.ts';
import { openStore, sqlitePathOf } from './open-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('opens a migrated SQLite store for file: URLs, creating the directory', async () => {
    const store = await openStore(`file:${join(dir, 'a', 'b', 'auditlog.db')}`);
    try {
      expect(store.engine).toBe('sqlite');
      const [appended] = await appendOk(store, 'acme', [makePendingEvent()]);
      expect(appended!.seq).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('passes the clock through to new accounts', async () => {
    const store = await openStore(`file:${join(dir, 'clock.db')}`, {
      clock: () => new Date('2026-05-04T03:02:01.000Z'),
    });
    try {
      const account = await store.accounts.create({
        id: 'acme',
        name: 'Acme',
        plan: 'free',
        auditLogsEnabled: false,
        retentionDays: 365,
      });
      expect(account.createdAt).toBe('2026-05-04T03:02:01.000Z');
    } finally {
      await store.close();
    }
  });

  it('reads relative, absolute and file:// paths', () => {
    expect(sqlitePathOf('file:./data/auditlog.db')).toBe('./data/auditlog.db');
    expect(sqlitePathOf('file:/var/lib/auditlog.db')).toBe('/var/lib/auditlog.db');
    expect(sqlitePathOf(pathToFileURL('/var/lib/audit log.db').href)).toBe('/var/lib/audit log.db');
  });

  it('refuses other URLs with CONFIG_INVALID', async () => {
    await expect(openStore('mysql://localhost/audit')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(openStore('file:')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
