/**
 * @module The body of the SQLite writer thread (see writer-thread.ts): its own connection to the
 * database file and the committer over it. It takes append requests in order, commits each group
 * synchronously and hands the reply to the sync thread (sync-worker.ts), which answers once the WAL
 * is synced; meanwhile this thread writes the next group.
 *
 * Small batches go to the ingest journal (journal.ts); this thread drains it (journal-drain.ts)
 * when it holds DRAIN_AT events, when no append came for IDLE_DRAIN_MS, at the latest
 * MAX_JOURNAL_AGE_MS after the first undrained event, when a reader asks (drain requests), on
 * start (what a crash left) and before closing. The drain at DRAIN_AT goes in slices of at most
 * DRAIN_SLICE events, each in a turn of its own, so the appends queued meanwhile are written
 * between slices instead of waiting for the whole drain.
 *
 * When appends pause for IDLE_DRAIN_MS, this thread also merges the trigram index a step per turn
 * (search-merge.ts) until nothing is left to merge or an append or drain request comes.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { createCommitter } from './commit.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createDetailDictionaries } from './dictionary.ts';
import { createIngestJournal } from './journal.ts';
import { createJournalDrain } from './journal-drain.ts';
import { createSearchMerger } from './search-merge.ts';
import {
  type AppendReply,
  type AppendRequest,
  type CommittedReply,
  type DrainRequest,
  serializeFailure,
  serializeOutcomes,
} from './writer-protocol.ts';

/**
 * Journaled events that trigger a drain. Larger drains put more events of each account on each
 * index page (fewer WAL bytes per event) but stall the appends queued behind them for longer (a
 * drain costs ~150 µs of this thread per event). 50 concurrent single-event appenders, bench data
 * set: 2,000 -> ~4,200 events/s, 500 -> ~3,800, never draining -> ~4,900 (unbounded journal).
 */
const DRAIN_AT = 2000;
/**
 * A pause in appends this long is spent draining. Not shorter: under load the writer pauses for
 * every WAL sync (5–30 ms), and a drain at each pause moved ~50 events at a time, at ~2,400
 * events/s instead of ~4,200. Readers never wait for it: they ask for a drain themselves.
 */
const IDLE_DRAIN_MS = 100;
/** Bounds how long an event stays journaled under a steady trickle that never pauses 100 ms. */
const MAX_JOURNAL_AGE_MS = 2000;
/**
 * Events per slice of a drain at DRAIN_AT: whole accounts while they fit (so an account's events
 * still share pages and blocks as in one drain), the busiest account in runs of this many. A slice
 * takes ~16 ms of this thread (p90 ~27), during which appends wait. Slices of 500 whole accounts
 * took ~50 ms, up to 150 (the busiest account in one go), and put the p99 latency of single-event
 * appends at 82–104 ms against 48–72 with 200 (bench measurement 3, 50 connections, with the sync
 * thread), for the same throughput within this machine's noise.
 */
const DRAIN_SLICE = 200;

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread');

/** `toSyncer`: the sync thread's port, which the replies of committed groups go to. */
const { path, toSyncer } = workerData as { path: string; toSyncer: MessagePort };
const db = openDatabase(path);
// Checkpoint every 4,000 pages (64 MiB at 16 KiB pages) instead of SQLite's 1,000: small groups
// from many accounts dirty hundreds of scattered index pages each, and a larger WAL lets a page
// that is rewritten by many groups be copied back to the database file once per checkpoint.
// (Groups of 100 single-event batches on the bench data set: ~435 µs of writer time per event with
// 1,000 pages, ~340 µs with 10,000; 4,000 bounds the WAL file at a size any disk can spare.)
db.pragma('wal_autocheckpoint = 4000');
const statements = createStatementCache(db);
const dictionaries = createDetailDictionaries(db, () => new Date());
const journal = createIngestJournal(statements);
const commit = createCommitter(db, statements, dictionaries, journal);
const drainer = createJournalDrain(db, statements, dictionaries, journal);
const merger = createSearchMerger(db);

