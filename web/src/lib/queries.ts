/**
 * @module Server state for the page (TanStack Query): the session, the event list as keyset pages,
 * one event, the actors and the catalog. The list waits for none of the others: the table paints first.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { Stream } from '../../../src/events/catalog.ts';
import type { EventSummary } from '../../../src/events/schema.ts';
import { type ApiClient, ApiError } from './api.ts';
import { apiQuery, type Filters, PAGE_SIZE } from './filters.ts';

/** The API client of the signed-in viewer, provided once at the root. */
export const ApiContext = createContext<ApiClient | null>(null);

/** The API client; throws when used outside the provider (a programming error). */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

/** Server pages read at most per "page" when operation types need a row filter (see catalog.ts). */
const MAX_SERVER_PAGES_PER_PAGE = 10;

/** One page as the table sees it: rows, and where the next one starts. */
export interface RowsPage {
  rows: EventSummary[];
  next: string | null;
}

async function fetchRows(
  api: ApiClient,
  stream: Stream,
  filters: Filters,
  cursor: string | null,
  signal: AbortSignal,
): Promise<RowsPage> {
  const { params, types } = apiQuery(stream, filters);
  const rows: EventSummary[] = [];
  let next = cursor;
  // With an exact query this is one request. With a row filter, read on until a page is full, the
  // list ends, or the bound is hit (then "Load more" carries on from the cursor).
  for (let read = 0; read < MAX_SERVER_PAGES_PER_PAGE; read++) {
    if (next) params.set('cursor', next);
    const page = await api.listEvents(params, signal);
    rows.push(...(types.keep ? page.data.filter(types.keep) : page.data));
    next = page.next_cursor;
    if (!types.keep || rows.length >= PAGE_SIZE || next === null) break;
  }
  return { rows, next };
}

/** The filtered event list, newest first; `fetchNextPage` follows the keyset cursor. */
export function useEventRows(stream: Stream, filters: Filters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ['events', stream, filters],
    queryFn: ({ pageParam, signal }) => fetchRows(api, stream, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
}

/** One whole event (payloads included), or nothing while `id` is null. */
export function useEvent(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: ['event', id],
    queryFn: ({ signal }) => api.getEvent(id!, signal),
    enabled: id !== null,
    staleTime: Number.POSITIVE_INFINITY, // events are immutable
  });
}

/** The actors of a stream, for the Users filter. */
export function useActors(stream: Stream) {
  const api = useApi();
  return useQuery({
    queryKey: ['actors', stream],
    queryFn: ({ signal }) => api.listActors(stream, signal),
    staleTime: 60_000,
  });
}

/** The catalog, for the Operation types filter. */
export function useCatalog() {
  const api = useApi();
  return useQuery({
    queryKey: ['catalog'],
    queryFn: ({ signal }) => api.getCatalog(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Who is signed in and which streams they may read; fetched once per page load. */
export function useSession() {
  const api = useApi();
  return useQuery({
    queryKey: ['session'],
    queryFn: ({ signal }) => api.getSession(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Upper bound on the events an asset history reads (pages of 200). */
export const HISTORY_LIMIT = 2000;

/** Every event of one asset path, oldest first, and whether the bound cut it short. */
export function useAssetHistory(path: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: ['history', path],
    enabled: path !== null,
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ stream: 'media', target_path: path!, limit: '200' });
      const rows: EventSummary[] = [];
      let next: string | null = null;
      do {
        if (next) params.set('cursor', next);
        const page = await api.listEvents(params, signal);
        rows.push(...page.data);
        next = page.next_cursor;
      } while (next !== null && rows.length < HISTORY_LIMIT);
      return { rows: rows.reverse(), truncated: next !== null };
    },
  });
}

/** Retries only what retrying can fix: network errors and 5xx, twice. */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status > 0 && error.status < 500) return false;
  return failures < 2;
}
