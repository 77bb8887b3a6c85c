import { describe, expect, it } from 'vitest';
import { createChunkedDecoder } from './chunked.ts';

/** Decodes `body` fed `step` bytes at a time; returns the data and whether the body ended. */
function decode(body: string, step: number): { data: string; done: boolean } {
  let data = '';
  const decoder = createChunkedDecoder((bytes) => {
    data += Buffer.from(bytes).toString('latin1');
  });
  const bytes = Buffer.from(body, 'latin1');
  for (let at = 0; at < bytes.byteLength; at += step) decoder.write(bytes.subarray(at, at + step));
  return { data, done: decoder.done() };
}

const BODY = '5\r\nab\ncd\r\n1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nx-trailer: 1\r\n\r\n';

describe('chunked body framing', () => {
  it('hands on the data of every chunk, however the bytes are split', () => {
    for (const step of [1, 2, 3, 7, 1000])
      expect(decode(BODY, step)).toEqual({ data: 'ab\ncdabcdefghijklmnopqrstuvwxyz', done: true });
  });

  it('is not done before the last chunk and the empty line after it', () => {
    expect(decode('5\r\nab\ncd\r\n', 4).done).toBe(false);
    expect(decode('5\r\nab\ncd\r\n0\r\n', 4).done).toBe(false);
    expect(decode('5\r\nab\ncd\r\n0\r\n\r\n', 4).done).toBe(true);
  });

  it('refuses framing that is not chunked', () => {
    expect(() => decode('zz\r\n', 10)).toThrow(/chunk size/);
    expect(() => decode('\r\n', 10)).toThrow(/without digits/);
    expect(() => decode('2\r\nabc\r\n', 10)).toThrow(/longer than its size/);
    expect(() => decode('0\r\n\r\nmore', 10)).toThrow(/after the last chunk/);
  });
});
