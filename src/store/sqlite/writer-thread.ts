/**
 * @module The SQLite writer thread. An append costs far more CPU than the HTTP request that carries
 * it (sealing, compressing, writing eight indexes and the free-text index, committing), and on the
 * main thread that work stops every other request from being parsed meanwhile. So event appends
 * run on a worker thread with its own connection; the main thread's connection keeps every read and
 * the rare other writes (accounts, members, retention), which SQLite serialises with the appends
 * through its write lock (busy_timeout). A reply comes only after the commit and its WAL sync, so
 * what appendBatches resolved is durable and visible to the main connection's next read.
 *
 * The sync runs on a second thread (sync-worker.ts), which also sends the reply: on the writer's
 * own event loop a finished sync waited for the writer's next group or journal drain to end before
 * its group could be answered. With 50 single-event appenders (bench measurement 3) that put the
 * p99 latency of an acknowledgement at 184–287 ms; with the sync thread, 82–104 ms in most runs.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { AuditlogError } from '../../errors.ts';
import type { AppendBatch, AppendOutcome } from '../types.ts';
import {
  type AppendReply,
  type AppendRequest,
  type DrainRequest,
  rebuildError,
  rebuildOutcomes,
} from './writer-protocol.ts';

const WRITER_ENTRY = new URL('./writer-worker.mjs', import.meta.url);
const SYNC_ENTRY = new URL('./sync-worker.mjs', import.meta.url);

/** Appends through the writer thread. */
export interface WriterThread {
  append(batches: AppendBatch[]): Promise<AppendOutcome[]>;
  /** Resolves once every event journaled before this call is in the events table. */
  drain(): Promise<void>;
  /** Waits for every append in flight, then closes the thread's connection and ends it. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (outcomes: AppendOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Starts the writer thread for the (migrated) database at `path`. The thread starts on the first
 * append and again after it died, so a crash costs the appends in flight, not the store.
 */
export function createWriterThread(path: string): WriterThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: unknown) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const answer = (reply: AppendReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('failure' in reply) p.reject(rebuildError(reply.failure));
    else p.resolve(rebuildOutcomes(reply.outcomes));
  };
  const failed = (thread: string) => (error: Error) =>
    failAll(
      new AuditlogError('STORE_UNAVAILABLE', `the ${thread} thread failed: ${error.message}`, {
        cause: error,
      }),
    );

  /** The writer and its sync thread: the writer posts committed groups' replies to the syncer. */
  const start = (): Worker => {
    const toSyncer = new MessageChannel();
    const replies = new MessageChannel();
    const syncer = new Worker(SYNC_ENTRY, {
      workerData: { path, fromWriter: toSyncer.port2, toMain: replies.port1 },
      transferList: [toSyncer.port2, replies.port1],
    });
    const w = new Worker(WRITER_ENTRY, {
      workerData: { path, toSyncer: toSyncer.port1 },
      transferList: [toSyncer.port1],
    });
    // Durable replies come from the syncer; failures that need no sync, and drains, from the writer.
    replies.port2.on('message', answer);
    w.on('message', answer);
    w.on('error', failed('writer'));
    // A syncer that dies takes the writer with it, so the next append starts both afresh.
    syncer.on('error', (error) => {
      failed('sync')(error);
      void w.terminate();
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      failAll(new AuditlogError('STORE_UNAVAILABLE', 'the writer thread exited'));
      replies.port2.close();
      void syncer.terminate();
    });
    // Idle threads must not keep the process alive; requests in flight do (see request()).
    syncer.unref();
    replies.port2.unref();
    w.unref();
    return w;
  };

  const inFlight = new Set<Promise<unknown>>();
  const request = (message: (id: number) => AppendRequest | DrainRequest): Promise<AppendOutcome[]> => {
    worker ??= start();
    const w = worker;
    const id = nextId++;
    // Requests in flight keep the process alive; an idle writer does not.
    w.ref();
    const reply = new Promise<AppendOutcome[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage(message(id));
    });
    const settled = reply.then(
      () => {},
      () => {},
    );
    inFlight.add(settled);
    void settled.then(() => {
      inFlight.delete(settled);
      if (pending.size === 0) w.unref();
    });
    return reply;
  };
  return {
    append: (batches) => request((id) => ({ id, batches })),
    async drain() {
      await request((id) => ({ id, drain: true }));
    },
    async close() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      await Promise.all(inFlight);
      const exited = new Promise((done) => w.once('exit', done));
      w.ref();
      w.postMessage('close');
      await exited;
    },
  };
}
