/**
 * @module What the host product's API looks like for each (stream, category, operation): the HTTP
 * method, route template and target kind an event carries, and how often each operation happens.
 */
import { DEFAULT_CATALOG } from '../../src/events/catalog.ts';
import type { Api } from '../../src/events/schema.ts';
import { type Random, weighted } from '../support/prng.ts';

/** Relative frequencies; an operation missing here still occurs, with weight 1. */
const OPERATION_WEIGHTS: Record<string, number> = {
  update: 12,
  create: 5,
  delete: 3,
  upload: 30,
  rename: 8,
  move: 8,
  share: 4,
  public_link: 4,
  metadata_update: 12,
  tag: 10,
  version_create: 4,
  version_restore: 2,
  version_delete: 1,
  extension: 4,
  draft: 2,
  collection_add: 10,
  collection_remove: 3,
};

const CATEGORY_WEIGHTS: Record<string, number> = {
  external_storage: 8,
  url_endpoints: 18,
  performance_center: 10,
  developer_options: 12,
  user_management: 12,
  billing: 5,
  settings: 15,
  purge_cache: 20,
  files: 75,
  folders: 15,
  collections: 10,
};

/** Share of events in the media stream (an image CDN's Media Library is busier than its settings). */
const MEDIA_SHARE = 0.55;

/** One kind of event the generator can draw. */
export interface EventKind {
  stream: 'central' | 'media';
  category: string;
  operation: string;
}

/**
 * A sampler over every (stream, category, operation) of the default catalog's producer streams,
 * so all central categories and all Media Library operations occur.
 */
export function eventKindSampler(): (random: Random) => EventKind {
  const entries: [EventKind, number][] = [];
  for (const stream of ['central', 'media'] as const) {
    const categories = DEFAULT_CATALOG[stream].categories;
    const categoryTotal = Object.keys(categories).reduce((s, c) => s + (CATEGORY_WEIGHTS[c] ?? 1), 0);
    const streamShare = stream === 'media' ? MEDIA_SHARE : 1 - MEDIA_SHARE;
    for (const [category, definition] of Object.entries(categories)) {
      const opTotal = definition.operations.reduce((s, o) => s + (OPERATION_WEIGHTS[o] ?? 1), 0);
      for (const operation of definition.operations) {
        const share = (streamShare * (CATEGORY_WEIGHTS[category] ?? 1)) / categoryTotal;
        entries.push([
          { stream, category, operation },
          (share * (OPERATION_WEIGHTS[operation] ?? 1)) / opTotal,
        ]);
      }
    }
  }
  return weighted(entries);
}

const TARGET_TYPES: Record<string, string> = {
  external_storage: 'origin',
  url_endpoints: 'url_endpoint',
  performance_center: 'performance_setting',
  developer_options: 'webhook',
  user_management: 'member',
  billing: 'billing_profile',
  settings: 'setting',
  purge_cache: 'purge_request',
  files: 'file',
  folders: 'folder',
  collections: 'collection',
};

/** The target kind of a category, e.g. url_endpoints → url_endpoint. */
export function targetType(category: string): string {
  return TARGET_TYPES[category] ?? category;
}

/** The API call behind an event, with `:id` filled in for the concrete path. */
export function apiFor(kind: EventKind, targetId: string): Api {
  const base = `/v1/${kind.category.replace(/_/g, '-')}`;
  const op = kind.operation;
  const [method, route] =
    op === 'create' || op === 'upload'
      ? (['POST', base] as const)
      : op === 'update'
        ? (['PATCH', `${base}/:id`] as const)
        : op === 'delete'
          ? (['DELETE', `${base}/:id`] as const)
          : op === 'metadata_update'
            ? (['PATCH', `${base}/:id/metadata`] as const)
            : op === 'rename' || op === 'move'
              ? (['PUT', `${base}/:id/${op}`] as const)
              : (['POST', `${base}/:id/${op.replace(/_/g, '-')}`] as const);
  return { method, route, path: route.replace(':id', targetId) };
}
