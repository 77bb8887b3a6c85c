/**
 * @module What the Fastify plugin and the Express middleware share: which requests are audited, the
 * client IP (proxy-aware only when trusted), the request id, bounded body capture, and assembling
 * the event. Framework files only read their framework's request/response and call these.
 */
import { BlockList, isIP } from 'node:net';
import { ulid } from 'ulidx';
import type { Actor, EventInput, Target } from '../../../../src/events/schema.ts';
import { LIMITS } from '../../../../src/events/schema.ts';
import type { AuditlogClient, PublishInput } from '../client.ts';

/** How one route is audited. */
export interface AuditRouteConfig<Req = unknown> {
  /** A category of the catalog, e.g. `url_endpoints`. */
  category: string;
  /** Default from the method: POST create, PUT/PATCH update, DELETE delete. */
  operation?: string;
  stream?: 'central' | 'media';
  /** The resource the event is about; default `{ type: category, id: params.id }` when the route has `:id`. */
  target?: (req: Req, responseBody: unknown) => Target | undefined;
  /** Do not audit this route. */
  skip?: boolean;
}

/** Options both integrations take. */
export interface CaptureOptions<Req> {
  client: Pick<AuditlogClient, 'publish' | 'durable'>;
  /** Who is acting; null when unknown (then `anonymousActor` is used). May be async. */
  actor: (req: Req) => Actor | null | undefined | Promise<Actor | null | undefined>;
  /** Audited methods. Default POST, PUT, PATCH, DELETE. */
  methods?: string[];
  /** Honour X-Forwarded-For only when true (trust every hop) or from these proxy addresses/CIDRs. */
  trustProxy?: boolean | string[];
  /** Default stream of the events. Default central. */
  stream?: 'central' | 'media';
  /** Larger request/response bodies are replaced by `{ _truncated: true, size }`. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Fields merged into every event (a route's own config wins), e.g. a default category. */
  defaults?: (req: Req) => Partial<EventInput>;
  /** The actor of requests `actor()` cannot name; null skips them. Default `{ type: 'system', id: 'anonymous' }`. */
  anonymousActor?: Actor | null;
  /** Where capture problems go (they never reach the host's response). Default console.warn. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const DEFAULT_MAX_BODY = 64 * 1024;
const OPERATIONS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/** create / update / delete from the HTTP method. */
export function defaultOperation(method: string): string {
  return OPERATIONS[method.toUpperCase()] ?? method.toLowerCase();
}

/** True when the method is one the integration audits. */
export function isAuditedMethod(method: string, methods: string[] = DEFAULT_METHODS): boolean {
  return methods.some((m) => m.toUpperCase() === method.toUpperCase());
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Builds the trust test once per integration: exact addresses and CIDRs, IPv4 and IPv6. */
export function proxyTrust(trustProxy: boolean | string[] | undefined): (address: string) => boolean {
  if (trustProxy === true) return () => true;
  if (!trustProxy || trustProxy.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of trustProxy) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const ip = unmapped(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(bits), family);
  }
  return (address) => {
    const ip = unmapped(address);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address. X-Forwarded-For is read right to left, skipping trusted proxies, so a client
 * cannot forge its address by sending its own header: the first untrusted hop is the client.
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: (address: string) => boolean,
): string | undefined {
  let ip = remoteAddress ? unmapped(remoteAddress) : undefined;
  if (!ip || !trusted(ip) || !forwardedFor) return ip;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => isIP(unmapped(hop)) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    ip = unmapped(hops[i]!);
    if (!trusted(ip)) return ip;
  }
  return ip;
}

/** The caller's X-Request-Id when it is a sane token, else a fresh ULID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && value.length <= LIMITS.requestId && /^[\x21-\x7e]+$/.test(value) ? value : ulid();
}

/** A body as captured: JSON as is, unless its serialized size exceeds the cap. */
export function captureJson(value: unknown, maxBytes = DEFAULT_MAX_BODY): unknown {
  if (value === undefined) return undefined;
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return { _unserializable: true };
  }
  return size > maxBytes ? { _truncated: true, size } : value;
}

