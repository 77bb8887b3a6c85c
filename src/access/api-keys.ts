/**
 * @module Server API keys: `alk_<keyId>_<secret>`. The key is shown once at creation; only a sha256
 * of its secret is stored, and presented keys are compared in constant time.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountStore, ApiKeyRecord, Scope } from '../store/types.ts';

const PREFIX = 'alk';
const KEY_ID_LENGTH = 12;
const SECRET_BYTES = 32;
// keyId is base64url of 9 bytes (12 characters), the secret base64url of 32 bytes (43). Both parts
// have fixed lengths, so an underscore inside either cannot make the split ambiguous.
const KEY_FORMAT = /^alk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

/** hex sha256 of a key's secret part: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * sha256 as bytes. Every ingest request hashes its key's secret: the one-shot `crypto.hash` (Node
 * ≥ 20.12) takes half the time of a Hash object; older Node 20 releases lack it.
 */
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => createHash('sha256').update(text).digest();

/** A fresh 12-character URL-safe key id (72 random bits: collisions are not a concern). */
function newKeyId(): string {
  return randomBytes((KEY_ID_LENGTH / 4) * 3).toString('base64url');
}

/** Splits a presented key into its id and secret, or null when it is not shaped like one of ours. */
export function parseApiKey(presented: string): { keyId: string; secret: string } | null {
  const match = KEY_FORMAT.exec(presented);
  if (!match) return null;
  return { keyId: match[1]!, secret: match[2]! };
}

/**
 * Creates and stores a key for an account. The plaintext `key` is returned once and never stored.
 *
 * @example
 * const { key } = await createApiKey(store.accounts, 'acme', ['ingest'], 'backend');
 * // key = 'alk_Xq3…_…'
 */
export async function createApiKey(
  accounts: AccountStore,
  accountId: string,
  scopes: Scope[],
  name: string,
  now: Date = new Date(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  const id = newKeyId();
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const record: ApiKeyRecord = {
    id,
    accountId,
    name,
    scopes: [...new Set(scopes)],
    secretHash: hashSecret(secret),
    createdAt: now.toISOString(),
    revokedAt: null,
  };
  await accounts.createKey(record);
  return { key: `${PREFIX}_${id}_${secret}`, record };
}

/**
 * Returns the active key record a presented key belongs to, or null when it is malformed, unknown,
 * wrong or revoked. Callers answer all of these the same way, so nothing leaks which one it was.
 * `keys` is the store, or a cache of its records: the secret is compared in constant time either way.
 */
export async function authenticateApiKey(
  keys: Pick<AccountStore, 'getKey'>,
  presented: string,
): Promise<ApiKeyRecord | null> {
  const parts = parseApiKey(presented);
  if (!parts) return null;
  const record = await keys.getKey(parts.keyId);
  if (!record || record.revokedAt !== null) return null;
  const expected = Buffer.from(record.secretHash, 'hex');
  const actual = sha256(parts.secret);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return record;
}
