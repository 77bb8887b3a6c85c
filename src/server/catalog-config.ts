/**
 * @module The catalog the server validates against: the default catalog, extended by the
 * operator's JSON file (AUDITLOG_CATALOG_FILE) when one is configured.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { AuditlogError } from '../errors.ts';
import {
  type Catalog,
  type CatalogExtension,
  DEFAULT_CATALOG,
  extendCatalog,
  STREAMS,
} from '../events/catalog.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

/** Checks the extension's shape, listing every problem, so a typo fails the boot and not ingest. */
function checkExtension(value: unknown, file: string): CatalogExtension {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push('must be a JSON object keyed by stream');
  } else {
    for (const [stream, definition] of Object.entries(value)) {
      if (!(STREAMS as readonly string[]).includes(stream)) problems.push(`unknown stream "${stream}"`);
      const categories = (definition as { categories?: unknown })?.categories ?? {};
      if (typeof categories !== 'object' || categories === null) {
        problems.push(`${stream}.categories must be an object`);
        continue;
      }
      for (const [name, category] of Object.entries(categories)) {
        if (!NAME.test(name)) problems.push(`${stream}.${name}: category names must match ${NAME}`);
        const ops = (category as { operations?: unknown })?.operations ?? [];
        if (!Array.isArray(ops) || ops.some((op) => typeof op !== 'string' || !NAME.test(op))) {
          problems.push(`${stream}.${name}.operations must be an array of names matching ${NAME}`);
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new AuditlogError('CONFIG_INVALID', `Invalid catalog file ${file}: ${problems.join('; ')}`, {
      violations: problems.map((rule) => ({ field: 'AUDITLOG_CATALOG_FILE', rule })),
    });
  }
  return value as CatalogExtension;
}

/**
 * Loads the catalog: DEFAULT_CATALOG, extended by `config.catalogFile` when set. An unreadable or
 * invalid file refuses to boot with CONFIG_INVALID.
 *
 * @example const catalog = await loadCatalog(config);
 */
export async function loadCatalog(config: Pick<Config, 'catalogFile'>): Promise<Catalog> {
  if (!config.catalogFile) return DEFAULT_CATALOG;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(config.catalogFile, 'utf8'));
  } catch (error) {
    throw new AuditlogError(
      'CONFIG_INVALID',
      `Cannot read catalog file ${config.catalogFile}: ${String(error)}`,
      {
        violations: [{ field: 'AUDITLOG_CATALOG_FILE', rule: 'must name a readable JSON file' }],
        cause: error,
      },
    );
  }
  return extendCatalog(DEFAULT_CATALOG, checkExtension(parsed, config.catalogFile));
}
