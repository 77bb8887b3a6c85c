import { describe, expect, it } from 'vitest';
import { streamOf, viewOf, viewsFor } from './views.ts';

describe('views', () => {
  it('maps paths to streams, the Dashboard being the default', () => {
    expect(streamOf('/')).toBe('central');
    expect(streamOf('/media')).toBe('media');
    expect(streamOf('/media/deep/link')).toBe('media');
    expect(streamOf('/access')).toBe('access');
    expect(streamOf('/access/x')).toBe('access');
    expect(streamOf('/accessories')).toBe('central');
    expect(streamOf('/mediaX')).toBe('central');
  });

  it('offers only the readable streams, in tab order', () => {
    expect(viewsFor(['access', 'central']).map((v) => v.label)).toEqual(['Dashboard', 'Log access']);
    expect(viewsFor(['central', 'media']).map((v) => v.path)).toEqual(['/', '/media']);
    expect(viewsFor([])).toEqual([]);
    expect(viewOf('access').path).toBe('/access');
  });
});
