/**
 * The SDK against a real Auditlog server: events arrive whole and redacted, retries after lost
 * answers store nothing twice, and an event the server refuses is dropped without blocking the rest.
 */

import {
  type AuditlogClient,
  type ClientLogger,
  createAuditlogClient,
  type PublishInput,
} from '@auditlog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Auditlog, startAuditlog, startFlakyProxy } from './auditlog.ts';

let auditlog: Auditlog;
beforeAll(async () => {
  auditlog = await startAuditlog();
});
afterAll(async () => {
  await auditlog?.close();
});

const quiet: ClientLogger = { warn: () => {}, error: () => {} };

function event(n: number, batch: string, extra: Partial<PublishInput> = {}): PublishInput {
  return {
    category: 'external_storage',
    operation: 'update',
    actor: { type: 'user', id: `u_${n % 3}`, email: `u${n % 3}@example.com` },
    target: { type: 'storage', id: `st_${n}` },
    requestId: `${batch}-${n}`,
    request: { bucket: `b-${n}`, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    status: 'success',
    httpStatus: 200,
    ...extra,
  };
}

async function ofBatch(batch: string) {
  return (await auditlog.events()).filter((e) => e.requestId?.startsWith(`${batch}-`));
}

describe('SDK → Auditlog', () => {
  it('delivers every event once, in publish order, redacted, with its idempotency key', async () => {
    const client = createAuditlogClient({
      url: auditlog.url,
      apiKey: auditlog.apiKey,
      batchSize: 7,
      logger: quiet,
    });
    for (let i = 0; i < 30; i++) await client.publish(event(i, 'plain'));
    await client.flush();
    await client.close();
    const stored = await ofBatch('plain');
    expect(stored.map((e) => e.requestId)).toEqual(Array.from({ length: 30 }, (_, i) => `plain-${i}`));
    expect(stored.every((e) => /^[0-9A-Z]{26}$/.test(e.idempotencyKey ?? ''))).toBe(true);
    expect(stored[0]!.request).toEqual({ bucket: 'b-0', secretAccessKey: '[REDACTED]' });
    expect(client.stats()).toMatchObject({ sent: 30, dropped: 0 });
  });

  it('stores nothing twice when answers are lost and batches are retried', async () => {
    const proxy = await startFlakyProxy(auditlog.url, 3);
    const client: AuditlogClient = createAuditlogClient({
      url: proxy.url,
      apiKey: auditlog.apiKey,
      batchSize: 5,
      backoff: { baseMs: 5, capMs: 20 },
      outbox: { path: `${auditlog.dir}/retry-outbox.db` },
      logger: quiet,
    });
    await client.publishMany(Array.from({ length: 12 }, (_, i) => event(i, 'retry')));
    await client.flush();
    await client.close();
    await proxy.close();
    expect(proxy.dropped).toBe(3);
    expect(client.stats().retries).toBeGreaterThanOrEqual(3);
    const stored = await ofBatch('retry');
    expect(stored.map((e) => e.requestId)).toEqual(Array.from({ length: 12 }, (_, i) => `retry-${i}`));
  });

  it('drops the event the server refuses (422) and delivers the rest of its batch', async () => {
    const errors: unknown[] = [];
    const client = createAuditlogClient({
      url: auditlog.url,
      apiKey: auditlog.apiKey,
      logger: { warn: () => {}, error: (_m, details) => errors.push(details) },
    });
    // Schema-valid, so publish() accepts it; only the server knows the catalog has no such category.
    await client.publishMany([
      event(0, 'poison'),
      event(1, 'poison', { category: 'no_such_area' }),
      event(2, 'poison'),
    ]);
    await client.flush();
    await client.close();
    const stored = await ofBatch('poison');
    expect(stored.map((e) => e.requestId)).toEqual(['poison-0', 'poison-2']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      problem: { code: 'EVENT_INVALID', violations: [expect.objectContaining({ index: 1 })] },
      events: [expect.objectContaining({ requestId: 'poison-1' })],
    });
  });
});
