/**
 * @module The page's filters and their one URL form. The query string mirrors the API's own
 * parameters (actor, status, from, to, q, target_path, request_id), plus `type` for operation
 * types; the stream comes from the path. So a copied link is also a readable API query.
 */
import type { Stream } from '../../../src/events/catalog.ts';
import { queryForTypes, type TypeQuery } from './catalog.ts';

/** Everything the user can filter on. Dates are ISO instants; `to` is exclusive. */
export interface Filters {
  actors: string[];
  types: string[];
  status: '' | 'success' | 'failure';
  from: string;
  to: string;
  q: string;
  targetPath: string;
  requestId: string;
}

/** No filter at all. */
export const EMPTY_FILTERS: Filters = {
  actors: [],
  types: [],
  status: '',
  from: '',
  to: '',
  q: '',
  targetPath: '',
  requestId: '',
};

/** Rows per page asked of the API. */
export const PAGE_SIZE = 50;

const SINGLE = [
  ['status', 'status'],
  ['from', 'from'],
  ['to', 'to'],
  ['q', 'q'],
  ['targetPath', 'target_path'],
  ['requestId', 'request_id'],
] as const;

/** Filters only the Media Library offers; the Dashboard ignores them even in a hand-made link. */
const MEDIA_ONLY = ['targetPath', 'requestId'] as const;

/** Reads filters from the page URL; unknown parameters (event, history) are ignored. */
export function filtersFromSearch(search: URLSearchParams, stream: Stream): Filters {
  const status = search.get('status');
  const filters: Filters = {
    ...EMPTY_FILTERS,
    actors: search.getAll('actor').filter(Boolean),
    types: search.getAll('type').filter(Boolean),
  };
  for (const [key, param] of SINGLE) {
    if (key !== 'status') filters[key] = search.get(param) ?? '';
  }
  filters.status = status === 'success' || status === 'failure' ? status : '';
  if (stream !== 'media') for (const key of MEDIA_ONLY) filters[key] = '';
  return filters;
}

/** The URL query of a set of filters, in a stable order (so equal views have equal links). */
export function searchFromFilters(filters: Filters): URLSearchParams {
  const search = new URLSearchParams();
  for (const actor of filters.actors) search.append('actor', actor);
  for (const type of filters.types) search.append('type', type);
  for (const [key, param] of SINGLE) {
    const value = filters[key].trim();
    if (value) search.set(param, value);
  }
  return search;
}

/** True when no filter is set. */
export function hasFilters(filters: Filters): boolean {
  return searchFromFilters(filters).size > 0;
}

/** The list endpoint's parameters for a stream and filters, and the row filter types may need. */
export function apiQuery(stream: Stream, filters: Filters): { params: URLSearchParams; types: TypeQuery } {
  const params = new URLSearchParams({ stream });
  const page = searchFromFilters(filters);
  page.delete('type');
  for (const [name, value] of page) params.append(name, value);
  const types = queryForTypes(filters.types);
  for (const category of types.categories) params.append('category', category);
  for (const operation of types.operations) params.append('operation', operation);
  params.set('limit', String(PAGE_SIZE));
  return { params, types };
}
