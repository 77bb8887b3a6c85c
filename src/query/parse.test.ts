import { describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import { encodeCursor } from './cursor.ts';
import { parseEventQuery, type RawQuery } from './parse.ts';

function failure(raw: RawQuery): AuditlogError {
  try {
    parseEventQuery(raw);
  } catch (error) {
    if (error instanceof AuditlogError) return error;
    throw error;
  }
  throw new Error('expected the query to be refused');
}

describe('parseEventQuery', () => {
  it('defaults to the central stream and 50 rows', () => {
    expect(parseEventQuery({})).toEqual({ stream: 'central', limit: 50 });
  });

  it('accepts repeated and comma-separated multi-valued filters alike', () => {
    const repeated = parseEventQuery({
      actor: ['u1', 'u2'],
      operation: 'create,update',
      category: ['billing', 'settings,billing'],
    });
    expect(repeated.actorIds).toEqual(['u1', 'u2']);
    expect(repeated.operations).toEqual(['create', 'update']);
    expect(repeated.categories).toEqual(['billing', 'settings']);
  });

  it('parses every filter, normalising dates to millisecond ISO', () => {
    const query = parseEventQuery({
      stream: 'media',
      status: 'failure',
      from: '2026-01-01T00:00:00+01:00',
      to: '2026-02-01T00:00:00Z',
      target_path: '/products/shoe.jpg',
      request_id: 'req-1',
      q: 'shoe',
      limit: '200',
    });
    expect(query).toEqual({
      stream: 'media',
      status: 'failure',
      from: '2025-12-31T23:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      targetPath: '/products/shoe.jpg',
      requestId: 'req-1',
      q: 'shoe',
      limit: 200,
    });
  });

  it('treats empty parameters as absent', () => {
    expect(parseEventQuery({ actor: '', q: '', status: '', stream: '' })).toEqual({
      stream: 'central',
      limit: 50,
    });
  });

  it('names every unknown parameter and every bad value at once', () => {
    const error = failure({
      actorz: 'x',
      sort: 'asc',
      limit: '0',
      status: 'ok',
      from: 'yesterday',
      stream: 'other',
    });
    expect(error.code).toBe('QUERY_INVALID');
    expect(error.status).toBe(400);
    const fields = error.violations.map((v) => v.field).sort();
    expect(fields).toEqual([
      'query/actorz',
      'query/from',
      'query/limit',
      'query/sort',
      'query/status',
      'query/stream',
    ]);
    expect(error.message).toContain('actorz');
  });

  it.each([
    [{ limit: '201' }, 'query/limit'],
    [{ limit: '1.5' }, 'query/limit'],
    [{ limit: '-1' }, 'query/limit'],
    [{ limit: ['1', '2'] }, 'query/limit'],
    [{ q: 'x'.repeat(201) }, 'query/q'],
    [{ from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'query/from'],
    [{ operation: "create'; DROP TABLE events;--" }, 'query/operation'],
    [{ category: 'Billing' }, 'query/category'],
    [{ q: 'a\u0000b' }, 'query/q'],
    [{ actor: 'x'.repeat(257) }, 'query/actor'],
    [{ actor: Array.from({ length: 51 }, (_, i) => `u${i}`) }, 'query/actor'],
  ] as [RawQuery, string][])('refuses %j naming %s', (raw, field) => {
    expect(failure(raw).violations.map((v) => v.field)).toEqual([field]);
  });

  it('decodes a cursor issued for the same filters and refuses one issued for others', () => {
    const keyset = { occurredAt: '2026-01-01T00:00:00.000Z', id: '01JABC' };
    const cursor = encodeCursor(keyset, { stream: 'central', actorIds: ['u1'] });
    expect(parseEventQuery({ actor: 'u1', cursor, limit: '10' }).after).toEqual(keyset);
    expect(failure({ actor: 'u2', cursor }).code).toBe('CURSOR_MALFORMED');
    expect(failure({ cursor: 'garbage' }).code).toBe('CURSOR_MALFORMED');
  });
});
