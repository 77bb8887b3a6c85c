/**
 * @module The access stream: every read of the log by a viewer — a list page, an opened event, an
 * export — becomes an `access` event of the account (actor = the member, request = the filters or
 * the event id), visible to owners and admins. Reads refused by role are recorded too, as failures:
 * who tried to look matters as much as who looked.
 *
 * No loop: reads OF the access stream are not recorded (listing it, or opening one of its events).
 * Recording them would make every visit to "Log access" add a row about itself, burying the reads
 * of the product's history that the stream exists to show.
 */
import type { Stream } from '../events/catalog.ts';
import type { Api, EventStatus } from '../events/schema.ts';
import type { EventQuery, Member } from '../store/types.ts';
import type { SystemEvent } from './recorder.ts';

/** The viewer a read is attributed to. */
export interface Reader {
  member: Pick<Member, 'id' | 'email' | 'name' | 'role'>;
  /** The viewer token's id, so one session's reads can be grouped. */
  tokenId: string;
}

/** The HTTP context of the read. */
export interface ReadContext {
  api: Api;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Whether a read of `stream` is recorded: everything but the access stream itself. */
export function isRecordedRead(stream: Stream): boolean {
  return stream !== 'access';
}

function accessEvent(
  reader: Reader,
  operation: 'list' | 'view' | 'export',
  detail: {
    target: SystemEvent['target'];
    request: unknown;
    response: unknown;
    status: EventStatus;
    httpStatus: number;
  },
  context: ReadContext,
): SystemEvent {
  return {
    stream: 'access',
    category: 'audit_log',
    operation,
    actor: { type: 'user', id: reader.member.id, email: reader.member.email, name: reader.member.name },
    target: detail.target,
    api: context.api,
    request: detail.request,
    response: detail.response,
    status: detail.status,
    httpStatus: detail.httpStatus,
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
  };
}

/** The filters of a list read as recorded: what was asked, without the opaque cursor. */
function filtersOf(query: EventQuery): Record<string, unknown> {
  const { after, ...filters } = query;
  return { ...filters, page: after ? 'next' : 'first' };
}

/** A list page the viewer read: which stream, which filters, how many rows came back. */
export function listRead(reader: Reader, query: EventQuery, rows: number, context: ReadContext): SystemEvent {
  return accessEvent(
    reader,
    'list',
    {
      target: { type: 'stream', id: query.stream },
      request: { ...filtersOf(query), role: reader.member.role, tokenId: reader.tokenId },
      response: { rows },
      status: 'success',
      httpStatus: 200,
    },
    context,
  );
}

/** One event the viewer opened, payloads included. */
export function viewRead(
  reader: Reader,
  event: { id: string; seq: number; stream: Stream; category: string; operation: string },
  context: ReadContext,
): SystemEvent {
  return accessEvent(
    reader,
    'view',
    {
      target: { type: 'event', id: event.id, name: `${event.stream}/${event.category}/${event.operation}` },
      request: { id: event.id, role: reader.member.role, tokenId: reader.tokenId },
      response: { seq: event.seq, stream: event.stream },
      status: 'success',
      httpStatus: 200,
    },
    context,
  );
}

/** What an export covers: validated filters, and the head seq it runs to. */
export interface ExportScope {
  streams: Stream[];
  from?: string;
  to?: string;
  afterSeq: number;
  throughSeq: number;
}

/**
 * An export the viewer started: which streams, time range and seqs. Recorded before the first
 * byte, so it carries what was asked and how far it runs, not how many rows were sent.
 */
export function exportRead(reader: Reader, scope: ExportScope, context: ReadContext): SystemEvent {
  const { throughSeq, ...asked } = scope;
  return accessEvent(
    reader,
    'export',
    {
      target: { type: 'stream', id: scope.streams.join(',') },
      request: { ...asked, role: reader.member.role, tokenId: reader.tokenId },
      response: { throughSeq },
      status: 'success',
      httpStatus: 200,
    },
    context,
  );
}

const MAX_ASKED_KEYS = 20;
const MAX_ASKED_VALUE = 256;

/**
 * What a refused request asked for, bounded: a refused request was never validated, and its raw
 * querystring must not let a caller write an arbitrarily large event into someone's log.
 */
export function boundedAsk(raw: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (raw === null || typeof raw !== 'object') return out;
  const cut = (v: unknown) => String(v).slice(0, MAX_ASKED_VALUE);
  for (const [key, value] of Object.entries(raw).slice(0, MAX_ASKED_KEYS)) {
    out[key.slice(0, 64)] = Array.isArray(value) ? value.slice(0, MAX_ASKED_KEYS).map(cut) : cut(value);
  }
  return out;
}

/** A read refused because the viewer's role does not allow it; `asked` is bounded by {@link boundedAsk}. */
export function refusedRead(
  reader: Reader,
  operation: 'list' | 'view' | 'export',
  asked: unknown,
  context: ReadContext & { httpStatus: number; code: string },
): SystemEvent {
  return accessEvent(
    reader,
    operation,
    {
      target: null,
      request: { ...boundedAsk(asked), role: reader.member.role, tokenId: reader.tokenId },
      response: { code: context.code },
      status: 'failure',
      httpStatus: context.httpStatus,
    },
    context,
  );
}
