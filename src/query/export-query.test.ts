import { describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import { parseExportQuery, type RawExportQuery } from './export-query.ts';

function violations(raw: RawExportQuery): string[] {
  try {
    parseExportQuery(raw);
  } catch (error) {
    if (!(error instanceof AuditlogError)) throw error;
    expect(error.code).toBe('QUERY_INVALID');
    return error.violations.map((v) => `${v.field}: ${v.rule}`);
  }
  throw new Error('expected the query to be refused');
}

describe('parseExportQuery', () => {
  it('defaults to every readable stream (none named) from the start', () => {
    expect(parseExportQuery({})).toEqual({ afterSeq: 0 });
  });

  it('accepts repeated and comma-separated streams, folded into catalog order', () => {
    expect(parseExportQuery({ stream: ['media', 'central,media'] }).streams).toEqual(['central', 'media']);
    expect(parseExportQuery({ stream: ' access ' }).streams).toEqual(['access']);
    expect(parseExportQuery({ stream: ',' }).streams).toBeUndefined();
  });

  it('normalises times to millisecond UTC and reads after_seq', () => {
    expect(
      parseExportQuery({ from: '2026-01-01T00:00:00+01:00', to: '2026-02-01T00:00:00Z', after_seq: '1200' }),
    ).toEqual({ from: '2025-12-31T23:00:00.000Z', to: '2026-02-01T00:00:00.000Z', afterSeq: 1200 });
  });

  it('reports every bad or unknown parameter at once', () => {
    const found = violations({
      stream: 'central,secret',
      from: 'yesterday',
      to: ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'],
      after_seq: '-1',
      limit: '5',
    });
    expect(found.map((v) => v.split(':')[0])).toEqual([
      'query/limit',
      'query/stream',
      'query/from',
      'query/to',
      'query/after_seq',
    ]);
    expect(found[1]).toContain('got "secret"');
  });

  it('refuses a range that ends before it starts, and seqs beyond 2^40', () => {
    expect(violations({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual([
      'query/from: must be before to',
    ]);
    expect(violations({ after_seq: String(2 ** 40) })[0]).toContain('query/after_seq');
    expect(violations({ after_seq: '1.5' })[0]).toContain('query/after_seq');
  });
});
