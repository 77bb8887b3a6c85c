import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import {
  DEFAULT_SENSITIVE_KEYS,
  looksLikeRandomToken,
  REDACTED,
  type RedactionPolicy,
  redactEvent,
  redactString,
  redactValue,
} from './redaction.ts';

const HASH_POLICY: RedactionPolicy = { action: 'hash', hmacKey: 'test-hmac-key-0123456789' };

// ---- generators -------------------------------------------------------------------------------------

/** A sensitive key in a random spelling: case, `-`/`_` separators or camelCase. */
const sensitiveKey = fc
  .tuple(
    fc.constantFrom(
      ...DEFAULT_SENSITIVE_KEYS,
      'db_password',
      'webhookSecret',
      'githubToken',
      'stripe_api_key',
    ),
    fc.constantFrom('lower', 'upper', 'camel', 'kebab', 'title'),
  )
  .map(([key, style]) => {
    const words = key.split(/[-_]/);
    switch (style) {
      case 'upper':
        return key.toUpperCase();
      case 'camel':
        return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
      case 'kebab':
        return words.join('-');
      case 'title':
        return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
      default:
        return key;
    }
  });

/** High-entropy material derived from random bytes (fast-check's own strings are biased towards repeats). */
const entropy = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => {
  const b64 = createHash('sha512').update(bytes).digest('base64');
  return {
    b62: b64.replace(/[+/=]/g, '').slice(0, 48),
    hex: createHash('sha256').update(bytes).digest('hex'),
  };
});

/**
 * A secret-looking value: `secret` is the part that must not survive, `text` the string planted.
 * A bare token counts as secret-looking only when it looks random: about 1 in 2,000 random tokens
 * does not (see "recognises random tokens"), and this property is about finding secrets wherever
 * they are planted, not about that rate.
 */
const secretValue = fc
  .tuple(
    entropy,
    fc.constantFrom('pem', 'akia', 'jwt', 'bearer', 'random', 'ghp', 'stripe', 'slack', 'url', 'kv'),
  )
  .filter(([{ b62 }, kind]) => kind !== 'random' || looksLikeRandomToken(b62))
  .map(([{ b62, hex }, kind]) => {
    const upper = b62.toUpperCase().replace(/[^A-Z0-9]/g, 'Q');
    const secrets: Record<string, [string, string]> = {
      pem: [`MIIE${b62}`, `-----BEGIN PRIVATE KEY-----\nMIIE${b62}\n${hex}\n-----END PRIVATE KEY-----`],
      akia: [`AKIA${upper.slice(0, 16)}`, `AKIA${upper.slice(0, 16)}`],
      jwt: [`eyJ${b62}`, `eyJhbGciOiJIUzI1NiJ9.eyJ${b62}.${hex.slice(0, 20)}`],
      bearer: [b62, `Bearer ${b62}`],
      random: [b62, b62],
      ghp: [`ghp_${b62.slice(0, 36)}`, `ghp_${b62.slice(0, 36)}`],
      stripe: [`sk_live_${b62.slice(0, 24)}`, `sk_live_${b62.slice(0, 24)}`],
      slack: [`xoxb-${hex.slice(0, 12)}-${b62.slice(0, 24)}`, `xoxb-${hex.slice(0, 12)}-${b62.slice(0, 24)}`],
      url: [`pw${hex.slice(0, 12)}`, `https://admin:pw${hex.slice(0, 12)}@storage.example.com/bucket`],
      kv: [`v${hex.slice(0, 14)}`, `password=v${hex.slice(0, 14)}&user=ann`],
    };
    return secrets[kind]!;
  });

const prose = fc.constantFrom('', 'note:', 'uploaded with', 'the value is', 'see');

/** Where to plant: a walk of child indexes from the root. */
const plantPath = fc.array(fc.nat(), { maxLength: 5 });

/** Puts `entry` into the container reached by walking `path` (wrapping a primitive root). */
function plant(root: unknown, path: number[], entry: [string, unknown]): unknown {
  const base = root !== null && typeof root === 'object' ? root : { value: root };
  let node = base as Record<string, unknown> | unknown[];
  for (const step of path) {
    const children = Object.values(node).filter((c) => c !== null && typeof c === 'object');
    if (children.length === 0) break;
    node = children[step % children.length] as Record<string, unknown> | unknown[];
  }
  if (Array.isArray(node)) node.push(Object.fromEntries([entry]));
  else node[entry[0]] = entry[1];
  return base;
}

