/**
 * @module Zstandard for SQLite's detail documents and blocks, with the dictionaries each database
 * learns (dictionary.ts): one codec per dictionary, kept for the life of the process.
 */
import { createZstdCodec, type ZstdCodec } from '../zstd.ts';

/**
 * Measured on 1,000 bench blocks (~7 documents each) with a 128 KiB dictionary, against deflate
 * with the token dictionary used before 008: level 11 stores 0.74 at ~2x deflate's CPU (level 9:
 * 0.85; level 13 changes strategy and compresses worse). Decompression takes about half of inflate's time.
 *
 * Level 11's own strategy (btlazy2) then cost ~57 µs per event of the writer thread, the largest
 * item of a bulk append. The lazy strategy with 6 probes per position and tables sized to the
 * window (the dictionary plus one ~10 KiB block, 2^18) stores 1.047 of that at ~0.62 of its CPU
 * (1,398 blocks of 10 KiB, best of 6 alternating rounds: 0.1758 of the JSON at 34.8 µs per event,
 * against 0.1679 at 56.3); 5 probes stored 1.09 at 0.48, level 9 1.15 at 0.79.
 */
const PARAMETERS = {
  compressionLevel: 11,
  strategy: 'lazy',
  windowLog: 18,
  hashLog: 17,
  chainLog: 17,
  searchLog: 6,
  minMatch: 6,
  checksumFlag: false,
  dictIDFlag: false,
} as const;

// Keyed by the dictionary's Buffer: DetailDictionaries hands out the same Buffer per id for good.
const codecs = new WeakMap<Buffer, ZstdCodec>();

function codecOf(dictionary: Buffer): ZstdCodec {
  let codec = codecs.get(dictionary);
  if (!codec) {
    codec = createZstdCodec(dictionary, PARAMETERS);
    codecs.set(dictionary, codec);
  }
  return codec;
}

/** A frame without checksum (the hash chain covers the content) or dictionary id (the blob names it). */
export function zstdCompress(data: Buffer, dictionary: Buffer): Buffer {
  return codecOf(dictionary).compress(data);
}

export function zstdDecompress(frame: Uint8Array, dictionary: Buffer): Buffer {
  return codecOf(dictionary).decompress(frame);
}
