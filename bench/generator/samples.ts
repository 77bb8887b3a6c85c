/**
 * @module Query parameters drawn from the data actually loaded: while events stream into the store,
 * the collector keeps what the list benchmark will filter on for the largest account (its actors,
 * popular asset paths, a reservoir of request ids and of deep keyset positions). Saved beside a
 * database so `--reuse` can query it without regenerating.
 */
import type { PendingEvent } from '../../src/events/chain.ts';
import { mulberry32, type Random } from '../support/prng.ts';

type ProducerStream = 'central' | 'media';

/** Everything the list benchmark needs to build realistic, varied queries. */
export interface QuerySamples {
  accountId: string;
  /** Events the account holds. */
  events: number;
  firstOccurredAt: string;
  lastOccurredAt: string;
  actors: { stream: ProducerStream; id: string; events: number }[];
  operations: { stream: ProducerStream; operation: string }[];
  categories: { stream: ProducerStream; category: string }[];
  /** Media target paths with the most events, most popular first. */
  paths: { path: string; events: number }[];
  requestIds: { stream: ProducerStream; requestId: string }[];
  /** Positions anywhere in the account's history: a page after one of them is a deep keyset page. */
  keysets: { stream: ProducerStream; occurredAt: string; id: string }[];
  /** Free-text terms: asset file stems a person would type into the search box. */
  terms: string[];
}

const RESERVOIR = 512;

function reservoirAdd<T>(random: Random, pool: T[], seen: number, item: T): void {
  if (pool.length < RESERVOIR) pool.push(item);
  else {
    const slot = Math.floor(random() * seen);
    if (slot < RESERVOIR) pool[slot] = item;
  }
}

/** Collects {@link QuerySamples} for one account from the events as they are generated. */
export class SampleCollector {
  private readonly random: Random;
  private readonly actors = new Map<string, { stream: ProducerStream; id: string; events: number }>();
  private readonly operations = new Set<string>();
  private readonly categories = new Set<string>();
  private readonly paths = new Map<string, number>();
  private readonly requestIds: QuerySamples['requestIds'] = [];
  private readonly keysets: QuerySamples['keysets'] = [];
  private count = 0;
  private first = '';
  private last = '';

  constructor(
    readonly accountId: string,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  /** Observes one generated event (others' events are ignored). */
  observe(accountId: string, event: PendingEvent): void {
    if (accountId !== this.accountId) return;
    const stream = event.stream as ProducerStream;
    this.count++;
    if (!this.first) this.first = event.occurredAt;
    this.last = event.occurredAt;
    const actorKey = `${stream} ${event.actor.id}`;
    const actor = this.actors.get(actorKey) ?? { stream, id: event.actor.id, events: 0 };
    actor.events++;
    this.actors.set(actorKey, actor);
    this.operations.add(`${stream} ${event.operation}`);
    this.categories.add(`${stream} ${event.category}`);
    if (stream === 'media' && event.target?.path) {
      this.paths.set(event.target.path, (this.paths.get(event.target.path) ?? 0) + 1);
    }
    if (event.requestId)
      reservoirAdd(this.random, this.requestIds, this.count, { stream, requestId: event.requestId });
    reservoirAdd(this.random, this.keysets, this.count, {
      stream,
      occurredAt: event.occurredAt,
      id: event.id,
    });
  }

  /** The collected samples, ready to save as JSON. */
  result(): QuerySamples {
    const paths = [...this.paths.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 256)
      .map(([path, events]) => ({ path, events }));
    const split = <K extends string>(set: Set<string>, key: K) =>
      [...set].sort().map((s) => {
        const [stream, value] = s.split(' ') as [ProducerStream, string];
        return { stream, [key]: value } as { stream: ProducerStream } & Record<K, string>;
      });
    const terms = [
      ...new Set([...this.paths.keys()].map((p) => p.slice(p.lastIndexOf('/') + 1).replace(/\.\w+$/, ''))),
    ]
      .sort()
      .slice(0, 256);
    return {
      accountId: this.accountId,
      events: this.count,
      firstOccurredAt: this.first,
      lastOccurredAt: this.last,
      actors: [...this.actors.values()].sort((a, b) => b.events - a.events),
      operations: split(this.operations, 'operation'),
      categories: split(this.categories, 'category'),
      paths,
      requestIds: this.requestIds,
      keysets: this.keysets,
      terms,
    };
  }
}
