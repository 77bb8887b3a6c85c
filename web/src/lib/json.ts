/**
 * @module Reading stored payloads: which values were redacted before storage, and a key-level
 * before/after diff of a changed resource.
 */

/** How a redacted value was hidden, or null for an ordinary value. */
export function redactionOf(value: unknown): 'removed' | 'hashed' | null {
  if (value === '[REDACTED]') return 'removed';
  if (typeof value === 'string' && /^\[HMAC-SHA256:[^\]]*\]$/.test(value)) return 'hashed';
  return null;
}

/** One changed leaf: a JSON-pointer-like path and its value on each side (undefined = absent). */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function keysOf(value: Record<string, unknown>): string[] {
  return Object.keys(value);
}

/**
 * Every leaf that differs between `before` and `after`, walking objects and arrays together;
 * a value whose type changes (object ↔ scalar) is reported once at its own path.
 * @example diffJson({ a: 1 }, { a: 2, b: 3 }) // → [{ path: '/a', kind: 'changed' }, { path: '/b', kind: 'added' }]
 */
export function diffJson(before: unknown, after: unknown, path = ''): Change[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...keysOf(before), ...keysOf(after)])];
    return keys.flatMap((key) => {
      const child = `${path}/${key}`;
      if (!(key in after))
        return [{ path: child, kind: 'removed' as const, before: before[key], after: undefined }];
      if (!(key in before))
        return [{ path: child, kind: 'added' as const, before: undefined, after: after[key] }];
      return diffJson(before[key], after[key], child);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '/', kind: 'changed', before, after }];
}
