/**
 * @module The column codecs: ULIDs as bytes keep their text and their order, detail documents
 * round-trip through every encoding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeId,
  decodeIp,
  detailJson,
  detailMembers,
  type EventDetail,
  encodeDetail,
  encodeId,
  encodeIp,
  inflateDocument,
  parseDetail,
} from './codec.ts';
import { learnDictionary } from './dictionary.ts';
import { ulidArbitrary } from './ulid-arbitrary.ts';

describe('encodeIp / decodeIp', () => {
  it('stores any IPv4 address as 4 bytes and reads back the same text', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const stored = encodeIp(ip);
        expect(Buffer.isBuffer(stored) && stored.length).toBe(4);
        expect(decodeIp(stored)).toBe(ip);
      }),
    );
  });

  it('keeps as text what bytes would not give back exactly, and reads text as stored', () => {
    for (const ip of [
      '::1',
      '2001:db8::8a2e:370:7334',
      '010.0.0.1',
      '1.2.3.256',
      '1.2.3',
      ' 1.2.3.4',
      '::ffff:1.2.3.4',
    ]) {
      expect(encodeIp(ip)).toBe(ip);
      expect(decodeIp(ip)).toBe(ip);
    }
    expect(encodeIp(null)).toBeNull();
    expect(decodeIp(null)).toBeNull();
  });
});

describe('encodeId / decodeId', () => {
  it('stores a ULID as 16 bytes and gives back the same text', () => {
    fc.assert(
      fc.property(ulidArbitrary, (id) => {
        const bytes = encodeId(id);
        expect(Buffer.isBuffer(bytes) && bytes.length).toBe(16);
        expect(decodeId(bytes)).toBe(id);
      }),
    );
  });

  it('keeps the order of ULIDs, so sorting by the bytes sorts by the text', () => {
    fc.assert(
      fc.property(ulidArbitrary, ulidArbitrary, (a, b) => {
        const byText = a < b ? -1 : a > b ? 1 : 0;
        expect(Math.sign(Buffer.compare(encodeId(a) as Buffer, encodeId(b) as Buffer))).toBe(byText);
      }),
    );
  });

  it('keeps any other id as text', () => {
    for (const id of ['evt-1', '01j0000000000000000000000a', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', '']) {
      expect(encodeId(id)).toBe(id);
      expect(decodeId(id)).toBe(id);
    }
  });
});

/** What a reader does with an inline detail: inflate, then parse. */
const decodeDetail = (blob: Uint8Array, dictionaryOf: (id: number) => Buffer) =>
  parseDetail(inflateDocument(blob, dictionaryOf));

describe('encodeDetail / parseDetail', () => {
  const small: EventDetail = {
    request: { a: 1 },
    response: null,
    before: null,
    after: [1],
    userAgent: 'curl/8',
  };
  const large: EventDetail = {
    request: { description: 'resize crop quality format '.repeat(40) },
    response: { ok: true, list: Array.from({ length: 30 }, (_, i) => ({ i, name: `item ${i}` })) },
    before: 'x',
    after: 0,
    userAgent: null,
  };
  const dictionary = {
    id: 7,
    bytes: learnDictionary(Array.from({ length: 20 }, () => detailJson(large).toString())),
  };
  const dictionaryOf = (id: number) => {
    if (id !== 7) throw new Error(`no dictionary ${id}`);
    return dictionary.bytes;
  };

  it('keeps a small document plain, a large one deflated without a dictionary and in Zstandard with one', () => {
    expect(encodeDetail(small)[0]).toBe(0);
    expect(encodeDetail(large)[0]).toBe(1);
    const withDictionary = encodeDetail(large, dictionary);
    expect(withDictionary[0]).toBe(4);
    expect(withDictionary.readUInt32BE(1)).toBe(7);
    expect(withDictionary.length).toBeLessThan(encodeDetail(large).length);
    for (const encoded of [encodeDetail(small), encodeDetail(large), withDictionary]) {
      const detail = decodeDetail(encoded, dictionaryOf);
      expect([small, large]).toContainEqual(detail);
    }
  });

  it('round-trips any JSON payload', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (request, response) => {
        const detail: EventDetail = { request, response, before: null, after: null, userAgent: null };
        const normalized = JSON.parse(JSON.stringify(detail)) as EventDetail;
        expect(decodeDetail(encodeDetail(detail, dictionary), dictionaryOf)).toEqual(normalized);
      }),
      { numRuns: 200 },
    );
  });

  it('reads documents written before 005 (one-letter names, absent members left out)', () => {
    const legacy = Buffer.from('{"q":{"a":1},"a":[1],"u":"curl/8"}');
    expect(decodeDetail(Buffer.concat([Buffer.of(0), legacy]), dictionaryOf)).toEqual(small);
    for (const json of [legacy, detailJson(small)]) {
      expect(JSON.parse(`{${detailMembers(json)}}`)).toEqual(small);
    }
  });

  it('writes documents an export can splice: every member, under the API names', () => {
    const members = detailMembers(detailJson(large));
    expect(members.startsWith('"request":')).toBe(true);
    expect(JSON.parse(`{"id":"x",${members},"seq":1}`)).toEqual({ id: 'x', ...large, seq: 1 });
  });
});
