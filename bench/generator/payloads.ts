/**
 * @module Request and response bodies of realistic size: their combined serialized size follows a
 * log-normal distribution with a median of ~1 KiB, clamped to 200 B–4 KiB.
 */
import { intBetween, normal, pick, type Random } from '../support/prng.ts';
import type { EventKind } from './routes.ts';
import { FILLER_WORDS } from './vocabulary.ts';

const MEDIAN_BYTES = 1024;
const SIGMA = 0.55;
const MIN_BYTES = 200;
const MAX_BYTES = 4096;

/** Combined request+response size for one event. */
export function payloadSize(random: Random): number {
  const size = Math.round(MEDIAN_BYTES * Math.exp(SIGMA * normal(random)));
  return Math.min(MAX_BYTES, Math.max(MIN_BYTES, size));
}

function words(random: Random, bytes: number): string {
  let text = '';
  while (text.length < bytes) text += `${pick(random, FILLER_WORDS)} `;
  return text.slice(0, Math.max(1, bytes)).trimEnd();
}

/** Pads `body` with plausible fields until its JSON reaches about `bytes`. */
function padTo(random: Random, body: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const missing = bytes - JSON.stringify(body).length;
  if (missing <= 16) return body;
  const tagCount = Math.min(8, Math.floor(missing / 120));
  const tags = Array.from({ length: tagCount }, () => pick(random, FILLER_WORDS));
  const used = JSON.stringify(tags).length + 30;
  return { ...body, tags, description: words(random, Math.max(1, missing - used)) };
}

function requestBase(random: Random, kind: EventKind, targetName: string): Record<string, unknown> {
  switch (kind.category) {
    case 'user_management':
      return {
        email: targetName,
        role: pick(random, ['admin', 'developer', 'member']),
        password: '[REDACTED]',
      };
    case 'developer_options':
      return {
        name: targetName,
        privateKey: '[REDACTED]',
        webhookUrl: `https://hooks.example/${intBetween(random, 1, 999)}`,
      };
    case 'url_endpoints':
      return {
        urlPrefix: targetName,
        origin: pick(random, ['s3', 'gcs', 'web-folder']),
        rewrite: random() < 0.3,
      };
    case 'purge_cache':
      return { url: `https://ik.example${targetName}`, invalidateChildren: random() < 0.5 };
    case 'files':
    case 'folders':
    case 'collections':
      return {
        path: targetName,
        overwrite: random() < 0.2,
        customMetadata: { owner: pick(random, FILLER_WORDS) },
      };
    default:
      return { setting: pick(random, FILLER_WORDS), value: intBetween(random, 0, 10_000) };
  }
}

/**
 * The request and response bodies of one event, as a producer's middleware would capture them
 * (secrets already redacted by the capture layer).
 */
export function makePayloads(
  random: Random,
  kind: EventKind,
  targetId: string,
  targetName: string,
  httpStatus: number,
): { request: Record<string, unknown>; response: Record<string, unknown> } {
  const total = payloadSize(random);
  const requestShare = 0.45 + random() * 0.2;
  const request = padTo(random, requestBase(random, kind, targetName), Math.round(total * requestShare));
  const responseBase =
    httpStatus >= 400
      ? { error: { code: `E${httpStatus}`, message: words(random, 40) } }
      : {
          id: targetId,
          status: kind.operation === 'delete' ? 'deleted' : 'ok',
          version: intBetween(random, 1, 40),
        };
  const response = padTo(random, responseBase, Math.max(64, total - JSON.stringify(request).length));
  return { request, response };
}