const benignKey = fc.constantFrom(
  'name',
  'bucket',
  'region',
  'note',
  'id',
  'path',
  'count',
  'tags',
  'enabled',
);
const benignString = fc.oneof(
  fc.constantFrom(
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '0b8e4a34-6f2e-4d3c-9b59-2f5d7a0e9c11',
    '01HZX3J5K8M9N0P1Q2R3S4T5V6',
    '2026-11-28T02:50:00.000Z',
    '/products/2024/summer/shoe-red-large.jpg',
    'https://ik.example.com/demo/tr:w-300,h-200/shoe.jpg',
    'ImageKitProductionBucketForEurope2024',
    'The token count exceeded the limit',
    'Basic settings updated',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
    'token_count: 5',
  ),
  fc.string({ maxLength: 30 }),
);
const benignJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    benignString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(benignKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

// ---- properties -------------------------------------------------------------------------------------

describe('redactValue properties', () => {
  it('removes every value under a sensitive key, in any spelling and at any depth', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(fc.tuple(sensitiveKey, entropy, plantPath), { minLength: 1, maxLength: 5 }),
        fc.constantFrom<RedactionPolicy | undefined>(undefined, HASH_POLICY, { action: 'remove' }),
        (json, plants, policy) => {
          let tree: unknown = structuredClone(json);
          for (const [key, { hex }, path] of plants) tree = plant(tree, path, [key, `secret-${hex}`]);
          const out = JSON.stringify(redactValue(tree, policy));
          for (const [, { hex }] of plants) expect(out).not.toContain(hex);
        },
      ),
    );
  });

  it('removes secret-looking values wherever they are planted, alone or inside prose', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(fc.tuple(benignKey, secretValue, prose, plantPath), { minLength: 1, maxLength: 5 }),
        fc.constantFrom<RedactionPolicy | undefined>(undefined, HASH_POLICY),
        (json, plants, policy) => {
          let tree: unknown = structuredClone(json);
          for (const [key, [, text], words, path] of plants) {
            tree = plant(tree, path, [`x_${key}`, words ? `${words} ${text} done` : text]);
          }
          const out = JSON.stringify(redactValue(tree, policy));
          for (const [, [secret]] of plants) expect(out).not.toContain(secret);
        },
      ),
    );
  });

  it('keeps non-secret data unchanged and never mutates its input', () => {
    fc.assert(
      fc.property(benignJson, (json) => {
        const before = structuredClone(json);
        expect(redactValue(json)).toEqual(json);
        expect(json).toEqual(before);
      }),
    );
  });

  it('never throws on arbitrary JSON and always returns serialisable JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(() => JSON.stringify(redactValue(json, HASH_POLICY))).not.toThrow();
      }),
    );
  });

  it('is idempotent, so the server can redact again what the SDK already redacted', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        sensitiveKey,
        secretValue,
        fc.constantFrom<RedactionPolicy | undefined>(undefined, HASH_POLICY),
        (json, key, [, text], policy) => {
          const tree = { json, [key]: text, note: `see ${text}` };
          const once = redactValue(tree, policy);
          expect(redactValue(once, policy)).toEqual(once);
        },
      ),
    );
  });

  it('hash action is deterministic and equal-for-equal, without revealing the secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        const ha = redactValue({ password: a }, HASH_POLICY) as { password: string };
        const hb = redactValue({ Password: b }, HASH_POLICY) as { Password: string };
        expect(ha.password).toMatch(/^\[HMAC-SHA256:[0-9a-f]{16}\]$/);
        expect(redactValue({ password: a }, HASH_POLICY)).toEqual(ha);
        expect(ha.password === hb.Password).toBe(a === b);
      }),
    );
  });
});

// ---- examples -------------------------------------------------------------------------------------

