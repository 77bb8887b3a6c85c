/**
 * @module The ingest pipeline: validate → redact → assign ids and receipt time → group commit. It
 * answers only once the store reports the write durable, so an acknowledged event is never lost.
 */
import type { Config } from '../config.ts';
import { AuditlogError } from '../errors.ts';
import type { Catalog } from '../events/catalog.ts';
import { type PendingEvent, toPendingEvent } from '../events/chain.ts';
import type { RedactionPolicy } from '../events/redaction.ts';
import type { EventInput } from '../events/schema.ts';
import type { Account, AppendedEvent, Store } from '../store/types.ts';
import { parseDateTime } from './date-time.ts';
import { createGroupCommitter, type GroupCommitter } from './group-commit.ts';
import { redactForStorage } from './redact.ts';
import { createUlidGenerator } from './ulid.ts';
import { validateIngestBody } from './validate.ts';

/** Leaves room for the `:<index>` suffix a batch adds to the header key. */
export const MAX_IDEMPOTENCY_HEADER = 200;

export interface IngestorDeps {
  store: Store;
  catalog: Catalog;
  clock?: () => Date;
  config: Pick<Config, 'maxPayloadBytes' | 'defaultRetentionDays'>;
  /** The redaction policy applied to payloads; the default policy (common secret names) when absent. */
  redaction?: RedactionPolicy;
  /** Shares one committer between ingestors; created over `store.events` when absent. */
  committer?: GroupCommitter;
}

export interface IngestOptions {
  /** The Idempotency-Key header: the key of a single event, or the prefix of a batch's keys. */
  idempotencyKey?: string;
  /** The account, when the caller already loaded it (saves a lookup). */
  account?: Account;
}

export interface Ingestor {
  /** Validates and durably stores one event or a batch for an account, all or nothing. */
  ingest(accountId: string, body: unknown, options?: IngestOptions): Promise<AppendedEvent[]>;
  /** Waits until every accepted submission has been committed. */
  flush(): Promise<void>;
}

function checkHeaderKey(key: string | undefined): void {
  if (key === undefined) return;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_HEADER) {
    const rule = `must be 1 to ${MAX_IDEMPOTENCY_HEADER} characters`;
    throw new AuditlogError('EVENT_INVALID', `Idempotency-Key ${rule}`, {
      violations: [{ field: 'header/idempotency-key', rule }],
    });
  }
}

/** toISOString's own form: a valid date-time written this way is already normalised. */
const NORMALISED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The date-time as toISOString writes it (UTC, milliseconds, upper-case 'T' and 'Z'). */
function normaliseDateTime(text: string): string {
  // Most producers send this form already; parsing it again would only reprint it.
  if (NORMALISED_DATE_TIME.test(text)) return text;
  // Validation guaranteed it parses; parseDateTime also accepts the lower-case 't'/'z' RFC 3339 allows.
  return new Date(parseDateTime(text) ?? Number.NaN).toISOString();
}

/** The idempotency key an event is stored with: its own, else one derived from the header. */
function keyFor(event: EventInput, index: number, batch: boolean, header: string | undefined): string | null {
  if (event.idempotencyKey !== undefined) return event.idempotencyKey;
  if (header === undefined) return null;
  return batch ? `${header}:${index}` : header;
}

/**
 * Creates the ingestor. Payloads absent from the input are stored as `null`, so the hash computed
 * now matches the one recomputed from a stored row later.
 *
 * @example
 * const ingestor = createIngestor({ store, catalog: DEFAULT_CATALOG, config });
 * const [{ id, seq }] = await ingestor.ingest('acme', event, { idempotencyKey: 'req-42' });
 */
export function createIngestor(deps: IngestorDeps): Ingestor {
  const clock = deps.clock ?? (() => new Date());
  const committer = deps.committer ?? createGroupCommitter(deps.store.events);
  const nextId = createUlidGenerator();

  function toPending(input: EventInput, idempotencyKey: string | null, receivedAt: Date): PendingEvent {
    const event = redactForStorage(input, deps.redaction);
    return toPendingEvent(
      { ...event, stream: event.stream ?? 'central' },
      {
        id: nextId(receivedAt.getTime()),
        idempotencyKey,
        occurredAt: normaliseDateTime(event.occurredAt),
        receivedAt: receivedAt.toISOString(),
      },
    );
  }

  async function ingest(
    accountId: string,
    body: unknown,
    options: IngestOptions = {},
  ): Promise<AppendedEvent[]> {
    checkHeaderKey(options.idempotencyKey);
    const account = options.account ?? (await deps.store.accounts.get(accountId));
    if (!account) throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account with id "${accountId}"`);
    const now = clock();
    const { events, batch } = validateIngestBody(body, {
      catalog: deps.catalog,
      now: now.getTime(),
      retentionDays: account.retentionDays ?? deps.config.defaultRetentionDays,
      maxPayloadBytes: deps.config.maxPayloadBytes,
    });
    const pending = events.map((e, i) => toPending(e, keyFor(e, i, batch, options.idempotencyKey), now));
    const outcome = await committer.submit({ accountId, events: pending });
    if (!outcome.ok) throw outcome.error;
    return outcome.events;
  }

  return { ingest, flush: () => committer.flush() };
}
