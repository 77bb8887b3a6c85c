/**
 * @module The catalog of streams → categories → operations. It is data, not code: the default below
 * is the product's, and an operator can extend it with a JSON file (AUDITLOG_CATALOG_FILE), which
 * adds categories and operations but never removes the defaults.
 */

/** The streams an event can belong to. `access` is written only by Auditlog itself (reads of the log). */
export const STREAMS = ['central', 'media', 'access'] as const;
export type Stream = (typeof STREAMS)[number];

/** Streams a producer may publish to; `access` is reserved for Auditlog's own read records. */
export const PRODUCER_STREAMS: readonly Stream[] = ['central', 'media'];

export interface CategoryDefinition {
  label: string;
  operations: string[];
}

export interface StreamDefinition {
  label: string;
  categories: Record<string, CategoryDefinition>;
}

export type Catalog = Record<Stream, StreamDefinition>;

const CRUD = ['create', 'update', 'delete'];

/** The default catalog: the eight dashboard areas, the Media Library, and the access stream. */
export const DEFAULT_CATALOG: Catalog = {
  central: {
    label: 'Dashboard',
    categories: {
      external_storage: { label: 'External storage', operations: CRUD },
      url_endpoints: { label: 'URL endpoints', operations: CRUD },
      performance_center: { label: 'Performance center', operations: CRUD },
      developer_options: { label: 'Developer options', operations: CRUD },
      user_management: { label: 'User management', operations: CRUD },
      billing: { label: 'Billing details', operations: CRUD },
      settings: { label: 'Settings', operations: CRUD },
      purge_cache: { label: 'Purge cache', operations: CRUD },
    },
  },
  media: {
    label: 'Media Library',
    categories: {
      files: {
        label: 'Files',
        operations: [
          'upload',
          'rename',
          'move',
          'delete',
          'share',
          'public_link',
          'metadata_update',
          'tag',
          'version_create',
          'version_restore',
          'version_delete',
          'extension',
          'draft',
        ],
      },
      folders: { label: 'Folders', operations: ['create', 'rename', 'move', 'delete', 'share'] },
      collections: {
        label: 'Collections',
        operations: ['create', 'update', 'delete', 'collection_add', 'collection_remove', 'share'],
      },
    },
  },
  access: {
    label: 'Log access',
    categories: {
      audit_log: { label: 'Audit log', operations: ['list', 'view', 'export'] },
    },
  },
};

/** A catalog extension as read from the operator's JSON file. */
export type CatalogExtension = Partial<
  Record<Stream, { label?: string; categories?: Record<string, Partial<CategoryDefinition>> }>
>;

/** Merges an operator's extension into a catalog: new categories and operations are added. */
export function extendCatalog(base: Catalog, extension: CatalogExtension): Catalog {
  const merged = structuredClone(base);
  for (const stream of STREAMS) {
    const ext = extension[stream];
    if (!ext) continue;
    if (ext.label) merged[stream].label = ext.label;
    for (const [name, category] of Object.entries(ext.categories ?? {})) {
      const existing = merged[stream].categories[name];
      const operations = [...new Set([...(existing?.operations ?? []), ...(category.operations ?? [])])];
      merged[stream].categories[name] = { label: category.label ?? existing?.label ?? name, operations };
    }
  }
  return merged;
}

/** Every operation name used anywhere in a stream, sorted (for the operation-type filter). */
export function operationsOf(catalog: Catalog, stream: Stream): string[] {
  const all = Object.values(catalog[stream].categories).flatMap((c) => c.operations);
  return [...new Set(all)].sort();
}

/**
 * Checks a (stream, category, operation) triple against the catalog. Returns `null` when allowed,
 * or the violation naming the allowed values.
 */
export function checkCatalog(
  catalog: Catalog,
  stream: Stream,
  category: string,
  operation: string,
): { field: 'category' | 'operation'; rule: string } | null {
  const categories = catalog[stream].categories;
  const definition = categories[category];
  if (!definition) {
    return {
      field: 'category',
      rule: `must be one of the ${stream} stream's categories: ${Object.keys(categories).join(', ')}`,
    };
  }
  if (!definition.operations.includes(operation)) {
    return {
      field: 'operation',
      rule: `must be one of the operations of ${stream}/${category}: ${definition.operations.join(', ')}`,
    };
  }
  return null;
}
