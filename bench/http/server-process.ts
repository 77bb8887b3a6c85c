/**
 * @module The server under load, run in a child process so the load generator never shares its
 * event loop (or its CPU accounting). Started by {@link ./server-child.ts}; told what to run by
 * environment variables; reports its URL over IPC and shuts down cleanly on a "stop" message.
 *
 * BENCH_SERVER_MODE=auditlog — our app (createApp) on BENCH_DATABASE_URL.
 * BENCH_SERVER_MODE=noop     — a bare Fastify server whose POST /v1/events parses the JSON body and
 *                              answers 201 without storing anything: the HTTP ceiling.
 *
 * Our server also answers a "heads" message with each account's last seq, read through its own
 * store: what a warm-up run left, from which the measured run's durable events are counted.
 */
import Fastify from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/server/app.ts';
import { ingestBodyLimit } from '../../src/server/routes/events/post.ts';
import { openStore } from '../../src/store/open-store.ts';

/** Messages the child sends its parent. */
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'heads'; heads: Array<[accountId: string, seq: number]> };

/** Messages the parent sends the child. */
export type ParentMessage = { type: 'stop' } | { type: 'heads'; accountIds: string[] };

interface RunningServer {
  url: string;
  close(): Promise<void>;
  /** Each account's last seq, read through the server's own store (our server only). */
  heads?(accountIds: string[]): Promise<Array<[string, number]>>;
}

const BENCH_CONFIG = {
  host: '127.0.0.1',
  port: 0,
  // Request logs would measure pino writing to a pipe, which the no-op baseline does not do.
  logLevel: 'warn',
  // The defaults (6000/min per key) would throttle a load test into measuring the limiter.
  rateLimitIngest: 10_000_000,
  rateLimitRead: 10_000_000,
  // No retention job: it would delete a year-old data set in the middle of a run.
  retentionIntervalSeconds: 0,
};

async function startAuditlog(databaseUrl: string): Promise<RunningServer> {
  const config = loadConfig({}, { ...BENCH_CONFIG, databaseUrl });
  const store = await openStore(databaseUrl);
  const app = await createApp({ store, config });
  const url = await app.listen({ host: config.host, port: 0 });
  return {
    url,
    async close() {
      await app.close();
      await store.close();
    },
    heads: (accountIds) =>
      Promise.all(
        accountIds.map(async (id): Promise<[string, number]> => [id, (await store.events.head(id)).seq]),
      ),
  };
}

async function startNoop(): Promise<RunningServer> {
  const config = loadConfig({}, BENCH_CONFIG);
  const app = Fastify({ logger: false });
  app.post('/v1/events', { bodyLimit: ingestBodyLimit(config.maxPayloadBytes) }, async (_request, reply) =>
    reply.code(201).send({ data: [] }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

/** The message of a failure, with its stack when it has one. */
function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  try {
    const mode = process.env.BENCH_SERVER_MODE;
    const server =
      mode === 'noop' ? await startNoop() : await startAuditlog(process.env.BENCH_DATABASE_URL ?? '');
    process.on('message', (message: ParentMessage) => {
      if (message?.type === 'heads') {
        const heads =
          server.heads?.(message.accountIds) ??
          Promise.reject(new Error('the no-op server stores no events'));
        heads.then(
          (list) => send({ type: 'heads', heads: list }),
          (error: unknown) => send({ type: 'failed', message: describe(error) }),
        );
        return;
      }
      if (message?.type !== 'stop') return;
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
    send({ type: 'ready', url: server.url });
  } catch (error) {
    send({ type: 'failed', message: describe(error) });
    process.exit(1);
  }
}

await main();
