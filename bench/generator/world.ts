/**
 * @module The synthetic tenants of a benchmark: ~50 accounts (one holding ~40% of events, the rest a
 * Zipf tail), ~200 actors spread over them, and per-account pools of assets and targets.
 */
import type { Actor } from '../../src/events/schema.ts';
import { intBetween, mulberry32, pick, type Random } from '../support/prng.ts';
import {
  API_CLIENT_AGENTS,
  ASSET_WORDS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  EXTENSIONS,
  FIRST_NAMES,
  FOLDERS,
  LAST_NAMES,
  SUBFOLDERS,
  USER_AGENTS,
} from './vocabulary.ts';

/** An actor with the network details its events carry. */
export interface BenchActor {
  actor: Actor;
  ips: string[];
  userAgent: string;
}

/** One synthetic tenant. */
export interface BenchAccount {
  id: string;
  name: string;
  /** Share of all events, summing to 1 over the world. */
  weight: number;
  actors: BenchActor[];
  /** Media Library asset paths; lower indexes are drawn more often. */
  assetPaths: string[];
}

export interface World {
  accounts: BenchAccount[];
  /** The account holding ~40% of events: the one list and export benchmarks query. */
  largest: BenchAccount;
}

export interface WorldOptions {
  seed: number;
  accounts?: number;
  /** Share of all events held by the largest account. */
  largestShare?: number;
  /** Actors in total, approximately (each account has at least one). */
  actors?: number;
}

function ipFor(random: Random): string {
  if (random() < 0.15) {
    const hex = () => intBetween(random, 0, 0xffff).toString(16);
    return `2001:db8:${hex()}:${hex()}::${hex()}`;
  }
  return `${intBetween(random, 11, 223)}.${intBetween(random, 0, 255)}.${intBetween(random, 0, 255)}.${intBetween(random, 1, 254)}`;
}

function makeActor(random: Random, accountIndex: number, actorIndex: number, domain: string): BenchActor {
  const roll = random();
  const ips = Array.from({ length: intBetween(random, 1, 3) }, () => ipFor(random));
  if (roll < 0.03 && actorIndex > 0) {
    return {
      actor: { type: 'system', id: 'system', name: 'Scheduler' },
      ips,
      userAgent: 'auditlog-scheduler/1.0',
    };
  }
  if (roll < 0.15 && actorIndex > 0) {
    const id = `key_${accountIndex}_${actorIndex}`;
    return {
      actor: { type: 'api_key', id, name: `${pick(random, FOLDERS)} sync key` },
      ips,
      userAgent: pick(random, API_CLIENT_AGENTS),
    };
  }
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const actor: Actor = {
    type: 'user',
    id: `usr_${accountIndex}_${actorIndex}`,
    email: `${first}.${last}${actorIndex}@${domain}`,
    name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
  };
  return { actor, ips, userAgent: pick(random, USER_AGENTS) };
}

function makeAssetPaths(random: Random, count: number): string[] {
  const paths = new Set<string>();
  while (paths.size < count) {
    const depth = intBetween(random, 1, 3);
    const folders = [
      pick(random, FOLDERS),
      ...Array.from({ length: depth - 1 }, () => pick(random, SUBFOLDERS)),
    ];
    const file = `${pick(random, ASSET_WORDS)}-${intBetween(random, 1, 99_999)}.${pick(random, EXTENSIONS)}`;
    paths.add(`/${folders.join('/')}/${file}`);
  }
  return [...paths];
}

/**
 * Builds the tenants deterministically from the seed.
 *
 * @example
 * const world = createWorld({ seed: 1 });
 * world.accounts.length; // 50
 * world.largest.weight; // 0.4
 */
export function createWorld(options: WorldOptions): World {
  const random = mulberry32(options.seed);
  const count = options.accounts ?? 50;
  const largestShare = options.largestShare ?? 0.4;
  const totalActors = options.actors ?? 200;
  const largestActors = Math.round(totalActors * 0.2);
  const tail = Array.from({ length: count - 1 }, (_, k) => 1 / (k + 1));
  const tailSum = tail.reduce((a, b) => a + b, 0);
  const weights = [largestShare, ...tail.map((w) => ((1 - largestShare) * w) / tailSum)];
  const accounts = weights.map((weight, index): BenchAccount => {
    const word = COMPANY_WORDS[index % COMPANY_WORDS.length] as string;
    const suffix = COMPANY_SUFFIXES[Math.floor(index / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length];
    const name = `${word[0]?.toUpperCase()}${word.slice(1)} ${suffix}`;
    const domain = `${word}-${suffix}.example`;
    const actorCount =
      index === 0
        ? largestActors
        : Math.max(1, Math.round(((totalActors - largestActors) * (tail[index - 1] ?? 0)) / tailSum));
    const actors = Array.from({ length: actorCount }, (_, a) => makeActor(random, index, a, domain));
    const assetPaths = makeAssetPaths(random, Math.max(50, Math.round(20_000 * weight)));
    return { id: `acc_bench_${String(index).padStart(2, '0')}`, name, weight, actors, assetPaths };
  });
  return { accounts, largest: accounts[0] as BenchAccount };
}
