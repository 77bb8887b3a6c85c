/**
 * @module `auditlog events export`: an operator's export of one account, read straight from the
 * database (like `purge`, it needs the database URL, not a credential), as NDJSON in seq order —
 * the same lines GET /v1/events/export sends. A file is written under `<file>.partial` and renamed
 * only once complete, so a failed export never looks like a finished one.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AuditlogError, isAuditlogError } from '../../errors.ts';
import { parseExportQuery, type RawExportQuery } from '../../query/export-query.ts';
import { EXPORT_PAGE_SIZE, exportChunks } from '../../query/export-stream.ts';
import type { ExportQuery, Store } from '../../store/types.ts';
import { configFrom, withStore } from '../context.ts';

interface ExportOptions {
  account: string;
  stream?: string;
  from?: string;
  to?: string;
  afterSeq?: string;
  out?: string;
}

/** The query of the options, validated like the HTTP parameters; a refusal names the options. */
function queryOf(options: ExportOptions, throughSeq: number): ExportQuery {
  const raw: RawExportQuery = { stream: options.stream, from: options.from, to: options.to };
  if (options.afterSeq !== undefined) raw.after_seq = options.afterSeq;
  try {
    const params = parseExportQuery(raw);
    return { ...params, throughSeq, limit: EXPORT_PAGE_SIZE };
  } catch (error) {
    if (!isAuditlogError(error)) throw error;
    const rules = error.violations.map(
      (v) => `--${v.field.replace('query/', '').replace('_', '-')} ${v.rule}`,
    );
    throw new AuditlogError('QUERY_INVALID', rules.join('; '));
  }
}

/** Writes the export to `out` (or stdout); resolves with the number of lines written. */
async function writeExport(
  store: Store,
  options: ExportOptions,
): Promise<{ lines: number; headSeq: number }> {
  if (!(await store.accounts.get(options.account)))
    throw new AuditlogError('ACCOUNT_NOT_FOUND', `No account "${options.account}"`);
  const head = await store.events.head(options.account);
  const query = queryOf(options, head.seq);
  let lines = 0;
  const counted = async function* () {
    for await (const chunk of exportChunks(store.events, options.account, query)) {
      lines += (chunk.match(/\n/g) ?? []).length;
      yield chunk;
    }
  };
  if (options.out === undefined) {
    await pipeline(Readable.from(counted()), process.stdout as Writable, { end: false });
    return { lines, headSeq: head.seq };
  }
  const partial = `${options.out}.partial`;
  await pipeline(Readable.from(counted()), createWriteStream(partial));
  await rename(partial, options.out);
  return { lines, headSeq: head.seq };
}

/** Registers `events export` on the `events` command group. */
export function registerExportCommand(events: Command, program: Command): void {
  events
    .command('export')
    .description("export an account's events as NDJSON in seq order, straight from the database")
    .requiredOption('--account <id>', 'the account to export')
    .option('--stream <streams>', 'central, media and/or access, comma-separated (default: all)')
    .option('--from <instant>', 'only events from this ISO 8601 time (inclusive)')
    .option('--to <instant>', 'only events before this ISO 8601 time')
    .option('--after-seq <seq>', "resume after this seq (an interrupted export's last line)")
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (options: ExportOptions) => {
      const config = configFrom(program.opts());
      const { lines, headSeq } = await withStore(config, (store) => writeExport(store, options));
      console.error(`Exported ${lines} events of ${options.account} (head seq ${headSeq}).`);
    });
}
