/**
 * @module The recorder CLI commands use for the changes they make: the same group committer the
 * server's ingest uses, over the command's own store, so the events join the account's chain.
 */
import { createRecorder, type Recorder } from '../access/recorder.ts';
import { createGroupCommitter } from '../ingest/group-commit.ts';
import type { Store } from '../store/types.ts';

/** A recorder writing to `store` (each record() resolves once the events are durable). */
export function systemRecorder(store: Store): Recorder {
  return createRecorder({ submitter: createGroupCommitter(store.events) });
}
