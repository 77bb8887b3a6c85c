import { describe, expect, it } from 'vitest';
import { decodeType, humanize, queryForTypes } from './catalog.ts';

describe('queryForTypes', () => {
  it('sends a full cross product exactly, with no row filter', () => {
    const query = queryForTypes(['billing.update', 'settings.update', 'billing.delete', 'settings.delete']);
    expect(query.categories).toEqual(['billing', 'settings']);
    expect(query.operations).toEqual(['delete', 'update']);
    expect(query.keep).toBeNull();
  });

  it('sends the cover of a partial product and keeps only the chosen pairs', () => {
    const query = queryForTypes(['url_endpoints.create', 'billing.delete']);
    expect(query.categories).toEqual(['billing', 'url_endpoints']);
    expect(query.operations).toEqual(['create', 'delete']);
    expect(query.keep?.({ category: 'billing', operation: 'delete' })).toBe(true);
    expect(query.keep?.({ category: 'billing', operation: 'create' })).toBe(false);
    expect(query.keep?.({ category: 'url_endpoints', operation: 'delete' })).toBe(false);
  });

  it('ignores malformed values from a hand-edited link', () => {
    expect(decodeType('Billing.update')).toBeNull();
    expect(decodeType('billing')).toBeNull();
    expect(queryForTypes(['nope', 'files.upload'])).toMatchObject({
      categories: ['files'],
      operations: ['upload'],
      keep: null,
    });
  });

  it('humanizes names', () => {
    expect(humanize('public_link')).toBe('Public link');
  });
});
