/**
 * `auditlog events export` as an operator runs it: an account's events as NDJSON in seq order, to a
 * file or standard output, with filters and resume, and clear refusals.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/events/schema.ts';
import { expectIntactChain } from '../../src/store/conformance/helpers.ts';
import { isoPlus, makePendingEvent } from '../../src/store/conformance-fixtures.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-cli-export-'));
const env = { AUDITLOG_DATABASE_URL: `file:${join(dir, 'cli.db')}` };
const BASE = '2026-06-01T00:00:00.000Z';
let stored: AuditEvent[] = [];

function parse(ndjson: string): AuditEvent[] {
  return ndjson
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEvent);
}

beforeAll(async () => {
  const store = await openStore(env.AUDITLOG_DATABASE_URL);
  await store.accounts.create({
    id: 'acme',
    name: 'Acme',
    plan: 'enterprise',
    auditLogsEnabled: true,
    retentionDays: 3650,
  });
  const pending = Array.from({ length: 30 }, (_, i) =>
    makePendingEvent({ stream: i % 3 === 0 ? 'media' : 'central', occurredAt: isoPlus(BASE, i * 60_000) }),
  );
  await store.events.appendBatches([{ accountId: 'acme', events: pending }]);
  await store.events.appendBatches([{ accountId: 'other', events: [makePendingEvent()] }]);
  stored = await Promise.all(pending.map(async (e) => (await store.events.get('acme', e.id))!));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auditlog events export', () => {
  it('writes every event of the account to a file, in seq order, in a chain that verifies', () => {
    const out = join(dir, 'acme.ndjson');
    const result = runCli(['events', 'export', '--account', 'acme', '--out', out], env);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('Exported 30 events of acme (head seq 30)');
    const events = parse(readFileSync(out, 'utf8'));
    expect(events).toEqual(stored);
    expectIntactChain(events);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('filters by stream and time and resumes after a seq, on standard output', () => {
    const result = runCli(
      [
        'events',
        'export',
        '--account',
        'acme',
        '--stream',
        'media',
        '--from',
        isoPlus(BASE, 3 * 60_000),
        '--to',
        isoPlus(BASE, 20 * 60_000),
        '--after-seq',
        '7',
      ],
      env,
    );
    expect(result.status).toBe(0);
    const want = stored.filter((e) => e.stream === 'media' && e.seq > 7 && e.seq <= 20);
    expect(parse(result.stdout)).toEqual(want);
    expect(want.length).toBeGreaterThan(1);
  });

  it('refuses an unknown account and bad options, naming them', () => {
    const unknown = runCli(['events', 'export', '--account', 'nobody'], env);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('ACCOUNT_NOT_FOUND');
    const bad = runCli(
      ['events', 'export', '--account', 'acme', '--stream', 'secret', '--after-seq', 'x'],
      env,
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--stream');
    expect(bad.stderr).toContain('--after-seq');
    expect(bad.stdout).toBe('');
  });
});
