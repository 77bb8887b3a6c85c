/**
 * @module Redaction: replaces secrets in event payloads before they leave the producer (the SDK) and
 * again at ingest (defence in depth). Secrets are found by key (values under sensitive names, at any
 * depth) and by value (strings that look like credentials, wherever they are).
 */
import { createHmac } from 'node:crypto';
import { AuditlogError } from '../errors.ts';
import { canonicalJson } from './chain.ts';
import { LIMITS } from './schema.ts';
import { looksLikeCredential, looksLikeRandomToken } from './secret-values.ts';

export { looksLikeRandomToken } from './secret-values.ts';

/** What to redact beyond the defaults, and how. */
export interface RedactionPolicy {
  /** Extra sensitive key names; matched like the defaults (case-, `-`- and `_`-insensitive, exact). */
  keys?: string[];
  /** JSON-pointer paths from the payload's root, e.g. `/storage/credentials`; `*` matches any key or index. */
  paths?: string[];
  /** `mask` (default) → `"[REDACTED]"`; `remove` → the key is dropped; `hash` → a keyed HMAC marker. */
  action?: 'mask' | 'remove' | 'hash';
  /** Required for `hash` (≥ 16 characters): an unkeyed hash of a short password is easy to reverse. */
  hmacKey?: string;
}

/** The marker that replaces a masked value. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are always secret, in their usual spellings. Matching normalises both sides
 * (lower case, `-`, `_`, `.` and spaces removed), so `Private-Key`, `privateKey` and `private_key` match.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = (
  'password passwd pwd passphrase password_hash password_confirmation secret secrets client_secret ' +
  'token access_token refresh_token id_token auth_token session_token private_key secret_key ' +
  'access_key access_key_id secret_access_key authorization proxy_authorization api_key apikey ' +
  'x-api-key cookie set-cookie credentials credential credit_card credit_card_number card_number ' +
  'cc_number cvv cvv2 cvc security_code ssn signing_key encryption_key session_id'
).split(' ');

/**
 * Names that are secret also as the tail of a longer name (`db_password`, `webhookSecret`,
 * `githubToken`). Only tails: a qualifier usually comes first, so `token_count`, `tokenType`,
 * `secretName`, `passwordPolicy`, `publicKey` and a bare `key` (an S3 object key) are kept.
 */
const SENSITIVE_SUFFIXES = (
  'password passwd passphrase secret token privatekey secretkey apikey accesskey signingkey ' +
  'encryptionkey credentials authorization cookie'
).split(' ');

/** Deeper structures are replaced whole: real payloads are shallow, and recursion must stay bounded. */
const MAX_DEPTH = LIMITS.payloadDepth;
const MARKER = /^\[(?:REDACTED|HMAC-SHA256:[0-9a-f]{16})\]$/;

/** Lower-cases a key name and strips `-`, `_`, `.` and spaces, so every spelling compares equal. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

const DEFAULT_KEYS = new Set(DEFAULT_SENSITIVE_KEYS.map(normaliseKey));

interface Compiled {
  keys: Set<string>;
  paths: string[][];
  action: 'mask' | 'remove' | 'hash';
  hmacKey: string | undefined;
  /** isSensitiveKey's answers by raw key name. */
  verdicts: Map<string, boolean>;
}

const compiledPolicies = new WeakMap<RedactionPolicy, Compiled>();
const DEFAULT_COMPILED: Compiled = {
  keys: DEFAULT_KEYS,
  paths: [],
  action: 'mask',
  hmacKey: undefined,
  verdicts: new Map(),
};

function parsePointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Validates a policy once and caches the result; a bad policy is a configuration error. */
function compile(policy: RedactionPolicy | undefined): Compiled {
  if (!policy) return DEFAULT_COMPILED;
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const action = policy.action ?? 'mask';
  const violations = [];
  if (!['mask', 'remove', 'hash'].includes(action)) {
    violations.push({ field: 'redaction.action', rule: 'must be one of mask, remove, hash' });
  }
  if (action === 'hash' && (policy.hmacKey ?? '').length < 16) {
    violations.push({ field: 'redaction.hmacKey', rule: 'is required for action hash (≥ 16 characters)' });
  }
  for (const path of policy.paths ?? []) {
    if (!path.startsWith('/'))
      violations.push({ field: 'redaction.paths', rule: `"${path}" must start with /` });
  }
  if (violations.length > 0) {
    throw new AuditlogError('CONFIG_INVALID', 'Invalid redaction policy', { violations });
  }
  const compiled: Compiled = {
    keys: new Set([...DEFAULT_KEYS, ...(policy.keys ?? []).map(normaliseKey)]),
    paths: (policy.paths ?? []).map(parsePointer),
    action,
    hmacKey: policy.hmacKey,
    verdicts: new Map(),
  };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

/** Payloads repeat the same few key names: remember each verdict, up to a bound. */
const KEY_VERDICTS_MAX = 4096;

function isSensitiveKey(key: string, compiled: Compiled): boolean {
  const known = compiled.verdicts.get(key);
  if (known !== undefined) return known;
  const name = normaliseKey(key);
  const sensitive = compiled.keys.has(name) || SENSITIVE_SUFFIXES.some((suffix) => name.endsWith(suffix));
  if (compiled.verdicts.size < KEY_VERDICTS_MAX && key.length <= 64) compiled.verdicts.set(key, sensitive);
  return sensitive;
}

/** The replacement for one secret: the mask, or an HMAC marker so equal secrets stay matchable. */
function marker(secret: unknown, compiled: Compiled): string {
  if (typeof secret === 'string' && MARKER.test(secret)) return secret;
  if (compiled.action !== 'hash') return REDACTED;
  let text: string;
  try {
    text = typeof secret === 'string' ? secret : canonicalJson(secret);
  } catch {
    text = String(secret);
  }
  const digest = createHmac('sha256', compiled.hmacKey ?? '')
    .update(text)
    .digest('hex');
  return `[HMAC-SHA256:${digest.slice(0, 16)}]`;
}

// ---- secrets recognised by their value ------------------------------------------------------------

const PEM =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@?#]*):([^\s/@?#]+)@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
/** Tokens with a recognisable prefix: Auditlog's own keys, GitHub, Stripe, Slack, GitLab, npm, Google, OpenAI, ImageKit. */
const PREFIXED_TOKEN = new RegExp(
  [
    'alk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}',
    'gh[pousr]_[A-Za-z0-9]{20,}',
    'github_pat_[A-Za-z0-9_]{20,}',
    '(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}',
    'whsec_[A-Za-z0-9+/=]{10,}',
    'xox[abeprs]-[A-Za-z0-9-]{10,}',
    'xapp-[A-Za-z0-9-]{10,}',
    'glpat-[A-Za-z0-9_-]{20,}',
    'npm_[A-Za-z0-9]{36}',
    'AIza[0-9A-Za-z_-]{35}',
    'sk-[A-Za-z0-9_-]{20,}',
    'private_[A-Za-z0-9+/=]{16,}',
  ]
    .map((p) => `\\b${p}`)
    .join('|'),
  'g',
);
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
const AWS_SECRET = /^[A-Za-z0-9/+]{40}$/;
const AWS_KEY_ID_VALUE = /^(?:AKIA|ASIA)[0-9A-Z]{16}$/;
/** `name=value`, `name: value`, `"name":"value"` inside free text. */
const KEY_VALUE = /([A-Za-z][A-Za-z0-9_.-]{0,63})["']?\s*[=:]\s*/g;
const WHOLE_LINE_KEYS = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);
const LONG_WORD = /[A-Za-z0-9+/=_-]{32,}/g;

/** Masks the value of every `sensitive-name = value` pair in free text. */
function redactKeyValues(text: string, compiled: Compiled): string {
  let out = '';
  let from = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m; m = KEY_VALUE.exec(text)) {
    const name = m[1]!;
    if (!isSensitiveKey(name, compiled)) continue;
    const start = KEY_VALUE.lastIndex;
    const quote = text[start] === '"' || text[start] === "'" ? text[start] : undefined;
    let end: number;
    if (quote) {
      end = start + 1;
      while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
      end = Math.min(end, text.length);
    } else {
      const stop = WHOLE_LINE_KEYS.has(normaliseKey(name)) ? /[\r\n]/ : /[\s&"',;<>]/;
      end = start;
      while (end < text.length && !stop.test(text[end]!)) end++;
    }
    const valueStart = quote ? start + 1 : start;
    const secret = text.slice(valueStart, end);
    if (secret.length === 0) continue;
    out += text.slice(from, valueStart) + marker(secret, compiled);
    from = end;
    KEY_VALUE.lastIndex = Math.max(end, KEY_VALUE.lastIndex);
  }
  return out + text.slice(from);
}

/** Replaces every secret-looking part of a string; the rest of the string is kept. */
export function redactString(text: string, policy?: RedactionPolicy): string {
  return redactStringWith(text, compile(policy));
}

const AUTH_SCHEME_NAME = /bearer|basic/i;

/** Whether a UTF-16 code unit is one of `A-Za-z0-9+/_-` (token characters other than `=`). */
function isTokenChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 43 ||
    c === 47 ||
    c === 95 ||
    c === 45
  );
}

/**
 * A necessary condition of every pattern above: a `=` or `:` (key-value pairs, URL credentials),
 * a run of 15+ token characters (the shortest prefixed token, AWS key ids, long random words), a
 * PEM armour line, a JWT header or an auth scheme. Most payload strings (names, sentences, sizes)
 * fail it, and one hand-written scan is several times cheaper than eight regular expressions (or
 * one that combines them: measured, a loop over char codes is ~2.5× faster).
 */
function mayHoldSecret(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 || c === 58) return true;
    if (!isTokenChar(c)) run = 0;
    else if (++run >= 15) return true;
  }
  return text.includes('-----') || text.includes('eyJ') || AUTH_SCHEME_NAME.test(text);
}

