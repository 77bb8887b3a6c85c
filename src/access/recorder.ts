/**
 * @module Auditlog's own events: settings and member changes (central stream) and reads of the log
 * (access stream). They skip the producer validation — producers may not write the access stream —
 * but take the same path to the store as every producer event: the group committer, which assigns
 * seq and the hash chain, and answers only once the write is durable.
 */
import { monotonicFactory } from 'ulidx';
import { type EventContent, toPendingEvent } from '../events/chain.ts';
import type { Actor, Api } from '../events/schema.ts';
import type { AppendBatch, AppendedEvent, AppendOutcome } from '../store/types.ts';

/** Where events go: the app's group committer, or (in the CLI) a committer over the store. */
export interface EventSubmitter {
  submit(batch: AppendBatch): Promise<AppendOutcome>;
}

/** What a caller says about an event of ours; everything else defaults to null. */
export type SystemEvent = EventContent;

/** Records Auditlog's own events for an account. */
export interface Recorder {
  /** Appends the events to the account's chain, durably; rejects when the store refuses them. */
  record(accountId: string, events: SystemEvent[]): Promise<AppendedEvent[]>;
}

/**
 * Creates a recorder over a submitter.
 *
 * @example
 * const recorder = createRecorder({ submitter: committer });
 * await recorder.record('acme', [{ stream: 'central', category: 'settings', operation: 'update', actor, status: 'success' }]);
 */
export function createRecorder(deps: { submitter: EventSubmitter; clock?: () => Date }): Recorder {
  const clock = deps.clock ?? (() => new Date());
  const nextId = monotonicFactory();
  return {
    async record(accountId, events) {
      const now = clock();
      const at = now.toISOString();
      const pending = events.map((event) =>
        toPendingEvent(event, {
          id: nextId(now.getTime()),
          occurredAt: at,
          receivedAt: at,
          idempotencyKey: null,
        }),
      );
      const outcome = await deps.submitter.submit({ accountId, events: pending });
      if (!outcome.ok) throw outcome.error;
      return outcome.events;
    },
  };
}

/** Who made a change and how: becomes the actor and request context of the event recording it. */
export interface ChangeOrigin {
  actor: Actor;
  api?: Api | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** The status the API answers with; null for the CLI. */
  httpStatus?: number | null;
}

/** What changed, for {@link changeEvent}. */
export interface Change {
  category: string;
  operation: string;
  target: NonNullable<SystemEvent['target']>;
  before: unknown;
  after: unknown;
  request: unknown;
}

/**
 * The central event recording a change Auditlog itself made (account settings, members): the
 * change's values, with the actor and request context of its origin.
 */
export function changeEvent(change: Change, origin: ChangeOrigin): SystemEvent {
  return {
    stream: 'central',
    category: change.category,
    operation: change.operation,
    actor: origin.actor,
    target: change.target,
    api: origin.api ?? null,
    request: change.request,
    before: change.before,
    after: change.after,
    status: 'success',
    httpStatus: origin.httpStatus ?? null,
    ip: origin.ip ?? null,
    userAgent: origin.userAgent ?? null,
    requestId: origin.requestId ?? null,
  };
}

/** The actor of changes made with the `auditlog` command (an operator on the server's machine). */
export const CLI_ORIGIN: ChangeOrigin = {
  actor: { type: 'system', id: 'auditlog-cli', name: 'auditlog command line' },
};
