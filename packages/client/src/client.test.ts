import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fail, hangUp, type Stub, startStub } from '../test/auditlog-stub.ts';
import {
  type AuditlogClient,
  type AuditlogClientOptions,
  createAuditlogClient,
  type PublishInput,
} from './client.ts';
import type { ClientLogger } from './drainer.ts';
import { AuditlogClientError } from './errors.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function event(n: number, extra: Partial<PublishInput> = {}): PublishInput {
  return {
    category: 'url_endpoints',
    operation: 'update',
    actor: { type: 'user', id: `u_${n}` },
    status: 'success',
    target: { type: 'url_endpoint', id: String(n) },
    ...extra,
  };
}

/** A logger that keeps what it was told, for assertions on reported problems. */
function recordingLogger(): ClientLogger & { lines: { level: string; message: string; details?: object }[] } {
  const lines: { level: string; message: string; details?: object }[] = [];
  return {
    lines,
    warn: (message, details) => lines.push({ level: 'warn', message, details }),
    error: (message, details) => lines.push({ level: 'error', message, details }),
  };
}

let stub: Stub;
let dir: string;
const clients: AuditlogClient[] = [];

function client(options: Partial<AuditlogClientOptions> = {}): AuditlogClient {
  const created = createAuditlogClient({
    url: stub.url,
    apiKey: 'alk_test',
    lingerMs: 5,
    backoff: { baseMs: 5, capMs: 20 },
    logger: recordingLogger(),
    ...options,
  });
  clients.push(created);
  return created;
}

