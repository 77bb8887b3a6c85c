import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { createSqliteStore } from './index.ts';
import { createWalSync } from './wal-sync.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createWalSync', () => {
  it('syncs the WAL, or the database file when there is no WAL', async () => {
    const path = join(dir, 'plain.db');
    writeFileSync(path, 'x');
    await expect(createWalSync(path).sync()).resolves.toBeUndefined();
    writeFileSync(`${path}-wal`, 'y');
    await expect(createWalSync(path).sync()).resolves.toBeUndefined();
  });

  it('fails when neither file exists, so an append is never acknowledged unsynced', async () => {
    await expect(createWalSync(join(dir, 'missing.db')).sync()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('resolves every caller when many ask at once (they share syncs)', async () => {
    const path = join(dir, 'shared.db');
    writeFileSync(path, 'x');
    const wal = createWalSync(path);
    const results = await Promise.all(Array.from({ length: 20 }, () => wal.sync()));
    expect(results).toHaveLength(20);
  });
});

describe('appendBatches on a WAL database', () => {
  it('keeps every concurrent append, in call order, durable across a reopen', async () => {
    const store = createSqliteStore({ path: join(dir, 'store.db') });
    await store.migrate();
    expect(store.events.appendConcurrency).toBeGreaterThan(1);
    const calls = Array.from({ length: 10 }, () =>
      store.events.appendBatches([{ accountId: 'acme', events: [makePendingEvent()] }]),
    );
    const outcomes = await Promise.all(calls);
    const seqs = outcomes.map((o) => (o[0]?.ok ? o[0].events[0]?.seq : -1));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await store.close();
    const reopened = createSqliteStore({ path: join(dir, 'store.db') });
    expect((await reopened.events.head('acme')).seq).toBe(10);
    await reopened.close();
  });
});
