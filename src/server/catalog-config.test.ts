import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import { DEFAULT_CATALOG } from '../events/catalog.ts';
import { loadCatalog } from './catalog-config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlog-catalog-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('loadCatalog', () => {
  it('is the default catalog when no file is configured', async () => {
    expect(await loadCatalog({ catalogFile: undefined })).toBe(DEFAULT_CATALOG);
  });

  it('adds the categories and operations of the file to the defaults', async () => {
    const path = await fileWith(
      'ok.json',
      JSON.stringify({
        central: {
          categories: {
            webhooks: { label: 'Webhooks', operations: ['create', 'rotate'] },
            billing: { operations: ['refund'] },
          },
        },
      }),
    );
    const catalog = await loadCatalog({ catalogFile: path });
    expect(catalog.central.categories.webhooks).toEqual({
      label: 'Webhooks',
      operations: ['create', 'rotate'],
    });
    expect(catalog.central.categories.billing?.operations).toEqual(['create', 'update', 'delete', 'refund']);
    expect(catalog.media).toEqual(DEFAULT_CATALOG.media);
  });

  it('refuses to boot on a missing, unparsable or ill-shaped file, listing every problem', async () => {
    await expect(loadCatalog({ catalogFile: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    const broken = await fileWith('broken.json', '{ nope');
    await expect(loadCatalog({ catalogFile: broken })).rejects.toBeInstanceOf(AuditlogError);
    const bad = await fileWith(
      'bad.json',
      JSON.stringify({
        galaxy: {},
        central: { categories: { 'Bad Name': { operations: ['ok'] }, x: { operations: [1] } } },
      }),
    );
    const error = await loadCatalog({ catalogFile: bad }).catch((e: AuditlogError) => e);
    expect(error).toBeInstanceOf(AuditlogError);
    expect((error as AuditlogError).violations).toHaveLength(3);
  });
});
