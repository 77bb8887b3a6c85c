import { describe, expect, it } from 'vitest';
import { apiQuery, EMPTY_FILTERS, filtersFromSearch, hasFilters, searchFromFilters } from './filters.ts';

describe('filters in the URL', () => {
  it('round-trip through the query string', () => {
    const filters = {
      ...EMPTY_FILTERS,
      actors: ['u_1', 'u_2'],
      types: ['files.upload'],
      status: 'failure' as const,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      q: 'shoe',
      targetPath: '/products/shoe.jpg',
      requestId: 'req_1',
    };
    const search = searchFromFilters(filters);
    expect(filtersFromSearch(new URLSearchParams(search.toString()), 'media')).toEqual(filters);
    expect(hasFilters(filters)).toBe(true);
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
  });

  it('drops media-only filters and bad statuses on the dashboard', () => {
    const search = new URLSearchParams('target_path=/a&request_id=r&status=maybe&event=01X');
    expect(filtersFromSearch(search, 'central')).toEqual(EMPTY_FILTERS);
  });
});

describe('apiQuery', () => {
  it('maps filters to the list endpoint parameters', () => {
    const { params, types } = apiQuery('media', {
      ...EMPTY_FILTERS,
      actors: ['u_1'],
      types: ['files.upload', 'files.delete'],
      targetPath: '/a.jpg',
    });
    expect(params.toString()).toBe(
      'stream=media&actor=u_1&target_path=%2Fa.jpg&category=files&operation=delete&operation=upload&limit=50',
    );
    expect(types.keep).toBeNull();
  });
});
