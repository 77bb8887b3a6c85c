/**
 * @module The stored form of an event's payloads: new documents are written as Zstandard frames
 * (format 2), documents an earlier version deflated (format 1) still read back to their exact
 * text, through the store's detail and export reads too, and a format byte this version does not
 * know is refused.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreFixture, type StoreFixture } from '../../../test/support/postgres-store.ts';
import { AuditlogError } from '../../errors.ts';
import { exportAll } from '../conformance/export.ts';
import { appendOk } from '../conformance/helpers.ts';
import { makePendingEvent, uniqueAccountId } from '../conformance-fixtures.ts';
import type { PostgresStore } from './index.ts';
import { decodePayloads, decodePayloadText, encodePayloads, type Payloads } from './payload.ts';
import { FORMAT_1_FIXTURE } from './payload-fixtures.ts';

/** A typical ~1 KB document: an API's request and response with ids, names and settings. */
function typicalPayloads(seed: number): Payloads {
  const items = Array.from({ length: 8 }, (_, i) => ({
    id: `item_${seed}_${i}`,
    name: `Endpoint ${seed * 31 + i}`,
    url: `https://cdn.example.com/assets/${seed}/${i}.png`,
    enabled: i % 2 === 0,
  }));
  return {
    request: { items, note: 'caf\u00e9 \u2603 "quoted" \\ back' },
    response: { count: items.length, items },
    before: null,
    after: null,
  };
}

describe('stored payloads (PostgreSQL)', () => {
  it('writes format 2 and reads back the exact JSON text, escapes and all', () => {
    for (const payloads of [
      typicalPayloads(1),
      { request: null, response: null, before: null, after: null },
      { request: '\u0000\u2028' },
    ]) {
      const bytes = encodePayloads(payloads);
      expect(bytes[0]).toBe(2);
      expect(decodePayloadText(bytes)).toBe(JSON.stringify(payloads));
      expect(decodePayloads(bytes)).toEqual(payloads);
    }
  });

  it('stores a typical document in under half its JSON', () => {
    const payloads = typicalPayloads(7);
    const json = Buffer.byteLength(JSON.stringify(payloads));
    expect(json).toBeGreaterThan(1000);
    expect(encodePayloads(payloads).length).toBeLessThan(json / 2);
  });

  it('reads a document stored in format 1 (deflate) to its exact text', () => {
    const bytes = Buffer.from(FORMAT_1_FIXTURE.base64, 'base64');
    expect(bytes[0]).toBe(1);
    expect(decodePayloadText(bytes)).toBe(JSON.stringify(FORMAT_1_FIXTURE.payloads));
  });

  it('refuses a format byte it does not know, as an internal error', () => {
    const bytes = encodePayloads(typicalPayloads(2));
    bytes[0] = 3;
    expect(() => decodePayloadText(bytes)).toThrow(AuditlogError);
    expect(() => decodePayloadText(bytes)).toThrow(/unknown stored payload format 3/);
  });
});

describe('stored payloads in a database (PostgreSQL)', () => {
  let fixture: StoreFixture;
  let store: PostgresStore;
  let client: pg.Client;
  const account = uniqueAccountId('payload_formats');

  beforeAll(async () => {
    fixture = await openStoreFixture();
    ({ store, client } = fixture);
  });

  afterAll(() => fixture?.close());

  it('reads rows of both formats side by side, in detail and in the export', async () => {
    const [older, newer] = await appendOk(store, account, [
      makePendingEvent({ request: { written: 'before' } }),
      makePendingEvent({ request: { written: 'now' }, response: { ok: true } }),
    ]);
    // The older row as an earlier version stored it: the fixture's document, deflated. The
    // append-only trigger refuses any UPDATE, so it is bypassed as a superuser can.
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query('UPDATE events SET payload_deflated = $1 WHERE id = $2', [
      Buffer.from(FORMAT_1_FIXTURE.base64, 'base64'),
      older!.id,
    ]);
    await client.query('COMMIT');
    const formats = await client.query<{ id: string; format: number }>(
      'SELECT id, get_byte(payload_deflated, 0) AS format FROM events WHERE account_id = $1 ORDER BY seq',
      [account],
    );
    expect(formats.rows.map((row) => row.format)).toEqual([1, 2]);

    const olderRead = await store.events.get(account, older!.id);
    expect(olderRead).toMatchObject(FORMAT_1_FIXTURE.payloads);
    const newerRead = await store.events.get(account, newer!.id);
    expect(newerRead).toMatchObject({ request: { written: 'now' }, response: { ok: true }, before: null });
    const exported = await exportAll(store, account, { throughSeq: newer!.seq });
    expect(exported).toEqual([olderRead, newerRead]);
  });
});
