import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { AuditlogError } from '../errors.ts';
import { DEFAULT_CATALOG } from '../events/catalog.ts';
import { hashEvent } from '../events/chain.ts';
import { uniqueAccountId } from '../store/conformance-fixtures.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/types.ts';
import { createIngestor, type Ingestor } from './pipeline.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
let dir: string;
let store: Store;
let ingestor: Ingestor;

function event(overrides: Record<string, unknown> = {}) {
  return {
    category: 'settings',
    operation: 'update',
    actor: { type: 'user', id: 'u1' },
    status: 'success',
    occurredAt: '2026-06-01T13:59:00+02:00',
    request: { password: 'hunter2', quality: 80, internal_note: 'n' },
    ...overrides,
  };
}

async function account(retentionDays = 365): Promise<string> {
  const id = uniqueAccountId('pipe');
  await store.accounts.create({ id, name: id, plan: 'enterprise', auditLogsEnabled: true, retentionDays });
  return id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlog-pipeline-'));
  store = createSqliteStore({ path: join(dir, 'events.db') });
  await store.migrate();
  ingestor = createIngestor({
    store,
    catalog: DEFAULT_CATALOG,
    config: loadConfig({}),
    clock: () => NOW,
    // An operator policy on top of the defaults, to prove the policy reaches the redaction step.
    redaction: { keys: ['internal_note'] },
  });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createIngestor', () => {
  it('stores a redacted, normalised, chained event with our id and receipt time', async () => {
    const id = await account();
    const [appended] = await ingestor.ingest(id, event());
    expect(appended).toMatchObject({ seq: 1, duplicate: false });
    const stored = (await store.events.get(id, appended!.id))!;
    expect(stored.request).toEqual({ password: '[REDACTED]', quality: 80, internal_note: '[REDACTED]' });
    expect(stored.occurredAt).toBe('2026-06-01T11:59:00.000Z');
    expect(stored.receivedAt).toBe(NOW.toISOString());
    expect(stored.response).toBeNull();
    expect(stored.target).toBeNull();
    expect(stored.stream).toBe('central');
    const { hash, ...content } = stored;
    expect(hashEvent(content)).toBe(hash);
  });

  it('accepts the lower-case t and z that RFC 3339 allows', async () => {
    const id = await account();
    const [appended] = await ingestor.ingest(id, event({ occurredAt: '2026-06-01t11:00:00.5z' }));
    expect((await store.events.get(id, appended!.id))?.occurredAt).toBe('2026-06-01T11:00:00.500Z');
  });

  it('assigns increasing ULIDs within one millisecond', async () => {
    const id = await account();
    const appended = await ingestor.ingest(id, { events: Array.from({ length: 50 }, () => event()) });
    const ids = appended.map((a) => a.id);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });

  it('derives batch keys from the header and replays them', async () => {
    const id = await account();
    const body = { events: [event(), event({ idempotencyKey: 'mine' })] };
    const first = await ingestor.ingest(id, body, { idempotencyKey: 'h' });
    const again = await ingestor.ingest(id, body, { idempotencyKey: 'h' });
    expect(again.map(({ id, seq }) => ({ id, seq }))).toEqual(first.map(({ id, seq }) => ({ id, seq })));
    expect(again.every((a) => a.duplicate)).toBe(true);
    expect((await store.events.get(id, first[0]!.id))?.idempotencyKey).toBe('h:0');
  });

  it("measures occurredAt against the account's retention and the injected clock", async () => {
    const id = await account(7);
    const old = await ingestor
      .ingest(id, event({ occurredAt: '2026-05-20T00:00:00Z' }))
      .catch((e: AuditlogError) => e);
    expect(old).toBeInstanceOf(AuditlogError);
    expect((old as AuditlogError).violations[0]?.field).toBe('/occurredAt');
    await expect(ingestor.ingest(id, event({ occurredAt: '2026-05-30T00:00:00Z' }))).resolves.toHaveLength(1);
  });

  it('refuses an unknown account', async () => {
    await expect(ingestor.ingest('acc_missing', event())).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
    });
  });
});
