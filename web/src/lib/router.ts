/**
 * @module A tiny router over the History API. The URL is the page's state (tab, filters, open
 * event), so reload, back/forward and a pasted link all restore the same view.
 */
import { useSyncExternalStore } from 'react';

const NAVIGATE = 'auditlog:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

// A string snapshot: stable between renders, so React re-renders only when the URL changes.
function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current path and query, re-rendering on every navigation (ours or the browser's). */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, search: url.searchParams };
}

/**
 * Goes to `href` (path + query) without reloading. `replace` keeps the history entry, for changes
 * that should not cost the user a Back press (opening or closing the details panel).
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** Builds `path?query`, leaving out an empty query. */
export function hrefOf(path: string, search: URLSearchParams): string {
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
