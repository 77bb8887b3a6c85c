/**
 * @module Conformance: get(). The whole event comes back exactly, payloads of every JSON type
 * included, and only to its own account.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealEvent } from '../../events/chain.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import { appendOk, type StoreRef } from './helpers.ts';

/** ~60 KiB of JSON that does not compress to nothing: 500 records with varied values. */
function largePayload(): unknown {
  return {
    items: Array.from({ length: 500 }, (_, i) => ({
      index: i,
      key: `asset-${(i * 7919) % 10007}-${(i * 104729).toString(36)}`,
      tags: [`t${i % 13}`, `group-${(i * 31) % 97}`],
      ratio: (i * 0.6180339887) % 1,
      note: 'lorem ipsum dolor sit amet '.repeat(1 + (i % 3)),
    })),
  };
}

const payloads: Array<[string, unknown]> = [
  ['a nested object', { a: { b: [1, 2, { c: null }] }, flag: true, empty: {}, list: [] }],
  ['an array', [1, 'two', null, false, { three: 3 }]],
  ['a string', 'just a string'],
  ['an empty string', ''],
  ['an integer', 42],
  ['a negative float', -1234.5678],
  ['a large number', 1.5e300],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['null', null],
  ['unicode', { text: 'Grüße — 雪 ❄️ 𝄞 مرحبا', 'clé-ünïcode': 'ok' }],
  ['a ~60 KiB payload', largePayload()],
];

/** Declares the get() tests. */
export function describeGet(store: StoreRef): void {
  describe('get', () => {
    it.each(payloads)('returns %s in every payload field exactly', async (_label, value) => {
      const account = uniqueAccountId('payload');
      const pending = makePendingEvent({ request: value, response: value, before: value, after: value });
      await appendOk(store(), account, [pending]);
      expect(await store().events.get(account, pending.id)).toEqual(
        sealEvent(pending, account, 1, GENESIS_HASH),
      );
    });

    it('returns an event whose optional fields are all empty', async () => {
      const account = uniqueAccountId('sparse');
      const pending = makePendingEvent({
        stream: 'media',
        category: 'files',
        operation: 'upload',
        actor: { type: 'system', id: 'scheduler' },
        target: null,
        api: null,
        request: null,
        response: null,
        status: 'failure',
        httpStatus: null,
        ip: null,
        userAgent: null,
        requestId: null,
        idempotencyKey: null,
      });
      await appendOk(store(), account, [pending]);
      const stored = await store().events.get(account, pending.id);
      expect(stored).toEqual(sealEvent(pending, account, 1, GENESIS_HASH));
      expect(Object.keys(stored!.actor).sort()).toEqual(['id', 'type']);
    });

    it('returns every field of a fully populated event', async () => {
      const account = uniqueAccountId('full');
      const pending = makePendingEvent({
        stream: 'media',
        category: 'files',
        operation: 'move',
        actor: { type: 'api_key', id: 'key_1', email: 'ops@example.com', name: 'Deploy key' },
        target: { type: 'file', id: 'f_9', name: 'shoe.jpg', path: '/products/shoe.jpg' },
        api: { method: 'POST', route: '/v1/files/:id/move', path: '/v1/files/f_9/move' },
        ip: '2001:db8::1',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
        requestId: 'req_123',
        idempotencyKey: 'idem_123',
        httpStatus: 201,
      });
      await appendOk(store(), account, [pending]);
      expect(await store().events.get(account, pending.id)).toEqual(
        sealEvent(pending, account, 1, GENESIS_HASH),
      );
    });

    it('returns null for an unknown id and for another account’s event', async () => {
      const owner = uniqueAccountId('owner');
      const stranger = uniqueAccountId('stranger');
      const pending = makePendingEvent();
      await appendOk(store(), owner, [pending]);
      await appendOk(store(), stranger, [makePendingEvent()]);
      expect(await store().events.get(stranger, pending.id)).toBeNull();
      expect(await store().events.get(owner, makePendingEvent().id)).toBeNull();
      expect(await store().events.get(owner, 'not-an-id')).toBeNull();
    });
  });
}
