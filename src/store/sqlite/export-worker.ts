/**
 * @module The body of the SQLite export thread (see export-thread.ts): a read-only connection to
 * the database file and the exporter over it, answering one page request at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isAuditlogError } from '../../errors.ts';
import { BUSY_TIMEOUT_MS, createStatementCache } from './database.ts';
import { createDetailDictionaries } from './dictionary.ts';
import { createExporter } from './export.ts';
import type { ExportReply, ExportRequest } from './export-thread.ts';
import { createVocabulary } from './vocabulary.ts';

const port = parentPort;
if (!port) throw new Error('export-worker.ts runs only as a worker thread');

const { path } = workerData as { path: string };
// Read-only: this connection can never write, whatever a bug asks of it. The database is migrated
// and in WAL mode already (the store opened it first), so reads here never wait for the writers.
const db = new Database(path, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
// A page is read once, in rowid order: a large page cache would only add to the process's RSS.
db.pragma('cache_size = -4096');
const statements = createStatementCache(db);
const keys = new Map<string, number>();
const keyOf = (accountId: string): number | undefined => {
  let key = keys.get(accountId);
  if (key === undefined) {
    key = statements
      .get('SELECT account_key FROM event_accounts WHERE account_id = ?')
      .pluck()
      .get(accountId) as number | undefined;
    if (key !== undefined) keys.set(accountId, key);
  }
  return key;
};
const dictionaries = createDetailDictionaries(db, () => new Date());
const exportPage = createExporter(statements, keyOf, dictionaries.byId, createVocabulary(statements));

port.on('message', (request: ExportRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: ExportReply;
  try {
    reply = { id: request.id, page: exportPage(request.accountId, request.query) };
  } catch (error) {
    const code = isAuditlogError(error) ? error.code : undefined;
    reply = { id: request.id, failure: { code, message: (error as Error).message } };
  }
  port.postMessage(reply);
});
port.postMessage('ready' satisfies ExportReply);
