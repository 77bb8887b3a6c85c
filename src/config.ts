/**
 * @module The one typed configuration module. Every variable is documented here, validated at boot,
 * and has a default that makes `npm start` work with nothing set. {@link loadConfig} refuses to
 * boot with the list of every bad variable, not just the first.
 */
import { AuditlogError, type Violation } from './errors.ts';
import { LIMITS } from './events/schema.ts';

export interface Config {
  /** AUDITLOG_DATABASE_URL — `file:./data/auditlog.db` (SQLite, default) or `postgres://…`. */
  databaseUrl: string;
  /** AUDITLOG_HOST — interface to listen on. Default 127.0.0.1 (set 0.0.0.0 to expose). */
  host: string;
  /** AUDITLOG_PORT — TCP port. Default 4000; 0 picks a free port. */
  port: number;
  /** AUDITLOG_LOG_LEVEL — pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  logLevel: string;
  /** AUDITLOG_MAX_PAYLOAD_BYTES — cap on each of request/response/before/after. Default 65536. */
  maxPayloadBytes: number;
  /** AUDITLOG_CATALOG_FILE — optional JSON file that extends the default catalog. */
  catalogFile: string | undefined;
  /** AUDITLOG_RETENTION_INTERVAL_SECONDS — how often the retention job runs. Default 3600; 0 disables it. */
  retentionIntervalSeconds: number;
  /** AUDITLOG_DEFAULT_RETENTION_DAYS — retention of new accounts. Default 365. */
  defaultRetentionDays: number;
  /**
   * AUDITLOG_TOKEN_SECRET — key that signs viewer tokens (≥ 32 chars). If unset, a random key is
   * generated once and kept in the database, so restarts and every server on it share it.
   */
  tokenSecret: string | undefined;
  /** AUDITLOG_RATE_LIMIT_INGEST — requests per minute per key on ingest. Default 6000. */
  rateLimitIngest: number;
  /** AUDITLOG_RATE_LIMIT_READ — requests per minute per key/token on reads. Default 1200. */
  rateLimitRead: number;
}

type Env = Record<string, string | undefined>;

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  bad: Violation[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    bad.push({ field: name, rule: `must be an integer from ${min} to ${max} (got "${raw}")` });
    return fallback;
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; throws CONFIG_INVALID listing every bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const bad: Violation[] = [];
  const databaseUrl = env.AUDITLOG_DATABASE_URL || 'file:./data/auditlog.db';
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    bad.push({ field: 'AUDITLOG_DATABASE_URL', rule: 'must start with file: or postgres://' });
  }
  const logLevel = env.AUDITLOG_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    bad.push({ field: 'AUDITLOG_LOG_LEVEL', rule: `must be one of ${LOG_LEVELS.join(', ')}` });
  }
  const tokenSecret = env.AUDITLOG_TOKEN_SECRET || undefined;
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    bad.push({ field: 'AUDITLOG_TOKEN_SECRET', rule: 'must be at least 32 characters' });
  }
  const config: Config = {
    databaseUrl,
    host: env.AUDITLOG_HOST || '127.0.0.1',
    port: integer(env, 'AUDITLOG_PORT', 4000, 0, 65535, bad),
    logLevel,
    maxPayloadBytes: integer(
      env,
      'AUDITLOG_MAX_PAYLOAD_BYTES',
      LIMITS.payloadBytes,
      1024,
      16 * 1024 * 1024,
      bad,
    ),
    catalogFile: env.AUDITLOG_CATALOG_FILE || undefined,
    retentionIntervalSeconds: integer(env, 'AUDITLOG_RETENTION_INTERVAL_SECONDS', 3600, 0, 31 * 86400, bad),
    defaultRetentionDays: integer(env, 'AUDITLOG_DEFAULT_RETENTION_DAYS', 365, 1, 36500, bad),
    tokenSecret,
    rateLimitIngest: integer(env, 'AUDITLOG_RATE_LIMIT_INGEST', 6000, 1, 10_000_000, bad),
    rateLimitRead: integer(env, 'AUDITLOG_RATE_LIMIT_READ', 1200, 1, 10_000_000, bad),
    ...overrides,
  };
  if (bad.length > 0) {
    const list = bad.map((v) => `  ${v.field}: ${v.rule}`).join('\n');
    throw new AuditlogError('CONFIG_INVALID', `Invalid configuration:\n${list}`, { violations: bad });
  }
  return config;
}
