/**
 * @module The request logger's view of a request. A viewer link (`/?token=alv1.…`) reaches the
 * server — and Fastify's "incoming request" line — before the page takes the token out of the URL,
 * so the logged URL has credential-bearing query parameters replaced by `[REDACTED]`. Nothing else
 * about the line changes.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/** Query parameters that carry a credential, matched by exact (decoded) name. */
export const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set(['token']);

/** What replaces a secret parameter's value. */
export const REDACTED = '[REDACTED]';

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    // A malformed escape cannot name a secret parameter as the page reads it; keep it as sent.
    return raw;
  }
}

/**
 * The URL with the value of every secret query parameter replaced. The rest is kept byte for byte
 * (no re-encoding), so the log still shows exactly what was asked.
 *
 * @example redactUrl('/media?token=alv1.abc.def&q=x') // '/media?token=[REDACTED]&q=x'
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const parts = url.slice(start + 1).split('&');
  const redacted = parts.map((part) => {
    const equals = part.indexOf('=');
    const name = equals === -1 ? part : part.slice(0, equals);
    return equals !== -1 && SECRET_QUERY_PARAMS.has(decodedName(name)) ? `${name}=${REDACTED}` : part;
  });
  return `${url.slice(0, start + 1)}${redacted.join('&')}`;
}

/** The fields of the request Fastify logs (as its default `req` serializer), the URL redacted. */
type LoggedRequest = {
  method: string;
  url: string;
  host?: string;
  remoteAddress?: string;
  remotePort?: number;
};

/** Fastify's `req` serializer with {@link redactUrl} applied. */
export function serializeRequest(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}): LoggedRequest {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const serializers = { req: serializeRequest };

/**
 * The Fastify logging options: Fastify's own pino at `level`, or the given logger; either way with
 * the redacting `req` serializer. A given pino logger gets it through a child logger, whose
 * serializers Fastify keeps over its defaults.
 *
 * @example Fastify({ ...loggingOptions(config.logLevel, deps.logger) })
 */
export function loggingOptions(
  level: string,
  logger?: FastifyBaseLogger,
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger) return { loggerInstance: logger.child({}, { serializers }) };
  return { logger: { level, serializers } };
}
