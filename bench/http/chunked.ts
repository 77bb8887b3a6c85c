/**
 * @module The framing of an HTTP/1.1 chunked body (RFC 9112 §7.1), taken off as bytes arrive:
 * chunk sizes in hex (extensions ignored), each chunk's data handed on as it comes, the trailer
 * skipped. For the measuring client of measurement 5 (count-lines.ts), which reads into one
 * reused buffer and needs only the data bytes.
 */

/** A decoder fed a body's bytes in any pieces. */
export interface ChunkedDecoder {
  /** Takes the next bytes of the body; data bytes go to `onData` (views into `bytes`). */
  write(bytes: Uint8Array): void;
  /** Whether the last chunk and the trailer have been read. */
  done(): boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const SEMICOLON = 0x3b;

/** The value of a hex digit, or -1. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * @example
 * const decoder = createChunkedDecoder((data) => (lines += countNewlines(data)));
 * decoder.write(Buffer.from('5\r\nab\ncd\r\n0\r\n\r\n'));
 * decoder.done(); // true
 */
export function createChunkedDecoder(onData: (bytes: Uint8Array) => void): ChunkedDecoder {
  let state: 'size' | 'extension' | 'data' | 'dataEnd' | 'trailer' | 'done' = 'size';
  let size = 0;
  let sizeDigits = 0;
  let remaining = 0;
  /** Bytes of the trailer line being read, CR excluded: an empty line ends the body. */
  let trailerLine = 0;

  const endOfSizeLine = () => {
    if (sizeDigits === 0) throw new Error('chunked body: a chunk size without digits');
    if (size === 0) {
      state = 'trailer';
      trailerLine = 0;
    } else {
      state = 'data';
      remaining = size;
    }
    size = 0;
    sizeDigits = 0;
  };

  return {
    write(bytes) {
      let at = 0;
      while (at < bytes.byteLength) {
        if (state === 'data') {
          const take = Math.min(remaining, bytes.byteLength - at);
          onData(bytes.subarray(at, at + take));
          at += take;
          remaining -= take;
          if (remaining === 0) state = 'dataEnd';
          continue;
        }
        const byte = bytes[at++]!;
        if (state === 'size') {
          const digit = hexValue(byte);
          if (digit !== -1) {
            size = size * 16 + digit;
            sizeDigits++;
          } else if (byte === LF) endOfSizeLine();
          else if (byte === SEMICOLON) state = 'extension';
          else if (byte !== CR) throw new Error(`chunked body: unexpected byte ${byte} in a chunk size`);
        } else if (state === 'extension') {
          if (byte === LF) endOfSizeLine();
        } else if (state === 'dataEnd') {
          if (byte === LF) state = 'size';
          else if (byte !== CR) throw new Error('chunked body: a chunk longer than its size');
        } else if (state === 'trailer') {
          if (byte === LF) {
            if (trailerLine === 0) state = 'done';
            trailerLine = 0;
          } else if (byte !== CR) trailerLine++;
        } else throw new Error('chunked body: bytes after the last chunk');
      }
    },
    done: () => state === 'done',
  };
}
