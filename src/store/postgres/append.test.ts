/**
 * @module PostgreSQL-specific append behaviour: text PostgreSQL cannot store fails its batch alone
 * with a coded error, payloads keep every JSON escape, keys resolve across batches of one call,
 * and crossing account orders never deadlock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { isAuditlogError } from '../../errors.ts';
import { GENESIS_HASH, sealEvent } from '../../events/chain.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { createPostgresStore, type PostgresStore } from './index.ts';

let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = createPostgresStore({ connectionString: database.url });
  await store.migrate();
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe('appendBatches on PostgreSQL', () => {
  it('fails only the batch whose text holds a NUL, naming the field', async () => {
    const bad = uniqueAccountId('nul');
    const good = uniqueAccountId('nul_ok');
    const outcomes = await store.events.appendBatches([
      {
        accountId: bad,
        events: [makePendingEvent(), makePendingEvent({ actor: { type: 'user', id: 'u\u0000x' } })],
      },
      { accountId: good, events: [makePendingEvent()] },
    ]);
    expect(outcomes[0]?.ok).toBe(false);
    if (outcomes[0]?.ok === false) {
      expect(outcomes[0].error.code).toBe('EVENT_INVALID');
      expect(outcomes[0].error.violations).toEqual([
        {
          field: '/events/1/actor/id',
          rule: 'must not contain NUL characters or unpaired surrogates',
          index: 1,
        },
      ]);
    }
    expect(outcomes[1]).toMatchObject({ ok: true, events: [{ seq: 1 }] });
    expect(await store.events.head(bad)).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it('refuses times outside years 1..9999 as EVENT_INVALID', async () => {
    const [outcome] = await store.events.appendBatches([
      {
        accountId: uniqueAccountId('far'),
        events: [makePendingEvent({ occurredAt: '+010000-01-01T00:00:00.000Z' })],
      },
    ]);
    expect(outcome?.ok === false && outcome.error.code).toBe('EVENT_INVALID');
  });

  it('keeps NUL escapes and unpaired surrogates in payloads exactly, so the hash still verifies', async () => {
    const account = uniqueAccountId('escapes');
    const payload = {
      nul: 'a\u0000b',
      lone: '\ud800',
      low: 'x\udc00',
      pair: '😀',
      'k\u0000': [1.5e300, -0.25],
    };
    const pending = makePendingEvent({ request: payload, response: '\u0000', before: { deep: [payload] } });
    const [outcome] = await store.events.appendBatches([{ accountId: account, events: [pending] }]);
    expect(outcome?.ok).toBe(true);
    expect(await store.events.get(account, pending.id)).toEqual(sealEvent(pending, account, 1, GENESIS_HASH));
  });

  it('refuses an id repeated within a batch, naming the event', async () => {
    const account = uniqueAccountId('dup_id');
    const first = makePendingEvent({ occurredAt: '2026-01-15T00:00:00.000Z' });
    const [outcome] = await store.events.appendBatches([
      {
        accountId: account,
        events: [first, makePendingEvent({ id: first.id, occurredAt: '2026-06-15T00:00:00.000Z' })],
      },
    ]);
    expect(outcome?.ok).toBe(false);
    if (outcome?.ok === false) expect(outcome.error.violations[0]?.field).toBe('/events/1/id');
    expect((await store.events.head(account)).seq).toBe(0);
  });

  it('resolves a key against earlier batches of the same call, unless that batch rolled back', async () => {
    const account = uniqueAccountId('keys_call');
    const first = makePendingEvent({ idempotencyKey: 'k1' });
    const repeat = makePendingEvent({ idempotencyKey: 'k1' });
    const doomedKey = makePendingEvent({ idempotencyKey: 'k2' });
    const reused = makePendingEvent({ idempotencyKey: 'k2' });
    const outcomes = await store.events.appendBatches([
      { accountId: account, events: [first] },
      { accountId: account, events: [repeat] },
      { accountId: account, events: [doomedKey, makePendingEvent({ id: first.id })] },
      { accountId: account, events: [reused] },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true]);
    expect(outcomes[1]).toEqual({ ok: true, events: [{ id: first.id, seq: 1, duplicate: true }] });
    expect(outcomes[3]).toEqual({ ok: true, events: [{ id: reused.id, seq: 2, duplicate: false }] });
  });

  it('resolves keys per account across the batches of one call that all succeed', async () => {
    const [a, b] = ['keys_a', 'keys_b'].map(uniqueAccountId) as [string, string];
    const [a1, a2, a3] = ['k1', 'k1', 'k2'].map((key) => makePendingEvent({ idempotencyKey: key }));
    const [b1, b2] = ['k1', 'k2'].map((key) => makePendingEvent({ idempotencyKey: key }));
    const outcomes = await store.events.appendBatches([
      { accountId: a, events: [a1!] },
      { accountId: b, events: [b1!] },
      { accountId: a, events: [a2!, a3!] },
      { accountId: b, events: [b2!] },
    ]);
    expect(outcomes).toEqual([
      { ok: true, events: [{ id: a1!.id, seq: 1, duplicate: false }] },
      { ok: true, events: [{ id: b1!.id, seq: 1, duplicate: false }] },
      {
        ok: true,
        events: [
          { id: a1!.id, seq: 1, duplicate: true },
          { id: a3!.id, seq: 2, duplicate: false },
        ],
      },
      { ok: true, events: [{ id: b2!.id, seq: 2, duplicate: false }] },
    ]);
    const [later] = await store.events.appendBatches([
      { accountId: a, events: [makePendingEvent({ idempotencyKey: 'k2' }), makePendingEvent()] },
    ]);
    expect(later).toMatchObject({ ok: true, events: [{ id: a3!.id, seq: 2, duplicate: true }, { seq: 3 }] });
    expect((await store.events.head(b)).seq).toBe(2);
    expect(await store.events.get(a, a3!.id)).toEqual(
      sealEvent(a3!, a, 2, (await store.events.get(a, a1!.id))!.hash),
    );
  });

  it('never deadlocks when calls lock the same accounts in opposite orders', async () => {
    const [a, b, c] = ['dl_a', 'dl_b', 'dl_c'].map(uniqueAccountId) as [string, string, string];
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, a, c],
      [c, a, b],
    ];
    const calls = Array.from({ length: 12 }, (_, i) =>
      store.events.appendBatches(
        orders[i % 4]!.map((accountId) => ({ accountId, events: [makePendingEvent()] })),
      ),
    );
    const outcomes = (await Promise.all(calls)).flat();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    for (const account of [a, b, c]) expect((await store.events.head(account)).seq).toBe(12);
  });

  it('rejects the whole call with STORE_UNAVAILABLE when the database cannot be reached', async () => {
    const url = new URL(database.url);
    url.port = '1';
    const unreachable = createPostgresStore({ connectionString: url.toString() });
    try {
      const attempt = unreachable.events.appendBatches([
        { accountId: 'acc_x', events: [makePendingEvent()] },
      ]);
      await expect(attempt).rejects.toSatisfy((e) => isAuditlogError(e) && e.code === 'STORE_UNAVAILABLE');
      await expect(unreachable.events.list('acc_x', { stream: 'central', limit: 1 })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    } finally {
      await unreachable.close();
    }
  });
});