beforeEach(async () => {
  stub = await startStub();
  dir = mkdtempSync(join(tmpdir(), 'auditlog-client-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close({ timeoutMs: 100 })));
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('batching', () => {
  it('sends in batches of batchSize, in publish order, with a ULID idempotency key and the API key', async () => {
    const audit = client({ batchSize: 100 });
    for (let i = 0; i < 250; i++) await audit.publish(event(i));
    await audit.flush();
    expect(stub.received.map((r) => r.events.length)).toEqual([100, 100, 50]);
    expect(stub.accepted.map((e) => e.actor.id)).toEqual(Array.from({ length: 250 }, (_, i) => `u_${i}`));
    expect(stub.accepted.every((e) => ULID.test(e.idempotencyKey ?? ''))).toBe(true);
    expect(new Set(stub.accepted.map((e) => e.idempotencyKey)).size).toBe(250);
    expect(stub.received[0]!.authorization).toBe('Bearer alk_test');
    expect(audit.stats()).toMatchObject({ queued: 0, sent: 250, dropped: 0 });
  });

  it('keeps a given idempotency key and occurredAt, and stamps missing ones', async () => {
    const audit = client();
    await audit.publish(event(1, { idempotencyKey: 'mine-1', occurredAt: '2026-01-02T03:04:05Z' }));
    await audit.publish(event(2, { occurredAt: new Date('2026-01-02T03:04:06Z') }));
    await audit.flush();
    expect(stub.accepted[0]).toMatchObject({ idempotencyKey: 'mine-1', occurredAt: '2026-01-02T03:04:05Z' });
    expect(stub.accepted[1]).toMatchObject({ occurredAt: '2026-01-02T03:04:06.000Z' });
  });

  it('redacts before anything is queued or sent', async () => {
    const path = join(dir, 'outbox.db');
    const audit = client({ outbox: { path }, redaction: { keys: ['bucketOwner'] } });
    stub.fallback = fail(503);
    await audit.publish(event(1, { request: { password: 'hunter2', bucket_owner: 'ann', name: 'x' } }));
    await audit.close({ timeoutMs: 50 });
    const rows = new Database(path).prepare('SELECT event FROM outbox').pluck().all() as string[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).not.toMatch(/hunter2|ann/);
    expect(JSON.parse(rows[0]!).request).toEqual({
      password: '[REDACTED]',
      bucket_owner: '[REDACTED]',
      name: 'x',
    });
    expect(JSON.stringify(stub.received)).not.toMatch(/hunter2/);
  });

  it('rejects an invalid event at publish, naming the field, and queues nothing', async () => {
    const audit = client();
    const bad = { ...event(1), actor: { type: 'robot', id: '' } } as unknown as PublishInput;
    const error = await audit.publish(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditlogClientError);
    expect((error as AuditlogClientError).code).toBe('EVENT_INVALID');
    expect((error as AuditlogClientError).violations.map((v) => v.field)).toContain('/actor/type');
    expect(audit.stats().queued).toBe(0);
  });
});

describe('retries', () => {
  it('retries 5xx and dropped connections with the same idempotency keys until acknowledged', async () => {
    stub.script = [fail(503), hangUp, fail(500)];
    const audit = client();
    await audit.publishMany([event(1), event(2)]);
    await audit.flush();
    expect(stub.received).toHaveLength(4);
    const keys = stub.received.map((r) => r.events.map((e) => e.idempotencyKey).join());
    expect(new Set(keys).size).toBe(1);
    expect(stub.accepted).toHaveLength(2);
    expect(audit.stats()).toMatchObject({ sent: 2, retries: 3, dropped: 0 });
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const logger = recordingLogger();
    // An HTTP date holds whole seconds: 2–3 s from now, so ~1–2 s are left when the 503 comes after
    // the first retry's 1 s (now + 2 s, truncated, left 0–1 s: the delay was sometimes 0).
    const date = new Date((Math.floor(Date.now() / 1000) + 3) * 1000).toUTCString();
    stub.script = [fail(429, {}, { 'retry-after': '1' }), fail(503, {}, { 'retry-after': date })];
    const audit = client({ logger });
    await audit.publish(event(1));
    await audit.flush();
    const delays = logger.lines
      .filter((l) => l.level === 'warn')
      .map((l) => Number(/in (\d+) ms/.exec(l.message)?.[1]));
    expect(delays[0]).toBe(1000);
    expect(delays[1]).toBeGreaterThan(0);
    expect(delays[1]).toBeLessThanOrEqual(2000);
    expect(stub.accepted).toHaveLength(1);
  });

  it('keeps retrying authentication failures (an operator can fix the key) without dropping', async () => {
    stub.script = [fail(401, { code: 'UNAUTHENTICATED' }), fail(403, { code: 'FORBIDDEN' })];
    const audit = client();
    await audit.publish(event(1));
    await audit.flush();
    expect(audit.stats()).toMatchObject({ sent: 1, dropped: 0, retries: 2 });
  });

  it('drops a batch after maxRetries in memory mode, reports it, and moves on', async () => {
    const logger = recordingLogger();
    stub.fallback = fail(503);
    const audit = client({ maxRetries: 2, logger });
    await audit.publish(event(1));
    await audit.flush();
    expect(stub.received).toHaveLength(3);
    expect(audit.stats()).toMatchObject({ queued: 0, dropped: 1, sent: 0 });
    expect(logger.lines.some((l) => l.level === 'error' && /after 2 retries/.test(l.message))).toBe(true);
  });

  it('flush rejects with FLUSH_TIMEOUT while Auditlog keeps failing', async () => {
    stub.fallback = fail(503);
    const audit = client({ outbox: { path: join(dir, 'o.db') } });
    await audit.publish(event(1));
    const error = await audit.flush({ timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as AuditlogClientError).code).toBe('FLUSH_TIMEOUT');
    expect(audit.stats().queued).toBe(1);
  });
});

describe('events Auditlog will never accept', () => {
  it('drops the events a 422 names, reports the problem, and resends the valid ones', async () => {
    const logger = recordingLogger();
    const problem = {
      code: 'EVENT_INVALID',
      violations: [{ index: 1, field: '/events/1/category', rule: 'bad' }],
    };
    stub.script = [fail(422, problem)];
    const audit = client({ logger });
    await audit.publishMany([event(0), event(1), event(2)]);
    await audit.flush();
    expect(stub.received.map((r) => r.events.map((e) => e.actor.id))).toEqual([
      ['u_0', 'u_1', 'u_2'],
      ['u_0', 'u_2'],
    ]);
    const report = logger.lines.find((l) => l.level === 'error');
    expect(report?.details).toMatchObject({ problem, events: [{ actor: { id: 'u_1' } }] });
    expect(audit.stats()).toMatchObject({ sent: 2, dropped: 1 });
  });

  it('splits a batch on 413 until it fits, losing nothing', async () => {
    stub.fallback = (received, reply) => {
      if (received.events.length <= 2) return false;
      reply.code(413).send({ code: 'PAYLOAD_TOO_LARGE' });
      return true;
    };
    const audit = client();
    await audit.publishMany([0, 1, 2, 3, 4, 5, 6].map((n) => event(n)));
    await audit.flush();
    expect(stub.accepted.map((e) => e.actor.id)).toEqual(['u_0', 'u_1', 'u_2', 'u_3', 'u_4', 'u_5', 'u_6']);
    expect(audit.stats().dropped).toBe(0);
  });

  it('isolates and drops a poison event that fails a whole batch without naming it, then goes on', async () => {
    stub.fallback = (received, reply) => {
      if (!received.events.some((e) => e.actor.id === 'u_2')) return false;
      reply.code(409).send({ code: 'IDEMPOTENCY_CONFLICT' });
      return true;
    };
    const audit = client({ outbox: { path: join(dir, 'o.db') } });
    await audit.publishMany([0, 1, 2, 3, 4].map((n) => event(n)));
    await audit.flush();
    expect(stub.accepted.map((e) => e.actor.id)).toEqual(['u_0', 'u_1', 'u_3', 'u_4']);
    expect(audit.stats()).toMatchObject({ queued: 0, dropped: 1 });
  });

  it('drops events when the account has audit logs turned off', async () => {
    stub.fallback = fail(403, { code: 'FEATURE_NOT_ENABLED' });
    const audit = client({ outbox: { path: join(dir, 'o.db') } });
    await audit.publishMany([event(1), event(2)]);
    await audit.flush();
    expect(stub.received).toHaveLength(1);
    expect(audit.stats()).toMatchObject({ queued: 0, dropped: 2 });
  });
});

describe('outbox and lifecycle', () => {
  it('keeps unacknowledged events on disk across a restart and sends them first, in order', async () => {
    const path = join(dir, 'outbox.db');
    stub.fallback = fail(503);
    const first = client({ outbox: { path } });
    await first.publishMany([0, 1, 2].map((n) => event(n)));
    await first.close({ timeoutMs: 50 });
    expect(stub.accepted).toHaveLength(0);

    stub.fallback = undefined;
    const second = client({ outbox: { path } });
    await second.publishMany([3, 4].map((n) => event(n)));
    await second.flush();
    expect(stub.accepted.map((e) => e.actor.id)).toEqual(['u_0', 'u_1', 'u_2', 'u_3', 'u_4']);
  });

  it('lets only one client use an outbox file at a time', async () => {
    const path = join(dir, 'outbox.db');
    const first = client({ outbox: { path } });
    await first.publish(event(1));
    expect(() => client({ outbox: { path } })).toThrow(/locked|busy/i);
    await first.close();
    const second = client({ outbox: { path } });
    expect(second.durable).toBe(true);
  });

  it('close() flushes, then refuses new events', async () => {
    const audit = client({ lingerMs: 10_000 });
    await audit.publish(event(1));
    await audit.close();
    expect(stub.accepted).toHaveLength(1);
    const error = await audit.publish(event(2)).catch((e: unknown) => e);
    expect((error as AuditlogClientError).code).toBe('CLIENT_CLOSED');
  });

  it('rejects bad options with every bad field', () => {
    try {
      createAuditlogClient({ url: 'ftp://x', apiKey: '', batchSize: 5000 });
      expect.unreachable();
    } catch (error) {
      expect((error as AuditlogClientError).violations.map((v) => v.field)).toEqual([
        'url',
        'apiKey',
        'batchSize',
      ]);
    }
  });

  it('rejects with QUEUE_FULL instead of growing without bound', async () => {
    stub.fallback = fail(503);
    const audit = client({ maxQueued: 2 });
    await audit.publishMany([event(1), event(2)]);
    const error = await audit.publish(event(3)).catch((e: unknown) => e);
    expect((error as AuditlogClientError).code).toBe('QUEUE_FULL');
  });
});
