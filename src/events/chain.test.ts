import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  GENESIS_HASH,
  hashEvent,
  type PendingEvent,
  sealEvent,
  sealEventAsJson,
} from './chain.ts';

const pending: PendingEvent = {
  id: '01J0000000000000000000000A',
  stream: 'central',
  category: 'settings',
  operation: 'update',
  actor: { type: 'user', id: 'u1' },
  target: null,
  api: null,
  request: { b: 1, a: [1, { d: 2, c: 3 }] },
  response: null,
  before: null,
  after: null,
  status: 'success',
  httpStatus: 200,
  ip: '203.0.113.7',
  userAgent: null,
  requestId: null,
  idempotencyKey: null,
  occurredAt: '2026-11-01T10:00:00.000Z',
  receivedAt: '2026-11-01T10:00:00.100Z',
};

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order never changes the encoding', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
    expect(canonicalJson({ a: { c: 2, d: 1 }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: 1, c: 2 } }));
  });

  it('drops undefined members and encodes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });
});

/** The definition the hash was first written with; the faster canonicalJson must agree with it. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    return `[${value.map((item) => referenceCanonicalJson(item === undefined ? null : item)).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
}

describe('canonicalJson against its reference definition', () => {
  it('encodes any value exactly as the reference does, so no stored hash changes', () => {
    const anything = fc.anything({ withSparseArray: true, withNullPrototype: true, withObjectString: true });
    fc.assert(
      fc.property(anything, (value) => canonicalJson(value) === referenceCanonicalJson(value)),
      { numRuns: 2000 },
    );
  });
});

describe('sealEvent', () => {
  it('chains each event to the previous hash', () => {
    const first = sealEvent(pending, 'acme', 1, GENESIS_HASH);
    const second = sealEvent({ ...pending, id: '01J0000000000000000000000B' }, 'acme', 2, first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.prevHash).toBe(first.hash);
    expect(second.hash).not.toBe(first.hash);
  });

  it('changes the hash when any field changes', () => {
    const sealed = sealEvent(pending, 'acme', 1, GENESIS_HASH);
    const { hash, ...rest } = sealed;
    expect(hashEvent(rest)).toBe(hash);
    expect(hashEvent({ ...rest, ip: '203.0.113.8' })).not.toBe(hash);
    expect(hashEvent({ ...rest, seq: 2 })).not.toBe(hash);
    expect(hashEvent({ ...rest, accountId: 'other' })).not.toBe(hash);
  });
});

describe('sealEventAsJson', () => {
  const jsonPayload = fc.option(fc.jsonValue(), { nil: null });

  it('seals what sealEvent seals, as JSON text that parses back to the sealed event', () => {
    fc.assert(
      fc.property(jsonPayload, jsonPayload, fc.string(), (request, response, accountId) => {
        const content: PendingEvent = { ...pending, request, response };
        const { event, json } = sealEventAsJson(content, accountId, 7, GENESIS_HASH);
        expect(event).toEqual(sealEvent(content, accountId, 7, GENESIS_HASH));
        expect(JSON.parse(json!)).toEqual(JSON.parse(JSON.stringify(event)));
      }),
      { numRuns: 500 },
    );
  });

  it('makes no text for an event with a sparse array, whose canonical form is not JSON', () => {
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    const sparse: PendingEvent = { ...pending, request: { list: [1, , 3] } };
    expect(canonicalJson(sparse.request)).toBe('{"list":[1,,3]}');
    const { event, json } = sealEventAsJson(sparse, 'acme', 1, GENESIS_HASH);
    expect(json).toBeUndefined();
    expect(event).toEqual(sealEvent(sparse, 'acme', 1, GENESIS_HASH));
    expect(sealEventAsJson(pending, 'acme', 1, GENESIS_HASH).json).toBeDefined();
  });
});
