/**
 * @module A producer process for the kill -9 test: publishes N events into a durable outbox while
 * Auditlog is unreachable, says so on stdout, and then waits to be killed.
 */
import { createAuditlogClient } from '@auditlog/client';

const { OUTBOX_PATH, AUDITLOG_URL, COUNT, PREFIX } = process.env;
const client = createAuditlogClient({
  url: AUDITLOG_URL!,
  apiKey: 'alk_unused',
  outbox: { path: OUTBOX_PATH!, mode: 'durable' },
  logger: { warn: () => {}, error: () => {} },
});
for (let i = 0; i < Number(COUNT); i++) {
  await client.publish({
    category: 'settings',
    operation: 'update',
    actor: { type: 'user', id: 'u_child' },
    requestId: `${PREFIX}-${i}`,
    status: 'success',
  });
}
process.stdout.write(`published ${COUNT}\n`);
// Stay alive until killed: the point is that nothing after publish() is needed for durability.
setInterval(() => {}, 1000);
