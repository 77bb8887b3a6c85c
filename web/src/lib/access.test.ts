import { describe, expect, it } from 'vitest';
import { filtersOf, needsPayload, subjectOf } from './access.ts';

describe('subjectOf', () => {
  it('reads a view from its target, an event of a named type', () => {
    const row = {
      operation: 'view',
      target: { type: 'event', id: '01HX', name: 'central/url_endpoints/update' },
    };
    expect(subjectOf(row)).toEqual({
      kind: 'event',
      id: '01HX',
      type: { stream: 'central', category: 'url_endpoints', operation: 'update' },
    });
    expect(needsPayload(row)).toBe(false);
    expect(subjectOf({ operation: 'view', target: { type: 'event', id: '01HX', name: 'odd' } })).toEqual({
      kind: 'event',
      id: '01HX',
      type: null,
    });
  });

  it('reads a list from its target stream', () => {
    const row = { operation: 'list', target: { type: 'stream', id: 'media' } };
    expect(subjectOf(row)).toEqual({ kind: 'list', stream: 'media' });
    expect(needsPayload(row)).toBe(true);
  });

  it('reads a refused read (no target) from what it asked, once the payload is there', () => {
    expect(subjectOf({ operation: 'list', target: null })).toBe(null);
    expect(subjectOf({ operation: 'list', target: null }, { stream: 'media', limit: '50' })).toEqual({
      kind: 'list',
      stream: 'media',
    });
    expect(subjectOf({ operation: 'list', target: null }, { limit: '50' })).toEqual({
      kind: 'list',
      stream: 'central',
    });
    expect(subjectOf({ operation: 'view', target: null }, { id: '01HY', role: 'developer' })).toEqual({
      kind: 'event',
      id: '01HY',
      type: null,
    });
  });
});

describe('filtersOf', () => {
  it('shows the filters of a recorded list, not its paging or who asked', () => {
    const recorded = {
      stream: 'central',
      actorIds: ['u_bob', 'u_ann'],
      categories: ['billing'],
      operations: [],
      status: 'failure',
      q: 'carol',
      limit: 50,
      page: 'next',
      role: 'owner',
      tokenId: 'abc',
    };
    expect(filtersOf(recorded)).toEqual([
      { name: 'user', value: 'u_bob, u_ann' },
      { name: 'category', value: 'billing' },
      { name: 'status', value: 'failure' },
      { name: 'search', value: '“carol”' },
      { name: 'page', value: 'next' },
    ]);
    expect(filtersOf({ stream: 'media', limit: 50, page: 'first', role: 'auditor', tokenId: 'x' })).toEqual(
      [],
    );
  });

  it('names the raw parameters of a refused read the same way, unknown ones as sent', () => {
    expect(
      filtersOf({ stream: 'media', target_path: '/a.jpg', request_id: 'req_1', cursor: 'c', extra: 'x' }),
    ).toEqual([
      { name: 'path', value: '/a.jpg' },
      { name: 'request', value: 'req_1' },
      { name: 'extra', value: 'x' },
      { name: 'page', value: 'next' },
    ]);
  });

  it('shows dates in local time, and anything unreadable as it is', () => {
    const [from, to] = filtersOf({ from: '2026-01-02T03:04:00.000Z', to: 'soon' });
    expect(from!.name).toBe('from');
    expect(from!.value).toMatch(/2026/);
    expect(to).toEqual({ name: 'to', value: 'soon' });
    expect(filtersOf(null)).toEqual([]);
    expect(filtersOf('not an object')).toEqual([]);
  });
});
