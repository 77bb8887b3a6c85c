/**
 * @module Operation types: what the "Operation types" filter offers (from GET /v1/catalog) and how
 * a set of chosen `category.operation` pairs becomes the API's `category`/`operation` parameters.
 * The API matches any category AND any operation, so a set of pairs that is not a full cross
 * product cannot be sent exactly; then we send the smallest cover and keep only matching rows.
 */
import type { Stream, StreamDefinition } from '../../../src/events/catalog.ts';

/** GET /v1/catalog's data: each stream's categories plus the flat list of its operations. */
export type CatalogResponse = Record<Stream, StreamDefinition & { operations?: string[] }>;

/** One chosen operation type. */
export interface OperationType {
  category: string;
  operation: string;
}

/** The URL form of a type: `category.operation` (names are `[a-z][a-z0-9_]*`, so `.` is free). */
export function encodeType(type: OperationType): string {
  return `${type.category}.${type.operation}`;
}

/** Parses the URL form; null for anything malformed (a hand-edited link). */
export function decodeType(value: string): OperationType | null {
  const match = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(value);
  return match ? { category: match[1]!, operation: match[2]! } : null;
}

/** How a set of types is asked of the API. */
export interface TypeQuery {
  categories: string[];
  operations: string[];
  /** Null when the parameters are exact; otherwise the rows to keep from what the API returns. */
  keep: ((row: { category: string; operation: string }) => boolean) | null;
}

/** Maps chosen types to API parameters (see the module note on why a row filter may be needed). */
export function queryForTypes(encoded: readonly string[]): TypeQuery {
  const types = encoded.map(decodeType).filter((t): t is OperationType => t !== null);
  const chosen = new Set(types.map(encodeType));
  const categories = [...new Set(types.map((t) => t.category))].sort();
  const operations = [...new Set(types.map((t) => t.operation))].sort();
  const exact = chosen.size === categories.length * operations.length;
  return {
    categories,
    operations,
    keep: exact ? null : (row) => chosen.has(`${row.category}.${row.operation}`),
  };
}

/** Options for the filter: one group per category of the stream, in catalog order. */
export function typeGroups(
  catalog: CatalogResponse | undefined,
  stream: Stream,
): { label: string; options: { value: string; label: string }[] }[] {
  const definition = catalog?.[stream];
  if (!definition) return [];
  return Object.entries(definition.categories).map(([category, { label, operations }]) => ({
    label,
    options: operations.map((operation) => ({
      value: encodeType({ category, operation }),
      label: humanize(operation),
    })),
  }));
}

/** `public_link` → `Public link`. */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
