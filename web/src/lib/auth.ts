/**
 * @module The bearer credential. A viewer link carries `?token=`; on first load it moves to
 * sessionStorage and leaves the URL, so it is neither bookmarked, shared with a filter link, nor
 * kept in the browser history.
 */

const KEY = 'auditlog.token';

/** Reads the credential, taking it out of the URL when the page was opened with one. */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return window.sessionStorage.getItem(KEY);
}

/** Drops the stored credential once the server refuses it: a dead token is not kept around. */
export function forgetToken(): void {
  window.sessionStorage.removeItem(KEY);
}
