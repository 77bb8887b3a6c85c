/**
 * @module The fsync that makes an append durable, taken off the event loop. SQLite's
 * synchronous=FULL in WAL mode is synchronous=NORMAL plus one sync of the WAL file after each
 * commit; better-sqlite3 would make that sync block the whole process (~2–6 ms per commit here),
 * during which no request can even be parsed. So the appender commits with NORMAL and then syncs
 * the WAL itself on libuv's thread pool, and answers only once that sync is done: the same
 * guarantee (an acknowledged event survives power loss), while the next group is being written.
 * Checkpoints keep NORMAL's own syncs (WAL before copying, database file after).
 */
import { open } from 'node:fs/promises';

/** Syncs a database's WAL; concurrent callers share syncs. */
export interface WalSync {
  /** Resolves once a sync that started after this call has completed (so it covers every prior commit). */
  sync(): Promise<void>;
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates the syncer of the database file at `databasePath`. The WAL is opened per sync rather than
 * kept open, so a WAL that SQLite deletes (when the last connection closes) is never held on to.
 *
 * @example
 * const wal = createWalSync('/data/auditlog.db');
 * commitWithNormalSync();
 * await wal.sync(); // now durable
 */
export function createWalSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  async function once(): Promise<void> {
    try {
      await syncFile(walPath);
    } catch (error) {
      // No WAL means it was checkpointed into the database file and removed: sync that instead.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await syncFile(databasePath);
    }
  }

  function sync(): Promise<void> {
    if (!running) {
      running = once().finally(() => {
        running = null;
      });
      return running;
    }
    // The running sync may have started before the caller's commit was written: wait for the next
    // one, which every caller arriving meanwhile shares (one fsync per group of commits).
    next ??= running
      .catch(() => {})
      .then(() => {
        next = null;
        return sync();
      });
    return next;
  }

  return { sync };
}
