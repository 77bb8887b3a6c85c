/**
 * @module Acknowledging a group only once it is durable, without making the writer wait for it.
 * The writer thread commits a group and hands its reply here (on the sync thread, sync-worker.ts);
 * the reply goes to the main thread once a WAL sync that started after it arrived has completed.
 * So an acknowledged event is on disk, and no reply waits for the writer's next group or drain.
 */
import type { WalSync } from './wal-sync.ts';
import { type AppendReply, type CommittedReply, serializeFailure } from './writer-protocol.ts';

/** Takes the replies of committed groups and sends each on once the WAL holding it is synced. */
export type DurableReplies = (reply: CommittedReply) => Promise<void>;

/**
 * Creates the relay over a WAL syncer. Replies that arrive while a sync runs share the next one; a
 * failed sync fails the replies that waited for it (their events may not be on disk).
 *
 * @example
 * const relay = createDurableReplies(createWalSync(path), (reply) => toMain.postMessage(reply));
 * fromWriter.on('message', relay);
 */
export function createDurableReplies(wal: WalSync, send: (reply: AppendReply) => void): DurableReplies {
  return async (reply) => {
    try {
      await wal.sync();
    } catch (error) {
      // An fs error: STORE_UNAVAILABLE, "append failed: <why>", as the appender reports one.
      send({ id: reply.id, failure: serializeFailure(error) });
      return;
    }
    send(reply);
  };
}