/** A raw payload (what the framework sends or received) as captured, without touching the original. */
export function capturePayload(
  payload: unknown,
  contentType: string | undefined,
  maxBytes = DEFAULT_MAX_BODY,
): unknown {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
    const isStream = typeof (payload as { pipe?: unknown }).pipe === 'function';
    return isStream ? { _stream: true } : captureJson(payload, maxBytes);
  }
  const size = Buffer.byteLength(payload);
  if (size === 0) return undefined;
  if (size > maxBytes) return { _truncated: true, size };
  const text = payload.toString();
  if (!contentType || /json/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: fall through
    }
  }
  if (!contentType || /^text\/|json|xml|x-www-form-urlencoded/i.test(contentType)) return text;
  return { _binary: true, size, contentType };
}

/** Everything an integration observed about one request. */
export interface Observed {
  method: string;
  route: string | undefined;
  path: string;
  requestBody: unknown;
  responseBody: unknown;
  statusCode: number;
  ip: string | undefined;
  userAgent: string | undefined;
  requestId: string;
  params: Record<string, unknown> | undefined;
  occurredAt: string;
}

function defaultTarget(category: string, params: Record<string, unknown> | undefined): Target | undefined {
  const id = params?.id;
  return typeof id === 'string' && id.length > 0 ? { type: category, id: id.slice(0, LIMITS.id) } : undefined;
}

/**
 * Assembles the event of one request, or null when the request is not to be audited (no category,
 * `skip`, or an unknown actor with `anonymousActor: null`).
 */
export async function buildEvent<Req>(
  req: Req,
  seen: Observed,
  route: AuditRouteConfig<Req> | undefined,
  options: CaptureOptions<Req>,
): Promise<PublishInput | null> {
  if (route?.skip) return null;
  const defaults = options.defaults?.(req) ?? {};
  const category = route?.category ?? defaults.category;
  if (!category) return null;
  const anonymous =
    options.anonymousActor === undefined
      ? { type: 'system' as const, id: 'anonymous' }
      : options.anonymousActor;
  const actor = (await options.actor(req)) ?? anonymous;
  if (!actor) return null;
  const path = seen.path.slice(0, LIMITS.path);
  const method = seen.method.toUpperCase() as NonNullable<EventInput['api']>['method'];
  const event: PublishInput = {
    ...defaults,
    stream: route?.stream ?? defaults.stream ?? options.stream ?? 'central',
    category,
    operation: route?.operation ?? defaults.operation ?? defaultOperation(seen.method),
    actor,
    api: { method, route: (seen.route ?? path).slice(0, LIMITS.route), path },
    status: seen.statusCode < 400 ? 'success' : 'failure',
    httpStatus: seen.statusCode,
    // A host may stamp the time itself (e.g. when replaying recorded activity); otherwise the
    // moment the request arrived.
    occurredAt: defaults.occurredAt ?? seen.occurredAt,
    requestId: seen.requestId,
  };
  const target = route?.target ? route.target(req, seen.responseBody) : defaultTarget(category, seen.params);
  if (target) event.target = target;
  if (seen.requestBody !== undefined) event.request = seen.requestBody;
  if (seen.responseBody !== undefined) event.response = seen.responseBody;
  if (seen.ip) event.ip = seen.ip;
  if (seen.userAgent) event.userAgent = seen.userAgent.slice(0, LIMITS.userAgent);
  return event;
}

/** Builds and publishes; never throws, so the host's response cannot be affected. */
export async function publishObserved<Req>(
  req: Req,
  seen: Observed,
  route: AuditRouteConfig<Req> | undefined,
  options: CaptureOptions<Req>,
): Promise<void> {
  try {
    const event = await buildEvent(req, seen, route, options);
    if (event) await options.client.publish(event);
  } catch (error) {
    (options.onError ?? ((e) => console.warn('[auditlog] could not record a request:', e)))(error);
  }
}
