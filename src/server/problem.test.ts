import { describe, expect, it } from 'vitest';
import { AuditlogError } from '../errors.ts';
import { asAuditlogError, toProblem } from './problem.ts';

describe('toProblem', () => {
  it('renders RFC 9457 members with the code, violations and instance', () => {
    const error = new AuditlogError('EVENT_INVALID', '1 violation', {
      violations: [{ index: 2, field: '/events/2/ip', rule: 'must be an IP' }],
    });
    expect(toProblem(error, '/v1/events')).toEqual({
      type: 'https://auditlog.dev/problems/event-invalid',
      title: 'The event is invalid',
      status: 422,
      detail: '1 violation',
      code: 'EVENT_INVALID',
      violations: [{ index: 2, field: '/events/2/ip', rule: 'must be an IP' }],
      instance: '/v1/events',
    });
  });
});

describe('asAuditlogError', () => {
  it('keeps our errors as they are', () => {
    const error = new AuditlogError('FORBIDDEN');
    expect(asAuditlogError(error)).toEqual({ error, unexpected: false });
  });

  it('maps Fastify validation errors to field + rule', () => {
    const fastifyError = Object.assign(new Error('bad'), {
      code: 'FST_ERR_VALIDATION',
      statusCode: 400,
      validationContext: 'querystring',
      validation: [{ instancePath: '/limit', message: 'must be <= 200' }],
    });
    const { error } = asAuditlogError(fastifyError);
    expect(error.code).toBe('QUERY_INVALID');
    expect(error.violations).toEqual([{ field: 'querystring/limit', rule: 'must be <= 200' }]);
  });

  it('turns anything unknown into an INTERNAL error flagged for logging, without its message', () => {
    const { error, unexpected } = asAuditlogError(new TypeError('secret internals at db.ts:42'));
    expect(unexpected).toBe(true);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('Internal error');
  });
});
