/**
 * @module The terms of the free-text index (events_fts, migrations/013_search_terms_by_account.sql):
 * each trigram of an event's searched text, qualified by its account. "bag" in account 7 is the
 * term `7kbag`, and account 7's postings of it are a doclist of their own.
 *
 * Why not FTS5's trigram tokenizer over the bare text: a trigram's postings were then one doclist
 * for every account, and FTS5 finds a query's first match before it applies rowid bounds, walking
 * the doclists of the other accounts' rows first (~0.6 ms per query on the 5e6 bench data set,
 * whichever account asked). Terms of one account hold only its rows, so a query starts at them.
 *
 * A term is ASCII letters and digits only, so FTS5's `ascii` tokenizer keeps it whole: the account
 * key in decimal, `k`, then each of the trigram's three characters as itself when it is a digit or
 * a lowercase letter other than `q`; else as `q` and its code point in two base-36 digits when it is
 * ASCII, `qz` and four beyond. Case is
 * folded as the re-check folds it (SQLite's lower(): ASCII only), so every row whose text holds the
 * searched text holds all of its terms.
 */
import type { SqliteDatabase } from './database.ts';

/** SQLite's lower() folds ASCII only; folding the needle the same way keeps both sides equal. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * What joins an event's searched fields into one text (the events_search_terms view). The re-check
 * tests each field apart, so no match spans two fields, and a trigram holding it is not indexed:
 * ~15% fewer postings for the bench's events.
 */
const FIELD_SEPARATOR = '\n';

/** Whether the index holds this trigram's terms (it does unless the trigram holds a newline). */
export function isIndexedTrigram(trigram: string): boolean {
  return !trigram.includes(FIELD_SEPARATOR);
}

/** Each ASCII character's encoding, by code. */
const ASCII_ENCODING = Array.from({ length: 128 }, (_, code) => encodeCodePoint(code));

function encodeCodePoint(code: number): string {
  const digit = code >= 0x30 && code <= 0x39;
  const letter = code >= 0x61 && code <= 0x7a && code !== 0x71;
  if (digit || letter) return String.fromCharCode(code);
  // Other ASCII in two base-36 digits (at most "3j", so never starting with "z").
  if (code < 128) return `q${code.toString(36).padStart(2, '0')}`;
  return `qz${code.toString(36).padStart(4, '0')}`;
}

/** The encoded characters of `text`, case-folded, one per code point. */
function encodedCharacters(text: string): string[] {
  const encoded: string[] = [];
  for (const char of asciiLower(text)) {
    const code = char.codePointAt(0)!;
    encoded.push(code < 128 ? ASCII_ENCODING[code]! : encodeCodePoint(code));
  }
  return encoded;
}

/** The index term of one trigram (three code points) in the account with the given key. */
export function searchTerm(accountKey: number, trigram: string): string {
  return `${accountKey}k${encodedCharacters(trigram).join('')}`;
}

/**
 * The distinct terms of `text` in the account, space-separated: what events_fts indexes for a row.
 * Empty when the text is null or shorter than a trigram. No term of a trigram holding a newline.
 */
export function searchTerms(accountKey: number, text: string | null): string {
  if (text === null) return '';
  const encoded = encodedCharacters(text);
  const separator = ASCII_ENCODING[FIELD_SEPARATOR.charCodeAt(0)];
  const prefix = `${accountKey}k`;
  const terms = new Set<string>();
  for (let i = 2; i < encoded.length; i++) {
    const [a, b, c] = [encoded[i - 2], encoded[i - 1], encoded[i]];
    if (a !== separator && b !== separator && c !== separator) terms.add(prefix + a + b + c);
  }
  return [...terms].join(' ');
}

/** The FTS5 query of some of a text's trigrams in the account: their terms, ANDed. */
export function termsMatch(accountKey: number, trigrams: readonly string[]): string {
  return trigrams.map((trigram) => searchTerm(accountKey, trigram)).join(' AND ');
}

/**
 * Makes `search_terms(account_key, text)` callable from SQL on this connection: the view the index
 * is built from and the delete trigger call it. Every connection that writes or deletes events, or
 * rebuilds or checks the index, needs it; one that only reads does not.
 */
export function registerSearchTerms(db: SqliteDatabase): void {
  db.function('search_terms', { deterministic: true }, (accountKey, text) =>
    searchTerms(Number(accountKey), text as string | null),
  );
}