describe('redactValue examples', () => {
  it('matches key spellings but keeps look-alike names', () => {
    const out = redactValue({
      'Private-Key': 'a',
      privateKey: 'b',
      private_key: 'c',
      X_API_KEY: 'd',
      token_count: 5,
      tokenType: 'bearer',
      secretName: 'prod-db',
      passwordPolicy: { minLength: 12 },
      publicKey: 'ssh-ed25519 AAAA',
      key: 'uploads/shoe.jpg',
      password: null,
    });
    expect(out).toEqual({
      'Private-Key': REDACTED,
      privateKey: REDACTED,
      private_key: REDACTED,
      X_API_KEY: REDACTED,
      token_count: 5,
      tokenType: 'bearer',
      secretName: 'prod-db',
      passwordPolicy: { minLength: 12 },
      publicKey: 'ssh-ed25519 AAAA',
      key: 'uploads/shoe.jpg',
      password: null,
    });
  });

  it('masks a whole subtree under a sensitive key, inside arrays too', () => {
    expect(redactValue([{ credentials: { user: 'u', pass: 'p' } }, 'ok'])).toEqual([
      { credentials: REDACTED },
      'ok',
    ]);
  });

  it('keeps the rest of a string around a secret', () => {
    expect(redactString('postgres://app:hunter2@db:5432/main')).toBe(
      'postgres://app:[REDACTED]@db:5432/main',
    );
    expect(redactString('GET /cb?access_token=abc123&page=2')).toBe('GET /cb?access_token=[REDACTED]&page=2');
    expect(redactString('{"password":"correct horse battery","user":"ann"}')).toBe(
      '{"password":"[REDACTED]","user":"ann"}',
    );
    expect(redactString('Authorization: Bearer abc.def.ghi')).toBe('Authorization: [REDACTED]');
    expect(redactString('Basic settings updated')).toBe('Basic settings updated');
  });

  it('still finds the shortest secrets of each kind (the pre-scan must not skip them)', () => {
    // Each is at the length limit of the cheap pre-scan in redactStringWith.
    expect(redactString('slack xoxb-1234567890 ok')).toBe(`slack ${REDACTED} ok`);
    expect(redactString('id AKIAIOSFODNN7EXAMPLE here')).toBe(`id ${REDACTED} here`);
    expect(redactString('use Bearer abcd.efgh now')).toBe(`use Bearer ${REDACTED} now`);
    expect(redactString('eyJhbGciOi.eyJzdWIiOi.sig')).toBe(REDACTED);
    expect(redactString('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')).toBe(REDACTED);
    expect(redactString('a long sentence of short words only')).toBe('a long sentence of short words only');
  });

  it('recognises an AWS secret key beside its access key id', () => {
    const out = redactValue({
      accessKey: { id: 'AKIAIOSFODNN7EXAMPLE', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      storage: { keyId: 'AKIAIOSFODNN7EXAMPLE', secret_value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    expect(JSON.stringify(out)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/);
  });

  it('keeps hex digests, UUIDs, ULIDs and camelCase identifiers', () => {
    for (const word of [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '0b8e4a34-6f2e-4d3c-9b59-2f5d7a0e9c11',
      'getUserProfilePictureThumbnailV2Large',
      '/products/2024/Summer/ShoeRedLarge2',
    ]) {
      expect(looksLikeRandomToken(word)).toBe(false);
    }
    expect(looksLikeRandomToken('dGhpcyBpcyBhIHRlc3Qgb2YgYmFzZTY0IGVuY29kaW5n')).toBe(true);
  });

  it('recognises random tokens: all but ~1 in 2,000 of 48 base64 characters without +/=', () => {
    // A heuristic, so a rate: a token can come out mostly lower case or in long runs of one class,
    // and then reads like an identifier. Measured 0.05% of 200,000; deterministic sample here.
    let missed = 0;
    const count = 20_000;
    for (let i = 0; i < count; i++) {
      const token = createHash('sha512')
        .update(`token-${i}`)
        .digest('base64')
        .replace(/[+/=]/g, '')
        .slice(0, 48);
      if (!looksLikeRandomToken(token)) missed++;
    }
    expect(missed / count).toBeLessThan(0.002);
  });

  it('adds operator keys and JSON-pointer paths, with * matching any key or index', () => {
    const policy: RedactionPolicy = {
      keys: ['bucketOwner'],
      paths: ['/storage/endpoint', '/rules/*/header'],
    };
    const out = redactValue(
      {
        storage: { endpoint: 'https://s3.example.com', region: 'eu' },
        bucket_owner: 'ann',
        rules: [{ header: 'X-Trace', on: true }],
      },
      policy,
    );
    expect(out).toEqual({
      storage: { endpoint: REDACTED, region: 'eu' },
      bucket_owner: REDACTED,
      rules: [{ header: REDACTED, on: true }],
    });
  });

  it('remove action drops keys but masks array elements (indexes must not shift)', () => {
    const out = redactValue(
      { password: 'x', list: ['a', 'b'], keep: 1 },
      { action: 'remove', paths: ['/list/0'] },
    );
    expect(out).toEqual({ list: [REDACTED, 'b'], keep: 1 });
  });

  it('keeps a JSON "__proto__" key as data and bounds the depth', () => {
    const parsed = JSON.parse('{"__proto__": {"password": "x"}, "a": 1}');
    const out = redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"password":"[REDACTED]"},"a":1}');
    let deep: unknown = 'AKIAIOSFODNN7EXAMPLE';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(JSON.stringify(redactValue(deep))).not.toContain('AKIA');
  });

  it('rejects an invalid policy with the field and the rule', () => {
    try {
      redactValue({}, { action: 'hash', paths: ['storage'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AuditlogError);
      const fields = (error as AuditlogError).violations.map((v) => v.field);
      expect(fields).toEqual(['redaction.hmacKey', 'redaction.paths']);
    }
  });
});

describe('redactEvent', () => {
  it('redacts the four payloads and leaves other fields and absent payloads alone', () => {
    const event = {
      category: 'external_storage',
      operation: 'update',
      requestId: 'req-1',
      request: { secretAccessKey: 'x', bucket: 'b' },
      after: { password: 'y' },
    };
    const out = redactEvent(event, { paths: ['/bucket'] });
    expect(out).toEqual({
      category: 'external_storage',
      operation: 'update',
      requestId: 'req-1',
      request: { secretAccessKey: REDACTED, bucket: REDACTED },
      after: { password: REDACTED },
    });
    expect('response' in out).toBe(false);
    expect(event.request.secretAccessKey).toBe('x');
  });
});
