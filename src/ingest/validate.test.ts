import { describe, expect, it } from 'vitest';
import { type AuditlogError, isAuditlogError } from '../errors.ts';
import { DEFAULT_CATALOG } from '../events/catalog.ts';
import { type ValidationContext, validateIngestBody } from './validate.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const ctx: ValidationContext = {
  catalog: DEFAULT_CATALOG,
  now: NOW,
  retentionDays: 30,
  maxPayloadBytes: 1024,
};

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'url_endpoints',
    operation: 'update',
    actor: { type: 'user', id: 'u1', email: 'a@example.com' },
    status: 'success',
    occurredAt: '2026-06-01T11:59:00Z',
    ip: '203.0.113.9',
    ...overrides,
  };
}

function failure(body: unknown): AuditlogError {
  try {
    validateIngestBody(body, ctx);
  } catch (error) {
    if (isAuditlogError(error)) return error;
    throw error;
  }
  throw new Error('expected validation to fail');
}

describe('validateIngestBody', () => {
  it('accepts one event and defaults its stream to central', () => {
    const valid = validateIngestBody(event(), ctx);
    expect(valid.batch).toBe(false);
    expect(valid.events).toHaveLength(1);
    expect(valid.events[0]?.stream).toBe('central');
  });

  it('accepts a batch and an IPv6 address', () => {
    const valid = validateIngestBody(
      {
        events: [
          event(),
          event({ ip: '2001:db8::1', stream: 'media', category: 'files', operation: 'upload' }),
        ],
      },
      ctx,
    );
    expect(valid.batch).toBe(true);
    expect(valid.events.map((e) => e.stream)).toEqual(['central', 'media']);
  });

  it('lists every violation of every event in a batch, with index, field and rule', () => {
    const error = failure({
      events: [
        event(),
        event({ ip: 'not-an-ip' }),
        event({ category: 'nope', actor: { type: 'robot', id: '' } }),
        event({ occurredAt: '2027-01-01T00:00:00Z', extra: 1 }),
      ],
    });
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.status).toBe(422);
    const fields = error.violations.map((v) => `${v.index}:${v.field}`).sort();
    expect(fields).toEqual(
      [
        '1:/events/1/ip',
        '2:/events/2/actor/id',
        '2:/events/2/actor/type',
        '2:/events/2/category',
        '3:/events/3/extra',
        '3:/events/3/occurredAt',
      ].sort(),
    );
    const actorType = error.violations.find((v) => v.field === '/events/2/actor/type');
    expect(actorType?.rule).toBe('must be one of: user, api_key, system');
  });

  it('names the allowed values on a catalog violation', () => {
    const error = failure(event({ operation: 'upload' }));
    expect(error.violations).toEqual([
      { index: 0, field: '/operation', rule: expect.stringContaining('create, update, delete') },
    ]);
    const media = failure(event({ stream: 'media', category: 'url_endpoints' }));
    expect(media.violations[0]?.rule).toContain('files, folders, collections');
  });

  it('reports missing required fields and a malformed occurredAt', () => {
    const error = failure({ actor: { type: 'user', id: 'u' }, occurredAt: '2026-02-30T00:00:00Z' });
    const byField = Object.fromEntries(error.violations.map((v) => [v.field, v.rule]));
    expect(byField['/category']).toBe('is required');
    expect(byField['/operation']).toBe('is required');
    expect(byField['/status']).toBe('is required');
    expect(byField['/occurredAt']).toMatch(/ISO 8601/);
  });

  it('refuses an occurredAt beyond the future skew and one older than the retention', () => {
    expect(failure(event({ occurredAt: '2026-06-01T12:06:00Z' })).violations[0]?.rule).toMatch(/future/);
    expect(validateIngestBody(event({ occurredAt: '2026-06-01T12:04:00Z' }), ctx).events).toHaveLength(1);
    expect(failure(event({ occurredAt: '2026-04-01T00:00:00Z' })).violations[0]?.rule).toMatch(
      /retention of 30 days/,
    );
  });

  it('refuses each payload over the byte cap, naming its size', () => {
    const big = { blob: 'x'.repeat(2000) };
    const error = failure(event({ request: big, after: big, response: { ok: true } }));
    expect(error.violations.map((v) => v.field)).toEqual(['/request', '/after']);
    expect(error.violations[0]?.rule).toMatch(/at most 1024 bytes \(got 20\d\d\)/);
  });

  it('refuses payloads nested deeper than 64 levels with a 422 naming the field, however deep', () => {
    const nest = (levels: number, leaf: unknown = 1): unknown => {
      let value = leaf;
      for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
      return value;
    };
    expect(() => validateIngestBody(event({ request: nest(64) }), ctx)).not.toThrow();
    for (const levels of [65, 10_000]) {
      const error = failure(event({ request: nest(levels), response: { ok: true } }));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.violations).toEqual([
        { index: 0, field: '/request', rule: 'must not nest objects and arrays more than 64 levels deep' },
      ]);
    }
    // Over the byte cap before the depth is reached: the exact measure still answers with a rule.
    const wide = failure(event({ after: { big: 'x'.repeat(2000), deep: nest(100_000) } }));
    expect(wide.violations).toEqual([
      { index: 0, field: '/after', rule: expect.stringMatching(/64 levels deep/) },
    ]);
  });

  it('holds every payload to its exact serialized size, escapes and multi-byte characters included', () => {
    const payloads = [
      { text: 'x'.repeat(300) },
      { control: '\u0001\n"\\'.repeat(40), lone: '\ud800'.repeat(20) },
      { emoji: '😀é'.repeat(60), ['__proto__']: { k: 'v' } },
      {
        numbers: [1e21, -5e-324, 0.1, -0, -1.7976931348623157e308, 2 ** 60],
        flags: [true, false, null],
      },
      { nested: [[[[{ a: [{ b: 'deep' }] }]]]], empty: {}, none: [] },
      JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}'),
    ];
    for (const payload of payloads) {
      const bytes = Buffer.byteLength(JSON.stringify(payload));
      const at = (maxPayloadBytes: number) => () =>
        validateIngestBody(event({ request: payload }), { ...ctx, maxPayloadBytes });
      expect(at(bytes), JSON.stringify(payload)).not.toThrow();
      expect(at(bytes - 1), JSON.stringify(payload)).toThrow(
        expect.objectContaining({ code: 'EVENT_INVALID' }),
      );
    }
  });

  it('answers BATCH_TOO_LARGE above 1000 events and EVENT_INVALID for an empty batch', () => {
    const tooMany = failure({ events: Array.from({ length: 1001 }, () => event()) });
    expect(tooMany.code).toBe('BATCH_TOO_LARGE');
    expect(tooMany.status).toBe(413);
    expect(failure({ events: [] }).violations).toEqual([
      { field: '/events', rule: expect.stringMatching(/1 to 1000/) },
    ]);
    expect(failure({ events: 'x', other: 1 }).violations.map((v) => v.field)).toEqual(['/events', '/other']);
  });

  it('refuses NUL characters in identifier fields', () => {
    const error = failure(event({ requestId: 'a\u0000b', actor: { type: 'user', id: 'u\u0000' } }));
    expect(error.violations.map((v) => v.field).sort()).toEqual(['/actor/id', '/requestId']);
  });

  it('refuses non-object bodies with a field', () => {
    for (const body of [null, 42, 'text', [event()]]) {
      const error = failure(body);
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.violations[0]?.field).toBe('/');
    }
  });
});
