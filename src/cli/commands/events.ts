/**
 * @module `auditlog events list|show`: read the log over the HTTP API with a viewer token or a read
 * key, exactly as the page does — so the same rules apply (roles, feature gate, the access stream)
 * and a refusal prints the API's own explanation.
 */
import type { Command } from 'commander';
import { AuditlogError, type ErrorCode, errorCodes } from '../../errors.ts';
import type { AuditEvent, EventSummary } from '../../events/schema.ts';
import { parseInteger } from '../parse.ts';
import { registerExportCommand } from './events-export.ts';

interface RemoteOptions {
  url?: string;
  token?: string;
}

/** The server URL and credential, from the options or AUDITLOG_URL / AUDITLOG_TOKEN. */
function remoteOf(options: RemoteOptions): { url: string; token: string } {
  const url = options.url ?? process.env.AUDITLOG_URL;
  // The environment keeps the token out of `ps` and shell history; --token is for trying things out.
  const token = options.token ?? process.env.AUDITLOG_TOKEN;
  if (!url) throw new AuditlogError('BAD_REQUEST', 'Give the server URL with --url or AUDITLOG_URL');
  if (!token)
    throw new AuditlogError(
      'UNAUTHENTICATED',
      'Give a viewer token or read key with --token or AUDITLOG_TOKEN',
    );
  return { url, token };
}

/** GETs a /v1 path; a problem response becomes the AuditlogError it describes. */
async function getJson<T>(remote: { url: string; token: string }, path: string): Promise<T> {
  const response = await fetch(new URL(path, remote.url), {
    headers: { authorization: `Bearer ${remote.token}`, accept: 'application/json' },
  });
  const body = (await response.json().catch(() => null)) as { code?: string; detail?: string } | null;
  if (response.ok) return body as T;
  const known = errorCodes.includes(body?.code as ErrorCode);
  const code = known ? (body!.code as ErrorCode) : 'INTERNAL';
  throw new AuditlogError(code, body?.detail ?? `HTTP ${response.status}`);
}

function row(e: EventSummary): Record<string, unknown> {
  return {
    seq: e.seq,
    occurredAt: e.occurredAt,
    actor: e.actor.email ?? e.actor.id,
    category: e.category,
    operation: e.operation,
    status: e.status,
    target: e.target ? (e.target.path ?? e.target.name ?? e.target.id) : '',
    id: e.id,
  };
}

const FILTERS = ['stream', 'actor', 'operation', 'category', 'status', 'from', 'to', 'q'] as const;

/** Registers the `events` command group. */
export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('read the log over the HTTP API (as the page does)');
  const remote = (command: Command) =>
    command
      .option('--url <url>', 'server URL, e.g. http://127.0.0.1:4000 (default: AUDITLOG_URL)')
      .option('--token <token>', 'viewer token or read key (default: AUDITLOG_TOKEN)');

  const list = events.command('list').description('list events, newest first, as a table');
  remote(list);
  for (const name of FILTERS) list.option(`--${name} <value>`, `the ${name} filter of GET /v1/events`);
  list
    .option('--limit <n>', 'rows, 1 to 200', parseInteger, 50)
    .action(async (options: RemoteOptions & Record<string, string | number | undefined>) => {
      const params = new URLSearchParams({ limit: String(options.limit) });
      for (const name of FILTERS) if (options[name] !== undefined) params.set(name, String(options[name]));
      const page = await getJson<{ data: EventSummary[]; next_cursor: string | null }>(
        remoteOf(options),
        `/v1/events?${params}`,
      );
      if (page.data.length === 0) console.error('No events match.');
      else console.table(page.data.map(row));
      if (page.next_cursor) console.error('More events follow (narrow the filters or raise --limit).');
    });

  const show = events.command('show <id>').description('one event with its payloads, as JSON');
  remote(show);
  show.action(async (id: string, options: RemoteOptions) => {
    const { data } = await getJson<{ data: AuditEvent }>(
      remoteOf(options),
      `/v1/events/${encodeURIComponent(id)}`,
    );
    console.log(JSON.stringify(data, null, 2));
  });

  registerExportCommand(events, program);
}
