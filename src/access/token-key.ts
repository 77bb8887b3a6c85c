/**
 * @module The key that signs viewer tokens. AUDITLOG_TOKEN_SECRET when set (several installations
 * sharing tokens, or a deliberate rotation: changing it invalidates every token); otherwise 32
 * random bytes generated once and kept in the database, so a restart does not log every viewer out
 * and every server on one database verifies the same tokens.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SecretStore } from '../store/types.ts';

/** The name the generated key is stored under. */
export const TOKEN_KEY_NAME = 'viewer_token_key';

/**
 * Returns the signing key: the configured secret, or the database's (generated on first use).
 *
 * @example const key = await resolveTokenKey(config, store.secrets);
 */
export async function resolveTokenKey(
  config: Pick<Config, 'tokenSecret'>,
  secrets: SecretStore,
): Promise<Buffer> {
  if (config.tokenSecret !== undefined) return Buffer.from(config.tokenSecret, 'utf8');
  const stored = await secrets.ensure(TOKEN_KEY_NAME, randomBytes(32).toString('base64url'));
  return Buffer.from(stored, 'base64url');
}
