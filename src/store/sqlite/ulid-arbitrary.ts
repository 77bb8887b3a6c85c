/**
 * @module Test support: canonical ULIDs for property tests of the codecs that store them as bytes
 * (codec.ts encodeId, export-line.ts ulidOfHex).
 */
import fc from 'fast-check';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Any canonical ULID: a first character of at most 7 (128 bits in all), then 25 Crockford digits. */
export const ulidArbitrary = fc
  .tuple(
    fc.constantFrom(...'01234567'),
    fc.array(fc.constantFrom(...CROCKFORD), { minLength: 25, maxLength: 25 }),
  )
  .map(([head, tail]) => head + tail.join(''));