function redactStringWith(text: string, compiled: Compiled): string {
  if (text.length < 8 || !mayHoldSecret(text) || MARKER.test(text)) return text;
  const mark = (secret: string) => marker(secret, compiled);
  let out = text.replace(PEM, mark);
  out = out.replace(URL_CREDENTIALS, (_m, scheme, user, pass) => `${scheme}${user}:${mark(pass)}@`);
  out = redactKeyValues(out, compiled);
  out = out.replace(JWT, mark);
  out = out.replace(AUTH_SCHEME, (m, scheme, space, credential) =>
    looksLikeCredential(credential) ? `${scheme}${space}${mark(credential)}` : m,
  );
  out = out.replace(PREFIXED_TOKEN, mark);
  out = out.replace(AWS_KEY_ID, mark);
  return out.replace(LONG_WORD, (word) => (looksLikeRandomToken(word) ? mark(word) : word));
}

// ---- the walk --------------------------------------------------------------------------------------

interface Walk {
  compiled: Compiled;
  ancestors: Set<object>;
}

const NO_MATCHERS: string[][] = [];

/** The path matchers that still apply below `segment`; an empty matcher means "this value". */
function advance(matchers: string[][], segment: string): string[][] {
  // The common case (no policy paths) allocates nothing.
  if (matchers.length === 0) return NO_MATCHERS;
  const next: string[][] = [];
  for (const m of matchers) if (m.length > 0 && (m[0] === segment || m[0] === '*')) next.push(m.slice(1));
  return next;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A JSON "__proto__" key must stay data, never become the prototype of the copy.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function walkObject(value: object, walk: Walk, depth: number, matchers: string[][]): unknown {
  const { compiled } = walk;
  const entries = Object.entries(value);
  // AWS secret keys have no prefix: a 40-character base64 value is one when an access key id sits beside it.
  const awsContext = entries.some(
    ([, v]) => typeof v === 'string' && v.length === 20 && AWS_KEY_ID_VALUE.test(v),
  );
  const out: Record<string, unknown> = {};
  for (const [key, child] of entries) {
    const below = advance(matchers, key);
    const sensitive = isSensitiveKey(key, compiled) || below.some((m) => m.length === 0);
    if (sensitive && child !== null && child !== undefined) {
      if (compiled.action !== 'remove') setOwn(out, key, marker(child, compiled));
    } else if (awsContext && typeof child === 'string' && AWS_SECRET.test(child)) {
      setOwn(out, key, marker(child, compiled));
    } else {
      const redacted = walkValue(child, walk, depth + 1, below);
      if (redacted !== undefined) setOwn(out, key, redacted);
    }
  }
  return out;
}

function walkArray(value: unknown[], walk: Walk, depth: number, matchers: string[][]): unknown[] {
  return value.map((item, index) => {
    const below = advance(matchers, String(index));
    // Removing an element would shift its neighbours' indexes, so array elements are masked instead.
    if (below.some((m) => m.length === 0) && item !== null) return marker(item, walk.compiled);
    const redacted = walkValue(item, walk, depth + 1, below);
    return redacted === undefined ? null : redacted;
  });
}

function walkValue(value: unknown, walk: Walk, depth: number, matchers: string[][]): unknown {
  if (typeof value === 'string') return redactStringWith(value, walk.compiled);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (depth > MAX_DEPTH) return REDACTED;
  if (walk.ancestors.has(value)) return '[Circular]';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    try {
      return walkValue(toJSON.call(value), walk, depth + 1, matchers);
    } catch {
      return REDACTED;
    }
  }
  walk.ancestors.add(value);
  try {
    return Array.isArray(value)
      ? walkArray(value, walk, depth, matchers)
      : walkObject(value, walk, depth, matchers);
  } finally {
    walk.ancestors.delete(value);
  }
}

/**
 * Returns a redacted copy of a JSON value (the input is never mutated). Never throws on JSON input;
 * throws CONFIG_INVALID only for an invalid policy.
 *
 * @example
 * redactValue({ user: 'ann', password: 'hunter2' }) // → { user: 'ann', password: '[REDACTED]' }
 * redactValue({ note: 'Authorization: Bearer abc.def.ghi' }) // → { note: 'Authorization: [REDACTED]' }
 */
export function redactValue(value: unknown, policy?: RedactionPolicy): unknown {
  const compiled = compile(policy);
  return walkValue(value, { compiled, ancestors: new Set() }, 0, compiled.paths);
}

/** The payload fields of an event that may carry secrets. */
export interface RedactablePayloads {
  request?: unknown;
  response?: unknown;
  before?: unknown;
  after?: unknown;
}

/**
 * Redacts an event's `request`, `response`, `before` and `after` (each from its own root, so a
 * path such as `/storage/credentials` applies to all four). Other fields are left as they are.
 *
 * @example
 * redactEvent({ category: 'external_storage', request: { secretAccessKey: 'x' } }, policy)
 */
export function redactEvent<E extends RedactablePayloads>(event: E, policy?: RedactionPolicy): E {
  const copy = { ...event };
  for (const field of ['request', 'response', 'before', 'after'] as const) {
    if (field in event && event[field] !== undefined) copy[field] = redactValue(event[field], policy);
  }
  return copy;
}