let idle: NodeJS.Timeout | undefined;
let oldest = 0;
/** While a sliced drain runs: the account key its next slice starts after, and when it began. */
let slicing: { after: number; startedAt: number } | undefined;

function drain(): void {
  clearTimeout(idle);
  idle = undefined;
  slicing = undefined;
  drainer.drain();
}

/** The next slice, after the appends that queued up during the last one. */
function nextSlice(): void {
  setImmediate(() => {
    if (!slicing) return;
    let last: number | null = null;
    try {
      last = drainer.drainAccounts(slicing.after, DRAIN_SLICE);
    } catch {
      // Left journaled: the idle drain, the age bound or a reader drains it.
    }
    if (last !== null) {
      slicing.after = last;
      nextSlice();
      return;
    }
    // Every event journaled before the drain began is drained: the age bound restarts there.
    oldest = Math.max(oldest, slicing.startedAt);
    slicing = undefined;
    if (journal.pending() === 0) {
      clearTimeout(idle);
      idle = undefined;
    }
  });
}

let merging: NodeJS.Immediate | undefined;
let quiet: NodeJS.Timeout | undefined;

/** A merge step per turn, so that a request arriving meanwhile waits at most one step. */
function mergeWhileIdle(): void {
  merging = setImmediate(() => {
    merging = undefined;
    let merged = false;
    try {
      merged = merger.step();
    } catch {
      // Merging is an optimisation: the next pause tries again.
    }
    if (merged) mergeWhileIdle();
  });
}

/** Every request stops the merging; the next pause of IDLE_DRAIN_MS resumes it. */
function stopMerging(): void {
  clearImmediate(merging);
  merging = undefined;
}

/** (Re)arms the pause after which merging starts. */
function mergeAfterPause(): void {
  if (quiet) quiet.refresh();
  else quiet = setTimeout(mergeWhileIdle, IDLE_DRAIN_MS);
}

/** A timed drain that fails leaves the rows journaled: the next drain (or reader) tries again. */
function drainQuietly(): void {
  try {
    drain();
  } catch {
    // Readers ask for a drain before reading and receive its failure themselves.
  }
}

function scheduleDrain(): void {
  const pending = journal.pending();
  if (pending === 0) return;
  if (idle && Date.now() - oldest >= MAX_JOURNAL_AGE_MS) {
    drainQuietly();
    return;
  }
  if (pending >= DRAIN_AT && !slicing) {
    slicing = { after: -1, startedAt: Date.now() };
    nextSlice();
  }
  if (idle) {
    idle.refresh();
    return;
  }
  oldest = Date.now();
  idle = setTimeout(drainQuietly, IDLE_DRAIN_MS);
}

// What a crash (of this process or another) left journaled is indexed before anything else. A
// drain that fails here must not stop appends: readers ask again and receive the failure.
drainQuietly();

port.on('message', (request: AppendRequest | DrainRequest | 'close') => {
  stopMerging();
  if (request === 'close') {
    clearTimeout(quiet);
    // Every earlier request has been answered (close() waits for them); the connection closes now.
    setImmediate(() => {
      stopMerging();
      drainQuietly();
      db.close();
      toSyncer.close();
      port.close();
    });
    return;
  }
  if ('drain' in request) {
    let reply: AppendReply;
    try {
      drain();
      reply = { id: request.id, outcomes: [] };
    } catch (error) {
      reply = { id: request.id, failure: serializeFailure(error) };
    }
    port.postMessage(reply);
    return;
  }
  let reply: CommittedReply;
  try {
    reply = { id: request.id, outcomes: serializeOutcomes(commit(request.batches)) };
  } catch (error) {
    // Nothing was committed: the failure needs no sync.
    port.postMessage({ id: request.id, failure: serializeFailure(error) } satisfies AppendReply);
    return;
  }
  toSyncer.postMessage(reply);
  // The group is committed; drain while its WAL sync runs.
  scheduleDrain();
  mergeAfterPause();
});
