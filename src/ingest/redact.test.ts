import { describe, expect, it } from 'vitest';
import { REDACTED } from '../events/redaction.ts';
import type { EventInput } from '../events/schema.ts';
import { redactForStorage } from './redact.ts';

const base: EventInput = {
  category: 'external_storage',
  operation: 'update',
  actor: { type: 'user', id: 'u1' },
  status: 'success',
  occurredAt: '2026-01-01T00:00:00Z',
};

describe('redactForStorage', () => {
  it('redacts secrets in all four payloads with the default policy, leaving other fields alone', () => {
    const event: EventInput = {
      ...base,
      request: { bucket: 'b', password: 's1' },
      response: { token: 's2' },
      before: { secret: 's3' },
      after: { client_secret: 's4' },
      requestId: 'password',
    };
    const redacted = redactForStorage(event);
    expect(redacted.request).toEqual({ bucket: 'b', password: REDACTED });
    expect(redacted.response).toEqual({ token: REDACTED });
    expect(redacted.before).toEqual({ secret: REDACTED });
    expect(redacted.after).toEqual({ client_secret: REDACTED });
    expect(redacted.requestId).toBe('password');
    expect(event.request).toEqual({ bucket: 'b', password: 's1' });
  });

  it('applies an operator policy on top of the defaults', () => {
    const redacted = redactForStorage(
      { ...base, request: { bucket: 'b', region: 'eu' } },
      { keys: ['region'] },
    );
    expect(redacted.request).toEqual({ bucket: 'b', region: REDACTED });
  });

  it('does not invent payloads that were absent', () => {
    const redacted = redactForStorage(base);
    expect('request' in redacted).toBe(false);
    expect('after' in redacted).toBe(false);
  });
});
