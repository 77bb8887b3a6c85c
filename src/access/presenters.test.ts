import { describe, expect, it } from 'vitest';
import { sealEvent } from '../events/chain.ts';
import type { AuditEvent } from '../events/schema.ts';
import { makePendingEvent } from '../store/conformance-fixtures.ts';
import type { Role } from '../store/types.ts';
import type { Caller } from './policies.ts';
import { presentEvent, presentSession, presentStreams, presentSummaries } from './presenters.ts';

const viewer = (role: Role): Caller => ({ kind: 'viewer', role, mintedRole: role });
const central = sealEvent(makePendingEvent({ stream: 'central' }), 'acme', 1, '0'.repeat(64));
const access = sealEvent(
  makePendingEvent({ stream: 'access', category: 'audit_log', operation: 'list' }),
  'acme',
  2,
  central.hash,
);
const summary = (e: AuditEvent) => ({
  id: e.id,
  seq: e.seq,
  stream: e.stream,
  occurredAt: e.occurredAt,
  actor: e.actor,
  category: e.category,
  operation: e.operation,
  status: e.status,
  httpStatus: e.httpStatus,
  api: e.api,
  target: e.target,
  ip: e.ip,
  requestId: e.requestId,
});

describe('presenters', () => {
  it('an auditor sees a central event whole (payloads, ip, hashes): everything, read-only', () => {
    expect(presentEvent(viewer('auditor'), central)).toEqual(central);
  });

  it('developers and members see no event at all', () => {
    for (const role of ['developer', 'member'] as const) {
      expect(presentEvent(viewer(role), central)).toBeNull();
      expect(presentSummaries(viewer(role), [summary(central)])).toEqual([]);
    }
  });

  it('the access stream is shown to owners, admins and read keys, not auditors', () => {
    expect(presentEvent(viewer('owner'), access)).toEqual(access);
    expect(presentEvent(viewer('admin'), access)).toEqual(access);
    expect(presentEvent({ kind: 'api_key', scopes: ['read'] }, access)).toEqual(access);
    expect(presentEvent(viewer('auditor'), access)).toBeNull();
    expect(
      presentSummaries(viewer('auditor'), [summary(central), summary(access)]).map((r) => r.seq),
    ).toEqual([1]);
  });

  it('a key without the read scope sees nothing', () => {
    expect(presentEvent({ kind: 'api_key', scopes: ['ingest', 'admin'] }, central)).toBeNull();
  });

  it('keeps only the streams the caller may read from a per-stream record', () => {
    const byStream = { central: 'c', media: 'm', access: 'a' };
    expect(presentStreams(viewer('owner'), byStream)).toEqual(byStream);
    expect(presentStreams(viewer('auditor'), byStream)).toEqual({ central: 'c', media: 'm' });
    expect(presentStreams(viewer('developer'), byStream)).toEqual({});
  });

  it('describes a session with the streams it may read', () => {
    const account = {
      id: 'acme',
      name: 'Acme',
      plan: 'enterprise' as const,
      auditLogsEnabled: true,
      retentionDays: 365,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const member = {
      accountId: 'acme',
      id: 'u_1',
      email: 'a@example.com',
      name: 'A',
      role: 'auditor' as const,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const session = presentSession(viewer('auditor'), {
      account,
      member,
      expiresAt: '2026-01-01T00:15:00.000Z',
    });
    expect(session).toEqual({
      kind: 'viewer',
      accountId: 'acme',
      auditLogsEnabled: true,
      member: {
        id: 'u_1',
        email: 'a@example.com',
        name: 'A',
        role: 'auditor',
        createdAt: member.createdAt,
        updatedAt: member.updatedAt,
      },
      streams: ['central', 'media'],
      expiresAt: '2026-01-01T00:15:00.000Z',
    });
  });
});
