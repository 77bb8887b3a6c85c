/**
 * @module The page's views, one per stream: Dashboard (`/`), Media Library (`/media`) and Log access
 * (`/access`). The path names the stream; which views a viewer is offered comes from GET /v1/me.
 */
import type { Stream } from '../../../src/events/catalog.ts';

/** One tab of the page. */
export interface View {
  stream: Stream;
  path: string;
  label: string;
}

/** Every view, in tab order. */
export const VIEWS: readonly View[] = [
  { stream: 'central', path: '/', label: 'Dashboard' },
  { stream: 'media', path: '/media', label: 'Media Library' },
  { stream: 'access', path: '/access', label: 'Log access' },
];

/** Shown while the session is unknown, or when it cannot be read (an older server, a 5xx). */
export const DEFAULT_STREAMS: readonly Stream[] = ['central', 'media'];

/** Which stream a path shows; any path outside `/media` and `/access` is the Dashboard. */
export function streamOf(path: string): Stream {
  for (const view of VIEWS) {
    if (view.path !== '/' && (path === view.path || path.startsWith(`${view.path}/`))) return view.stream;
  }
  return 'central';
}

/** The view of a stream. */
export function viewOf(stream: Stream): View {
  return VIEWS.find((view) => view.stream === stream)!;
}

/** The views for the streams a credential may read, in tab order. */
export function viewsFor(streams: readonly Stream[]): View[] {
  return VIEWS.filter((view) => streams.includes(view.stream));
}
