/**
 * @module A child process for journal.test.ts: appends single events through the writer thread
 * (so they are journaled), prints what was acknowledged, and kills itself with SIGKILL before the
 * writer drains (its idle drain waits 100 ms). Arguments: database path, account id, event count.
 */
import { makePendingEvent } from '../conformance-fixtures.ts';
import { createSqliteStore } from './index.ts';

const [path, accountId, count] = process.argv.slice(2) as [string, string, string];
const store = createSqliteStore({ path });
await store.migrate();
const acknowledged = await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const [outcome] = await store.events.appendBatches([
      { accountId, events: [makePendingEvent({ idempotencyKey: `crash-${i}` })] },
    ]);
    if (!outcome?.ok) throw new Error('append failed');
    return outcome.events[0]!;
  }),
);
process.stdout.write(`${JSON.stringify(acknowledged)}\n`, () => process.kill(process.pid, 'SIGKILL'));
