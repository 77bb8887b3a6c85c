/**
 * @module A list row read as an array gives the summary the same row read as an object gives,
 * whichever optional members it has.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOk } from '../conformance/helpers.ts';
import { makePendingEvent } from '../conformance-fixtures.ts';
import { rowToSummary, SUMMARY_COLUMNS } from './codec.ts';
import { createStatementCache, openDatabase } from './database.ts';
import { createSqliteStore } from './index.ts';
import { type ListRow, listRowToSummary } from './list-row.ts';
import { type CodedColumns, createVocabulary } from './vocabulary.ts';

const dir = mkdtempSync(join(tmpdir(), 'auditlog-list-row-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('list rows as arrays', () => {
  it('summarize as the same rows read as objects do', async () => {
    const path = join(dir, 'auditlog.db');
    const store = createSqliteStore({ path });
    await store.migrate();
    await appendOk(store, 'acme', [
      makePendingEvent(),
      makePendingEvent({
        stream: 'media',
        actor: { type: 'api_key', id: 'key_1' },
        target: { type: 'asset', id: 'as_1', path: '/img/a.png' },
        api: null,
        ip: '2001:db8::1',
        httpStatus: null,
        status: 'failure',
        requestId: 'req_1',
      }),
      makePendingEvent({ target: null, ip: null, actor: { type: 'user', id: 'u2', name: 'Only a name' } }),
    ]);
    await store.close();

    const db = openDatabase(path);
    const statements = createStatementCache(db);
    const vocabulary = createVocabulary(statements);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM events ORDER BY row_key`;
    const asObjects = (db.prepare(sql).all() as CodedColumns[]).map((row) =>
      rowToSummary(vocabulary.expand(row) as unknown as Parameters<typeof rowToSummary>[0]),
    );
    const asArrays = (db.prepare(sql).raw(true).all() as ListRow[]).map((row) =>
      listRowToSummary(row, vocabulary),
    );
    db.close();

    expect(asObjects.map((summary) => summary.requestId)).toEqual([null, 'req_1', null]);
    expect(asArrays).toEqual(asObjects);
  });
});
