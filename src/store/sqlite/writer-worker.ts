/**
 * @module The body of the SQLite writer thread (see writer-thread.ts): its own connection to the
 * database file and the appender over it. It takes append requests in order, writes each group
 * synchronously and answers once its WAL sync is done, so the next group is written while the
 * previous one syncs, exactly as the appender does on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAppender } from './append.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createDetailDictionaries } from './dictionary.ts';
import {
  type AppendReply,
  type AppendRequest,
  serializeFailure,
  serializeOutcomes,
} from './writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread');

const { path } = workerData as { path: string };
const db = openDatabase(path);
// Checkpoint every 4,000 pages (64 MiB at 16 KiB pages) instead of SQLite's 1,000: small groups
// from many accounts dirty hundreds of scattered index pages each, and a larger WAL lets a page
// that is rewritten by many groups be copied back to the database file once per checkpoint.
// (Groups of 100 single-event batches on the bench data set: ~435 µs of writer time per event with
// 1,000 pages, ~340 µs with 10,000; 4,000 bounds the WAL file at a size any disk can spare.)
db.pragma('wal_autocheckpoint = 4000');
const append = createAppender(
  db,
  createStatementCache(db),
  createDetailDictionaries(db, () => new Date()),
);

port.on('message', (request: AppendRequest | 'close') => {
  if (request === 'close') {
    // Every earlier request has been answered or is syncing; the connection closes after them.
    setImmediate(() => {
      db.close();
      port.close();
    });
    return;
  }
  append(request.batches).then(
    (outcomes) =>
      port.postMessage({ id: request.id, outcomes: serializeOutcomes(outcomes) } satisfies AppendReply),
    (error: unknown) =>
      port.postMessage({ id: request.id, failure: serializeFailure(error) } satisfies AppendReply),
  );
});
