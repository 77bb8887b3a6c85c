/** @module GET /v1/catalog: its schema and the presenter that shapes the catalog for clients. */
import { type Static, Type } from '@sinclair/typebox';
import { type Catalog, operationsOf, STREAMS } from '../../../events/catalog.ts';
import { problemResponses } from '../problems.ts';

const CategorySchema = Type.Object({ label: Type.String(), operations: Type.Array(Type.String()) });

const StreamCatalogSchema = Type.Object({
  label: Type.String(),
  categories: Type.Record(Type.String(), CategorySchema, { description: 'Keyed by category name' }),
  operations: Type.Array(Type.String(), { description: 'Every operation of the stream, sorted' }),
});

export const CatalogResponseSchema = Type.Object({
  data: Type.Record(Type.String(), StreamCatalogSchema, {
    description: 'Keyed by stream: central, media, access',
  }),
});

export const catalogSchema = {
  tags: ['catalog'],
  summary: 'Streams, categories and operations, with labels',
  response: { 200: CatalogResponseSchema, ...problemResponses(401, 403) },
};

/** The catalog as clients see it: labels, categories, and each stream's sorted operation list. */
export function presentCatalog(catalog: Catalog): Static<typeof CatalogResponseSchema> {
  const data: Static<typeof CatalogResponseSchema>['data'] = {};
  for (const stream of STREAMS) {
    data[stream] = {
      label: catalog[stream].label,
      categories: catalog[stream].categories,
      operations: operationsOf(catalog, stream),
    };
  }
  return { data };
}
