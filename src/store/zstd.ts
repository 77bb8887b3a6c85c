/**
 * @module Zstandard with a preset dictionary, shared by both engines. A codec keeps one compressor
 * and one decompressor for the life of the process: loading a dictionary, or setting up a context,
 * costs more than compressing a ~1 KB document with it.
 */
import { Compressor, type CompressParameters, Decompressor } from 'zstd-napi';

/** Compresses and decompresses with one dictionary and one set of parameters. */
export interface ZstdCodec {
  compress(data: Buffer): Buffer;
  decompress(frame: Uint8Array): Buffer;
}

/**
 * A codec for `dictionary` (a trained one, or any bytes: zstd then reads them as raw content to
 * refer back to). Each half is set up on first use, so a process that only reads never builds a
 * compressor.
 *
 * @example
 * const codec = createZstdCodec(Buffer.from('"request":"response":'), { compressionLevel: 3 });
 * codec.decompress(codec.compress(Buffer.from('{"request":1}'))).toString(); // '{"request":1}'
 */
export function createZstdCodec(dictionary: Buffer, parameters: CompressParameters): ZstdCodec {
  let compressor: Compressor | undefined;
  let decompressor: Decompressor | undefined;
  return {
    compress(data) {
      if (!compressor) {
        compressor = new Compressor();
        compressor.setParameters(parameters);
        compressor.loadDictionary(dictionary);
      }
      return compressor.compress(data);
    },
    decompress(frame) {
      if (!decompressor) {
        decompressor = new Decompressor();
        decompressor.loadDictionary(dictionary);
      }
      return decompressor.decompress(frame as Buffer);
    },
  };
}
