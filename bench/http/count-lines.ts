/**
 * @module A GET that counts the lines of a response body without keeping it, for measurement 5:
 * HTTP/1.1 over a plain socket that reads into one reused buffer. The measuring client shares the
 * two cores with the server it measures. Through node:http, every 64 KiB read arrived in a Buffer
 * of its own, and collecting ~60,000 of them (a 4 GB export) cost the client ~3 µs of garbage
 * collection per event, more than parsing the response (~1.7 µs); in all it spent 7–9 µs per
 * event, here ~1.2. The request and the server's answer are the same as any client's
 * (`connection: close`, a chunked body).
 */
import { connect } from 'node:net';
import { elapsedMs } from '../support/stats.ts';
import { createChunkedDecoder } from './chunked.ts';

/** What a GET read. */
export interface CountedResponse {
  status: number;
  /** Newlines in the body. */
  lines: number;
  /** Bytes of the body. */
  bytes: number;
  /** From `start` to the first byte of the body (NaN for an empty body). */
  firstByteMs: number;
  /** The body as text when the status is not 200 (at most {@link MAX_TEXT_BYTES}), else null. */
  text: string | null;
}

const NEWLINE = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n');
/** Bytes one socket read fills at most: the same buffer every time. */
const READ_BUFFER_BYTES = 256 * 1024;
/** A status line and headers longer than this are an error, not a response to wait for. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Body text kept for an error message. */
const MAX_TEXT_BYTES = 64 * 1024;

/** Newlines in `bytes`. */
export function countNewlines(bytes: Uint8Array): number {
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

/** The status and framing of a response head (its bytes before the blank line), or null if not HTTP. */
export function parseHead(head: Buffer): { status: number; chunked: boolean } | null {
  const text = head.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
  if (!status) return null;
  return { status: Number(status[1]), chunked: /\r\ntransfer-encoding:[ \t]*chunked(\r\n|$)/i.test(text) };
}

/**
 * GETs `url` and counts the body's lines as they arrive (a chunked body's data, else every byte); `onLines` hears of each
 * read's count (a progress line). Rejects on a socket error or a malformed response head.
 *
 * @example
 * const { status, lines } = await countResponseLines(new URL('http://127.0.0.1:4000/v1/events/export'), {
 *   headers: { authorization: 'Bearer …' },
 *   start: process.hrtime.bigint(),
 * });
 */
export function countResponseLines(
  url: URL,
  options: { headers: Record<string, string>; start: bigint; onLines?: (lines: number) => void },
): Promise<CountedResponse> {
  return new Promise((resolve, reject) => {
    let head: Buffer | null = Buffer.alloc(0);
    const result: CountedResponse = { status: 0, lines: 0, bytes: 0, firstByteMs: Number.NaN, text: null };
    const texts: Buffer[] = [];

    const data = (bytes: Uint8Array) => {
      if (bytes.byteLength === 0) return;
      if (result.bytes === 0) result.firstByteMs = elapsedMs(options.start);
      result.bytes += bytes.byteLength;
      if (result.status !== 200) {
        const kept = texts.reduce((sum, t) => sum + t.byteLength, 0);
        if (kept < MAX_TEXT_BYTES) texts.push(Buffer.from(bytes.subarray(0, MAX_TEXT_BYTES - kept)));
        return;
      }
      const lines = countNewlines(bytes);
      result.lines += lines;
      options.onLines?.(lines);
    };

    /** Where body bytes go: straight to `data`, or through the chunked framing first. */
    let receive = data;
    /** Whether the whole body came (a body that is not chunked ends with the connection). */
    let ended = () => true;

    const socket = connect({
      host: url.hostname,
      port: Number(url.port),
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
        callback(read, buffer) {
          try {
            take(buffer.subarray(0, read));
          } catch (error) {
            socket.destroy(error as Error);
          }
          return true;
        },
      },
    });

    /** The bytes of one read: the head's until it ends, then the body's. */
    const take = (bytes: Uint8Array) => {
      if (head === null) return receive(bytes);
      // The head may span reads: keep its bytes (the buffer is overwritten by the next read).
      head = Buffer.concat([head, bytes]);
      const end = head.indexOf(HEAD_END);
      if (end === -1) {
        if (head.byteLength > MAX_HEAD_BYTES) throw new Error('response head too long');
        return;
      }
      const parsed = parseHead(head.subarray(0, end));
      if (!parsed)
        throw new Error(`not an HTTP response: ${JSON.stringify(head.subarray(0, 80).toString())}`);
      result.status = parsed.status;
      if (parsed.chunked) {
        const decoder = createChunkedDecoder(data);
        receive = (body) => decoder.write(body);
        ended = () => decoder.done();
      }
      const rest = head.subarray(end + HEAD_END.byteLength);
      head = null;
      receive(rest);
    };
    const headers = Object.entries({ host: url.host, connection: 'close', ...options.headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    // write, not end: Node's server drops a request whose client half-closes before the answer.
    socket.on('connect', () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\n${headers}\r\n`));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (hadError) return;
      if (head !== null || !ended()) {
        reject(
          new Error(`the connection closed before the response ${head === null ? 'body' : 'head'} ended`),
        );
        return;
      }
      if (result.status !== 200) result.text = Buffer.concat(texts).toString('utf8');
      resolve(result);
    });
  });
}
