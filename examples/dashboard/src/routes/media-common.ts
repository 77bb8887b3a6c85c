/**
 * @module What the Media Library routes share: the folder and content schemas, the audit
 * declaration every media route uses (stream `media`, target = the asset with its path), and the
 * lookup that 404s on an unknown file.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { type AuditTarget, audited, setAuditTarget } from '../audit.ts';
import { assetPath, type MediaFile } from '../data/files.ts';
import type { Repositories } from '../data/index.ts';
import { invalid, notFound } from '../http/errors.ts';
import { field } from './common.ts';

/** An absolute folder path: `/` or `/products/shoes`. */
export const Folder = Type.String({
  maxLength: 1024,
  pattern: '^/([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$',
});

/** A file name without slashes, e.g. `red.jpg`. */
export const FileName = Type.String({ maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._ -]*$' });

/** Small inline content (≤ 512 KiB decoded), base64. */
export const ContentBase64 = Type.String({ maxLength: 699_052, pattern: '^[A-Za-z0-9+/]*={0,2}$' });

/** A declared size in bytes when no content is sent (up to 100 MiB). */
export const Size = Type.Integer({ minimum: 0, maximum: 100 * 1024 * 1024 });

/** The audit target of a file: its id, name and asset path. */
export function fileTarget(file: MediaFile): AuditTarget {
  return { type: 'file', id: file.id, name: file.name, path: file.path };
}

/**
 * The audit config of a file route. When the request fails before its handler names the file (a
 * 403, a 400), the target is the file the URL names, looked up for its path; for an upload, the
 * path that was asked for. Only a file that does not exist (404) leaves the path out.
 */
export function fileAudit(repos: Repositories, operation: string) {
  return audited({
    stream: 'media',
    category: 'files',
    operation,
    target: (request) => {
      const id = field(request, 'params', 'id');
      const file = id === undefined ? null : repos.files.get(id);
      if (file) return fileTarget(file);
      const name = field(request, 'body', 'fileName');
      const folder = field(request, 'body', 'folder') ?? '/';
      return { type: 'file', id: id ?? 'new', name, path: name ? assetPath(folder, name) : undefined };
    },
  });
}

/** The file named by `:id`, recorded as the request's audit target; 404 when unknown. */
export function loadFile(
  repos: Repositories,
  request: FastifyRequest<{ Params: { id: string } }>,
): MediaFile {
  const file = repos.files.get(request.params.id);
  if (!file) throw notFound('file', request.params.id);
  setAuditTarget(request, fileTarget(file));
  return file;
}

/**
 * The bytes and size of an upload or new version: from `contentBase64` when sent (and then `size`,
 * if also sent, must agree), else the declared `size` alone (a metadata-only upload).
 */
export function readContent(body: { contentBase64?: string; size?: number }): {
  content: Buffer | null;
  size: number;
} {
  if (body.contentBase64 !== undefined) {
    const content = Buffer.from(body.contentBase64, 'base64');
    if (body.size !== undefined && body.size !== content.length) {
      throw invalid('body/size', `must equal the decoded content length (${content.length})`);
    }
    return { content, size: content.length };
  }
  if (body.size === undefined) throw invalid('body/size', 'send size or contentBase64');
  return { content: null, size: body.size };
}
