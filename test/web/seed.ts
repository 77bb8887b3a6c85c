/**
 * @module The browser suite's data: a known mix of Dashboard and Media Library events (actors,
 * categories, operations, statuses, dates, asset paths, request ids, redacted values and a
 * before/after), sent through the real ingest API so the page reads what a producer wrote.
 */
import type { Actor, EventInput } from '../../src/events/schema.ts';

/** An event as sent, with the id and seq the server gave it. */
export interface SeededEvent {
  id: string;
  seq: number;
  input: EventInput & { stream: 'central' | 'media' };
}

export const ALICE = { type: 'user', id: 'u_alice', email: 'alice@acme.test', name: 'Alice Admin' } as const;
export const BOB = { type: 'user', id: 'u_bob', email: 'bob@acme.test' } as const;
export const CAROL = { type: 'user', id: 'u_carol', email: 'carol@acme.test', name: 'Carol Chen' } as const;
export const CI_KEY = { type: 'api_key', id: 'key_ci', name: 'CI deploy key' } as const;
const CENTRAL_ACTORS = [ALICE, BOB, CAROL, CI_KEY];

const CATEGORIES = [
  ['external_storage', '/v1/external-storage'],
  ['url_endpoints', '/v1/url-endpoints'],
  ['performance_center', '/v1/performance'],
  ['developer_options', '/v1/developer'],
  ['user_management', '/v1/users'],
  ['billing', '/v1/billing'],
  ['settings', '/v1/settings'],
  ['purge_cache', '/v1/purge'],
] as const;
const CRUD = [
  ['create', 'POST', 201],
  ['update', 'PATCH', 200],
  ['delete', 'DELETE', 204],
] as const;

/** Minutes between consecutive seeded events. */
export const STEP_MINUTES = 30;
/** How many ordinary Dashboard events there are (more than one page of 50). */
export const CENTRAL_FILLER = 60;

/** The seeded instant of slot `i` (events are spaced STEP_MINUTES apart from `base`). */
export function slot(base: number, i: number): string {
  return new Date(base + i * STEP_MINUTES * 60_000).toISOString();
}

function centralFiller(base: number): EventInput[] {
  return Array.from({ length: CENTRAL_FILLER }, (_, i) => {
    const [category, prefix] = CATEGORIES[i % CATEGORIES.length]!;
    const [operation, method, okStatus] = CRUD[i % CRUD.length]!;
    const failed = i % 7 === 3;
    return {
      stream: 'central',
      category,
      operation,
      actor: { ...CENTRAL_ACTORS[i % CENTRAL_ACTORS.length]! },
      target: { type: category, id: `${category}_${i}` },
      api: {
        method,
        route: operation === 'create' ? prefix : `${prefix}/:id`,
        path: operation === 'create' ? prefix : `${prefix}/${category}_${i}`,
      },
      request: { index: i },
      status: failed ? 'failure' : 'success',
      httpStatus: failed ? 422 : okStatus,
      ip: `203.0.113.${i}`,
      requestId: `req_c${i}`,
      occurredAt: slot(base, i),
    };
  });
}

/** The newest Dashboard event: everything the details panel can show. */
function centralShowcase(base: number): EventInput {
  return {
    stream: 'central',
    category: 'url_endpoints',
    operation: 'update',
    actor: { ...ALICE },
    target: { type: 'url_endpoint', id: 'ep_showcase', name: 'Product images' },
    api: { method: 'PATCH', route: '/v1/url-endpoints/:id', path: '/v1/url-endpoints/ep_showcase' },
    request: {
      cacheTtl: 3600,
      origin: { url: 'https://cdn.acme.test', password: '[REDACTED]' },
      // Raw here: the server's redaction policy turns it into a keyed hash before storage.
      signingKey: 'sk_live_51Hh2kT9v7Qz',
    },
    response: { ok: true, id: 'ep_showcase', updatedFields: ['cacheTtl'] },
    before: { name: 'Product images', cacheTtl: 60, origin: 'https://old.acme.test' },
    after: { name: 'Product images', cacheTtl: 3600, origin: 'https://cdn.acme.test', http2: true },
    status: 'success',
    httpStatus: 200,
    ip: '198.51.100.23',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) ShowcaseBrowser/1.0',
    requestId: 'req_showcase',
    occurredAt: slot(base, CENTRAL_FILLER + 1),
  };
}

/** The shoe's life, oldest first: upload … delete. */
export const SHOE = '/products/shoe.jpg';
const SHOE_LIFE = ['upload', 'metadata_update', 'tag', 'version_create', 'delete'] as const;

function media(base: number): EventInput[] {
  const event = (
    i: number,
    operation: string,
    path: string,
    requestId: string,
    actor: Actor = CAROL,
  ): EventInput => ({
    stream: 'media',
    category: 'files',
    operation,
    actor: { ...actor },
    target: { type: 'file', id: `file_${path.replace(/\W/g, '_')}`, name: path.split('/').pop(), path },
    api: {
      method: operation === 'delete' ? 'DELETE' : operation === 'upload' ? 'POST' : 'PATCH',
      route: operation === 'upload' ? '/v1/files' : '/v1/files/:id',
      path: `/v1/files/${encodeURIComponent(path)}`,
    },
    request: { path },
    status: 'success',
    httpStatus: 200,
    ip: '192.0.2.10',
    requestId,
    occurredAt: slot(base, i),
  });
  return [
    ...SHOE_LIFE.map((operation, k) => event(2 + k * 4, operation, SHOE, `req_shoe_${operation}`)),
    event(5, 'upload', '/products/hat.png', 'req_batch_7', ALICE),
    event(6, 'upload', '/banners/sale.jpg', 'req_batch_7', ALICE),
    event(9, 'move', '/archive/old-shoe.jpg', 'req_move_1', BOB),
  ];
}

/** Every event the suite sends, in the order they are sent. */
export function seedInputs(base: number): SeededEvent['input'][] {
  return [...centralFiller(base), centralShowcase(base), ...media(base)] as SeededEvent['input'][];
}

/** Sends events through POST /v1/events (one batch) and returns each with its id and seq. */
export async function postEvents(
  url: string,
  ingestKey: string,
  inputs: SeededEvent['input'][],
): Promise<SeededEvent[]> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: inputs }),
  });
  if (response.status !== 201) throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
  const { data } = (await response.json()) as { data: { id: string; seq: number }[] };
  return inputs.map((input, i) => ({ ...data[i]!, input }));
}

/** Sends the whole seed. */
export function seed(url: string, ingestKey: string, base: number): Promise<SeededEvent[]> {
  return postEvents(url, ingestKey, seedInputs(base));
}

/** The ids the list should show for `keep`, newest first (occurredAt desc, id desc), like the API. */
export function expectedIds(events: SeededEvent[], keep: (e: SeededEvent['input']) => boolean): string[] {
  return events
    .filter((e) => keep(e.input))
    .sort((a, b) => b.input.occurredAt.localeCompare(a.input.occurredAt) || b.id.localeCompare(a.id))
    .map((e) => e.id);
}
