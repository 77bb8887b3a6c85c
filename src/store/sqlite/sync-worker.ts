/**
 * @module The body of the SQLite sync thread (see writer-thread.ts). The writer thread commits each
 * group without syncing the WAL and posts its reply here; this thread syncs the WAL and passes the
 * reply on to the main thread (durable-replies.ts). On the writer's own event loop, the callbacks
 * of a sync waited for whatever the writer was doing when the sync finished: the next group, or a
 * journal drain of 50–150 ms, which held every acknowledgement in flight behind it.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { createDurableReplies } from './durable-replies.ts';
import { createWalSync } from './wal-sync.ts';
import type { CommittedReply } from './writer-protocol.ts';

const { path, fromWriter, toMain } = workerData as {
  path: string;
  fromWriter: MessagePort;
  toMain: MessagePort;
};

const relay = createDurableReplies(createWalSync(path), (reply) => toMain.postMessage(reply));
// The thread lives as long as the writer: the main thread ends it when the writer has ended.
fromWriter.on('message', (reply: CommittedReply) => void relay(reply));
