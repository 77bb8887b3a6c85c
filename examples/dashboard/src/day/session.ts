/**
 * @module The day-in-the-life script's HTTP side: a session that sends real `fetch` requests as a
 * named user from a given IP (via X-Forwarded-For, as a load balancer would), counts them, and
 * stops the script when a response is not the one the script expected.
 */

/** One request of the script: who, from where, what, and the status the script expects. */
export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The status the scripted step must get; anything else aborts the run. */
  expect: number;
}

/** Counters of a run. */
export interface DaySummary {
  /** Every request sent. */
  requests: number;
  /** Requests answered with a 4xx or 5xx (all of them expected by the script). */
  failures: number;
  /** Requests other than GET: the ones the audit plugin records. */
  writes: number;
}

/** A deterministic pseudo-random source (mulberry32), so a seed always replays the same day. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** Builds the seeded random source. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** A person of the script: their dashboard user id, browser, and the addresses they work from. */
export interface Persona {
  userId: string;
  userAgent: string;
  ips: readonly string[];
}

/** What a scene gets: a way to act as a persona, and the random source. */
export interface Session {
  /** Sends `call` as `persona` from one of their IPs (or `ip`); resolves to the parsed JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: the script reads ids from many response shapes.
  as(persona: Persona, call: Call, ip?: string): Promise<any>;
  random: Random;
  summary: DaySummary;
}

/**
 * A session against the dashboard at `baseUrl`. With `replayFrom`, each request carries a simulated
 * time (X-Demo-Time) starting there and advancing a few minutes per request, so a dashboard started
 * with `replayClock` records the day as if it had happened then.
 */
export function createSession(baseUrl: string, random: Random, replayFrom?: Date): Session {
  const summary: DaySummary = { requests: 0, failures: 0, writes: 0 };
  let simulated = replayFrom?.getTime();
  return {
    random,
    summary,
    async as(persona, call, ip) {
      const headers: Record<string, string> = {
        'x-demo-user': persona.userId,
        'user-agent': persona.userAgent,
        'x-forwarded-for': ip ?? random.pick(persona.ips),
      };
      if (simulated !== undefined) {
        simulated += random.int(1, 9) * 60_000 + random.int(0, 59_999);
        headers['x-demo-time'] = new Date(simulated).toISOString();
      }
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(new URL(call.path, baseUrl), {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      summary.requests += 1;
      if (call.method !== 'GET') summary.writes += 1;
      if (response.status >= 400) summary.failures += 1;
      const text = await response.text();
      if (response.status !== call.expect) {
        throw new Error(
          `${persona.userId} ${call.method} ${call.path}: expected ${call.expect}, got ${response.status} ${text}`,
        );
      }
      return text === '' ? null : JSON.parse(text);
    },
  };
}
