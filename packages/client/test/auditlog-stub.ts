/**
 * @module A tiny stand-in for Auditlog's ingest contract (POST /v1/events → 201, or a scripted
 * failure), for the SDK's retry, backoff and Retry-After unit tests only. Integration tests use the
 * real server (test/capture/).
 */
import Fastify, { type FastifyReply } from 'fastify';
import type { EventInput } from '../../../src/events/schema.ts';

/** One request the stub received. */
export interface Received {
  authorization: string | undefined;
  events: EventInput[];
}

/** Answers one request; return false to answer 201. */
export type Responder = (received: Received, reply: FastifyReply) => boolean | Promise<boolean>;

export interface Stub {
  url: string;
  received: Received[];
  /** Responders used in turn, one per request; when exhausted every request gets 201. */
  script: Responder[];
  /** Used when the script is exhausted (default: accept). */
  fallback: Responder | undefined;
  /**
   * Every event the stub holds, in the order first acknowledged. As on the real server, an event
   * whose idempotency key was already acknowledged is answered again but not held twice: a client
   * that gave up on a request the server still processed (it closed, or the request timed out)
   * resends it, and at-least-once delivery relies on that.
   */
  accepted: EventInput[];
  close(): Promise<void>;
}

/** A failure responder: status, optional problem body and headers. */
export function fail(status: number, problem: unknown = {}, headers: Record<string, string> = {}): Responder {
  return (_received, reply) => {
    reply.code(status).headers(headers).type('application/problem+json').send(problem);
    return true;
  };
}

/** Drops the connection without an answer (a network error for the client). */
export const hangUp: Responder = (_received, reply) => {
  reply.raw.destroy();
  return true;
};

/** Starts the stub on 127.0.0.1 with a free port. */
export async function startStub(): Promise<Stub> {
  // forceCloseConnections: a request the client aborted mid-way must not keep close() waiting.
  const app = Fastify({ bodyLimit: 32 * 1024 * 1024, forceCloseConnections: true });
  const keys = new Set<string>();
  const stub: Stub = {
    url: '',
    received: [],
    script: [],
    fallback: undefined,
    accepted: [],
    close: () => app.close(),
  };
  app.post('/v1/events', async (request, reply) => {
    const received: Received = {
      authorization: request.headers.authorization,
      events: (request.body as { events: EventInput[] }).events,
    };
    stub.received.push(received);
    const responder = stub.script.shift() ?? stub.fallback;
    if (responder && (await responder(received, reply))) return reply;
    for (const event of received.events) {
      const key = event.idempotencyKey;
      if (key != null && keys.has(key)) continue;
      if (key != null) keys.add(key);
      stub.accepted.push(event);
    }
    return reply.code(201).send({ data: received.events.map((_, i) => ({ id: String(i), seq: i + 1 })) });
  });
  stub.url = await app.listen({ host: '127.0.0.1', port: 0 });
  return stub;
}
