/**
 * @module The export line's decoders of SQLite's hex: a ULID from the hex of its bytes and a block
 * reference from the hex of events.detail read back exactly what codec.ts and detail-blocks.ts
 * decode from the bytes themselves. (Whole lines are checked against get() in the conformance
 * suite, src/store/conformance/export.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeId, decodeIp, encodeId, encodeIp } from './codec.ts';
import { decodeBlockRef, encodeBlockRef } from './detail-blocks.ts';
import { blockRefOfHex, createIsoTime, ipJsonOf, ulidOfHex } from './export-line.ts';
import { ulidArbitrary } from './ulid-arbitrary.ts';

/** SQLite's hex(): upper case. */
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

describe('ipJsonOf', () => {
  it('gives the quoted address of an IPv4 address stored as bytes, as decodeIp does', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const bytes = encodeIp(ip) as Buffer;
        expect(ipJsonOf(hexOf(bytes))).toBe(JSON.stringify(decodeIp(bytes)));
      }),
    );
  });

  it('passes json_quote output through: text addresses, eight-character ones included, and null', () => {
    for (const ip of ['"2001:db8::7"', '"1.2.3.45"', '"::1"', 'null']) expect(ipJsonOf(ip)).toBe(ip);
  });
});

describe('ulidOfHex', () => {
  it('gives the ULID whose bytes the hex spells, as decodeId does from the bytes', () => {
    fc.assert(
      fc.property(ulidArbitrary, (id) => {
        const bytes = encodeId(id) as Buffer;
        expect(ulidOfHex(hexOf(bytes))).toBe(id);
        expect(ulidOfHex(hexOf(bytes))).toBe(decodeId(bytes));
      }),
    );
    expect(ulidOfHex('0'.repeat(32))).toBe('0'.repeat(26));
    expect(ulidOfHex('F'.repeat(32))).toBe(`7${'Z'.repeat(25)}`);
  });
});

describe('createIsoTime', () => {
  it('writes every time as toISOString does, times of one day after another included', () => {
    const anyTime = fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 });
    const steps = fc.array(fc.integer({ min: -90_000_000, max: 90_000_000 }), { maxLength: 40 });
    fc.assert(
      fc.property(anyTime, steps, (start, deltas) => {
        const iso = createIsoTime();
        let ms = start;
        for (const delta of [0, ...deltas]) {
          ms = Math.min(Math.max(ms + delta, -62_167_219_200_000), 253_402_300_799_999);
          expect(iso(ms)).toBe(new Date(ms).toISOString());
        }
      }),
    );
    const iso = createIsoTime();
    for (const ms of [0, 86_399_999, 86_400_000, -1, 253_402_300_800_000, 86_399_999]) {
      expect(iso(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('blockRefOfHex', () => {
  it('reads every reference encodeBlockRef writes, multi-byte varints included', () => {
    const values = fc.integer({ min: 0, max: 2 ** 31 });
    fc.assert(
      fc.property(values, values, values, (distance, offset, length) => {
        const ref = { distance, offset, length };
        const bytes = encodeBlockRef(ref);
        expect(blockRefOfHex(hexOf(bytes))).toEqual(ref);
        expect(blockRefOfHex(hexOf(bytes))).toEqual(decodeBlockRef(bytes));
      }),
    );
  });

  it('refuses a truncated reference', () => {
    const hex = hexOf(encodeBlockRef({ distance: 3, offset: 200, length: 70_000 }));
    expect(() => blockRefOfHex(hex.slice(0, -2))).toThrow('truncated');
  });
});
