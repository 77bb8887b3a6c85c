import { describe, expect, it } from 'vitest';
import { diffJson, redactionOf } from './json.ts';

describe('redactionOf', () => {
  it('marks removed and keyed-hash values, and nothing else', () => {
    expect(redactionOf('[REDACTED]')).toBe('removed');
    expect(redactionOf('[HMAC-SHA256:ab12cd]')).toBe('hashed');
    expect(redactionOf('REDACTED')).toBeNull();
    expect(redactionOf('[HMAC-SHA256:ab12cd] tail')).toBeNull();
    expect(redactionOf(42)).toBeNull();
  });
});

describe('diffJson', () => {
  it('reports added, removed and changed leaves by path', () => {
    const changes = diffJson(
      { name: 'a', ttl: 60, nested: { keep: 1, drop: true }, list: [1, 2] },
      { name: 'a', ttl: 3600, nested: { keep: 1, add: 'x' }, list: [1, 3, 4] },
    );
    expect(changes).toEqual([
      { path: '/ttl', kind: 'changed', before: 60, after: 3600 },
      { path: '/nested/drop', kind: 'removed', before: true, after: undefined },
      { path: '/nested/add', kind: 'added', before: undefined, after: 'x' },
      { path: '/list/1', kind: 'changed', before: 2, after: 3 },
      { path: '/list/2', kind: 'added', before: undefined, after: 4 },
    ]);
  });

  it('reports a type change once and nothing for equal values', () => {
    expect(diffJson({ a: { b: 1 } }, { a: 'flat' })).toEqual([
      { path: '/a', kind: 'changed', before: { b: 1 }, after: 'flat' },
    ]);
    expect(diffJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(diffJson(null, { a: 1 })).toEqual([{ path: '/', kind: 'changed', before: null, after: { a: 1 } }]);
  });
});
