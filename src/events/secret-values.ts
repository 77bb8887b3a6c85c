/**
 * @module Heuristics that tell a secret by its value alone: a long random-looking token, an
 * auth-scheme credential. Kept apart from the redaction walk (redaction.ts) so each can be read and
 * tuned on its own.
 */

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

function charClass(ch: string): number {
  if (ch >= 'a' && ch <= 'z') return 0;
  if (ch >= 'A' && ch <= 'Z') return 1;
  if (ch >= '0' && ch <= '9') return 2;
  return 3;
}

/** A path's segments are words; a base64 secret's `/`-separated pieces mix all character classes. */
function looksLikePath(word: string): boolean {
  if (!word.includes('/')) return false;
  return word
    .split('/')
    .every((segment) => !(/[a-z]/.test(segment) && /[A-Z]/.test(segment) && /\d/.test(segment)));
}

/**
 * A long word looks random when it mixes lower, upper and digits, switches class often and has high
 * entropy, and does not read like a camelCase identifier (those have many vowels and an upper-case
 * letter is nearly always followed by a lower-case one). Plain hex (sha256 digests, UUIDs) is kept:
 * in an audit payload it is almost always a content hash or an id, not a credential. Paths are kept.
 */
export function looksLikeRandomToken(word: string): boolean {
  if (word.length < 32 || /^[0-9a-fA-F-]+$/.test(word)) return false;
  if (looksLikePath(word)) return false;
  const classes = new Set<number>();
  let switches = 0;
  let uppers = 0;
  let upperThenLower = 0;
  for (let i = 0; i < word.length; i++) {
    const current = charClass(word[i]!);
    classes.add(current);
    if (i > 0 && current !== charClass(word[i - 1]!)) switches++;
    if (current === 1 && i + 1 < word.length) {
      uppers++;
      if (charClass(word[i + 1]!) === 0) upperThenLower++;
    }
  }
  // Random base64/base62 of 40+ characters can lack digits by chance; shorter tokens must mix all three.
  if (!(classes.has(0) && classes.has(1) && (classes.has(2) || word.length >= 40))) return false;
  if (switches / (word.length - 1) < 0.35 || shannonEntropy(word) < 4) return false;
  const letters = word.replace(/[^A-Za-z]/g, '');
  const vowels = letters.replace(/[^aeiouAEIOU]/g, '').length / letters.length;
  return vowels < 0.3 || upperThenLower / Math.max(uppers, 1) < 0.75;
}

/** An auth-scheme credential, not an English word after "Basic"/"Bearer". */
export function looksLikeCredential(text: string): boolean {
  return /[0-9._~+/=-]/.test(text) || /[A-Z]/.test(text.slice(1));
}
