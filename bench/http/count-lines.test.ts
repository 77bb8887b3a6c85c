import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countNewlines, countResponseLines, parseHead } from './count-lines.ts';

let server: Server;
let base: URL;
const seen: Array<{ version: string; authorization?: string }> = [];

/** 3,000 lines written in pieces that straddle reads; a 403 with a JSON body; a 200 with none. */
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ version: req.httpVersion, authorization: req.headers.authorization });
    if (req.url === '/denied') {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"code":"FORBIDDEN"}');
      return;
    }
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"seq":1}\n{"seq":2}\n');
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if (req.url === '/empty') {
      res.writeHead(200).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let line = 0;
    const more = () => {
      while (line < 3000) {
        const text = `{"seq":${++line},"pad":"${'x'.repeat(line % 700)}"}\n`;
        // Split a line across two writes now and then.
        if (line % 97 === 0) {
          res.write(text.slice(0, 5));
          if (!res.write(text.slice(5))) return void res.once('drain', more);
        } else if (!res.write(text)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('counting the lines of a response', () => {
  it('counts every line of a long chunked body, sent with the given headers', async () => {
    let reported = 0;
    const result = await countResponseLines(new URL('/lines?x=1', base), {
      headers: { authorization: 'Bearer k' },
      start: process.hrtime.bigint(),
      onLines: (n) => {
        reported += n;
      },
    });
    expect(result).toMatchObject({ status: 200, lines: 3000, text: null });
    expect(reported).toBe(3000);
    expect(result.bytes).toBeGreaterThan(1_000_000);
    expect(result.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toEqual({ version: '1.1', authorization: 'Bearer k' });
  });

  it('keeps the body of another status as text, for the error message', async () => {
    const result = await countResponseLines(new URL('/denied', base), {
      headers: {},
      start: process.hrtime.bigint(),
    });
    expect(result).toMatchObject({ status: 403, lines: 0, text: '{"code":"FORBIDDEN"}' });
  });

  it('reports an empty body as no lines and no first byte', async () => {
    const result = await countResponseLines(new URL('/empty', base), {
      headers: {},
      start: process.hrtime.bigint(),
    });
    expect(result).toMatchObject({ status: 200, lines: 0, bytes: 0 });
    expect(result.firstByteMs).toBeNaN();
  });

  it('rejects a chunked body cut short (a server that failed mid-export)', async () => {
    await expect(
      countResponseLines(new URL('/cut', base), { headers: {}, start: process.hrtime.bigint() }),
    ).rejects.toThrow(/before the response body ended/);
  });

  it('rejects when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      countResponseLines(new URL(`http://127.0.0.1:${port}/`), {
        headers: {},
        start: process.hrtime.bigint(),
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reads the status and whether the body is chunked from the head', () => {
    const head = (text: string) => parseHead(Buffer.from(text, 'latin1'));
    expect(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx: 1')).toEqual({
      status: 200,
      chunked: true,
    });
    expect(head('HTTP/1.1 200 OK\r\ntransfer-encoding:chunked')).toEqual({ status: 200, chunked: true });
    expect(head('HTTP/1.0 403 Forbidden\r\ncontent-length: 20')).toEqual({ status: 403, chunked: false });
    expect(head('SSH-2.0-OpenSSH')).toBeNull();
  });

  it('counts newlines, the last included', () => {
    expect(countNewlines(Buffer.from('a\nb\n\nc'))).toBe(3);
    expect(countNewlines(Buffer.alloc(0))).toBe(0);
  });
});
