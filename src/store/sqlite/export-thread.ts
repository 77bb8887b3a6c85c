/**
 * @module The SQLite export thread. Building an export page (reading its rows, inflating the
 * payload blocks, writing each event's JSON) costs the main thread ~11 µs per event, more than the
 * HTTP response that sends it; on a worker with its own read-only connection it overlaps with the
 * writes of the page before (exportChunks asks for the next page before sending the current one),
 * and other requests are not held up meanwhile.
 */
import { Worker } from 'node:worker_threads';
import { AuditlogError, type ErrorCode } from '../../errors.ts';
import type { ExportPage, ExportQuery } from '../types.ts';

const ENTRY = new URL('./export-worker.mjs', import.meta.url);
/**
 * An idle thread closes its connection and ends after this long, so a store that was closed (or
 * an export that ended) leaves nothing open for long; the next export starts it again.
 */
const IDLE_MS = 5_000;
/** After a thread died before it was ready, pages are read by the caller for this long. */
const RETRY_AFTER_MS = 60_000;

/** A request to the thread. */
export interface ExportRequest {
  id: number;
  accountId: string;
  query: ExportQuery;
}

/**
 * The thread's answer: the page, or why it failed (its AuditlogError code, if it had one); or
 * 'ready' once, when it can take requests.
 */
export type ExportReply =
  | 'ready'
  | { id: number; page: ExportPage }
  | { id: number; failure: { code: ErrorCode | undefined; message: string } };

/** Pages read on the export thread. */
export interface ExportThread {
  /**
   * The page, read on the thread; undefined while the thread is starting (this call starts it),
   * for the caller to read the page itself: a short export never waits for a thread to start.
   */
  exportPage(accountId: string, query: ExportQuery): Promise<ExportPage> | undefined;
  /** Ends the thread after the pages in flight; the next exportPage starts it again. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (page: ExportPage) => void;
  reject: (error: unknown) => void;
}

/** A running thread and the pages it still owes. */
interface Thread {
  worker: Worker;
  ready: boolean;
  exited: boolean;
  pending: Map<number, Pending>;
}

function rebuildFailure(failure: { code: ErrorCode | undefined; message: string }): Error {
  return failure.code ? new AuditlogError(failure.code, failure.message) : new Error(failure.message);
}

/** Asks a thread to end once it has answered every request before this one. */
function stop(thread: Thread): Promise<void> {
  if (thread.exited) return Promise.resolve();
  const exited = new Promise<void>((done) => thread.worker.once('exit', () => done()));
  thread.worker.postMessage('close');
  return exited;
}

/** Starts a thread; `onIdle` runs whenever it has answered every request. */
function start(path: string, onIdle: (thread: Thread) => void): Thread {
  const worker = new Worker(ENTRY, { workerData: { path }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const thread: Thread = { worker, ready: false, exited: false, pending: new Map() };
  // Only pages in flight keep the process alive (see exportPage), not a thread starting.
  worker.unref();
  const failAll = (error: unknown) => {
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  };
  thread.worker.on('message', (reply: ExportReply) => {
    if (reply === 'ready') {
      thread.ready = true;
      return onIdle(thread);
    }
    const p = thread.pending.get(reply.id);
    if (!p) return;
    thread.pending.delete(reply.id);
    if ('failure' in reply) p.reject(rebuildFailure(reply.failure));
    else p.resolve(reply.page);
    if (thread.pending.size === 0) onIdle(thread);
  });
  thread.worker.on('error', (error) => {
    const message = `the export thread failed: ${error.message}`;
    failAll(new AuditlogError('STORE_UNAVAILABLE', message, { cause: error }));
  });
  thread.worker.on('exit', () => {
    thread.exited = true;
    failAll(new AuditlogError('STORE_UNAVAILABLE', 'the export thread exited'));
  });
  return thread;
}

/**
 * The export thread of the (migrated, WAL-mode) database at `path`. It starts on the first page
 * asked for, and again after it died or idled out: a crash costs the pages in flight, not the store.
 */
export function createExportThread(path: string): ExportThread {
  let current: Thread | undefined;
  let nextId = 1;
  let idle: NodeJS.Timeout | undefined;
  let retryAt = 0;

  const retire = (thread: Thread) => {
    if (current === thread) current = undefined;
    return stop(thread);
  };
  const onIdle = (thread: Thread) => {
    // An idle thread must not keep the process alive, nor its connection open for long.
    thread.worker.unref();
    clearTimeout(idle);
    idle = setTimeout(() => void retire(thread), IDLE_MS);
    idle.unref();
  };

  return {
    exportPage(accountId, query) {
      clearTimeout(idle);
      if (!current) {
        if (Date.now() < retryAt) return undefined;
        const thread = start(path, onIdle);
        thread.worker.once('exit', () => {
          if (current === thread) current = undefined;
          // A thread that cannot start must not be started again for every page.
          if (!thread.ready) retryAt = Date.now() + RETRY_AFTER_MS;
        });
        current = thread;
      }
      const thread = current;
      if (!thread.ready) return undefined;
      // Pages in flight keep the process alive; an idle thread does not (see onIdle).
      thread.worker.ref();
      const id = nextId++;
      return new Promise<ExportPage>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage({ id, accountId, query } satisfies ExportRequest);
      });
    },
    async close() {
      clearTimeout(idle);
      // The thread answers the requests already sent before it reads this one.
      if (current) await retire(current);
    },
  };
}
