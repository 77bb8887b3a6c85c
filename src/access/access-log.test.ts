import { describe, expect, it } from 'vitest';
import { boundedAsk, exportRead, isRecordedRead, listRead, refusedRead, viewRead } from './access-log.ts';

const reader = {
  member: { id: 'u_1', email: 'ann@example.com', name: 'Ann', role: 'auditor' as const },
  tokenId: 'tok_1',
};
const context = {
  api: { method: 'GET' as const, route: '/v1/events', path: '/v1/events' },
  ip: '127.0.0.1',
  userAgent: 'test',
  requestId: null,
};

describe('access-stream events', () => {
  it('records reads of central and media, never reads of the access stream itself (no loop)', () => {
    expect(isRecordedRead('central')).toBe(true);
    expect(isRecordedRead('media')).toBe(true);
    expect(isRecordedRead('access')).toBe(false);
  });

  it('a list read names the member, the stream, the filters and the number of rows', () => {
    const event = listRead(
      reader,
      { stream: 'central', actorIds: ['u_9'], q: 'invoice', limit: 50, after: { occurredAt: 'x', id: 'y' } },
      3,
      context,
    );
    expect(event).toMatchObject({
      stream: 'access',
      category: 'audit_log',
      operation: 'list',
      actor: { type: 'user', id: 'u_1', email: 'ann@example.com', name: 'Ann' },
      target: { type: 'stream', id: 'central' },
      request: {
        stream: 'central',
        actorIds: ['u_9'],
        q: 'invoice',
        limit: 50,
        page: 'next',
        role: 'auditor',
        tokenId: 'tok_1',
      },
      response: { rows: 3 },
      status: 'success',
      httpStatus: 200,
      ip: '127.0.0.1',
    });
    expect(JSON.stringify(event.request)).not.toContain('after');
  });

  it('a view names the event opened; a refusal is a failure with the code', () => {
    const view = viewRead(
      reader,
      { id: 'ev_1', seq: 7, stream: 'media', category: 'files', operation: 'upload' },
      context,
    );
    expect(view).toMatchObject({
      operation: 'view',
      target: { type: 'event', id: 'ev_1', name: 'media/files/upload' },
    });
    const refused = refusedRead(
      reader,
      'list',
      { stream: 'central' },
      { ...context, httpStatus: 403, code: 'ROLE_NOT_ALLOWED' },
    );
    expect(refused).toMatchObject({
      status: 'failure',
      httpStatus: 403,
      response: { code: 'ROLE_NOT_ALLOWED' },
    });
  });

  it('an export read names the streams, the range asked for and the seq it runs to', () => {
    const scope = { streams: ['central', 'media'] as const, from: '2026-01-01T00:00:00.000Z', afterSeq: 10 };
    const event = exportRead(reader, { ...scope, streams: [...scope.streams], throughSeq: 900 }, context);
    expect(event).toMatchObject({
      stream: 'access',
      category: 'audit_log',
      operation: 'export',
      actor: { type: 'user', id: 'u_1' },
      target: { type: 'stream', id: 'central,media' },
      request: { ...scope, role: 'auditor', tokenId: 'tok_1' },
      response: { throughSeq: 900 },
      status: 'success',
    });
  });

  it('bounds what a refused request asked for: keys, values and lists are capped', () => {
    const raw: Record<string, unknown> = {
      q: 'x'.repeat(10_000),
      actor: Array.from({ length: 100 }, () => 'a'),
    };
    for (let i = 0; i < 50; i++) raw[`p${i}`] = String(i);
    const asked = boundedAsk(raw);
    expect(Object.keys(asked)).toHaveLength(20);
    expect((asked.q as string).length).toBe(256);
    expect(asked.actor).toHaveLength(20);
    expect(boundedAsk('text')).toEqual({});
  });
});
