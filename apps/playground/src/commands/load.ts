/**
 * `photon load <db> <file|->`: imports JSON Lines in batches with a progress bar. Ctrl-C aborts
 * through the context's AbortSignal: the batch in progress is not committed, every earlier one is,
 * and the command says how many rows were loaded and exits with 130.
 */
import type { CommandSpec } from '../command.js';
import { intOption, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { importJsonLines, inputSizeBytes, openInput } from '../json-lines.js';
import { withDatabase } from '../open-database.js';
import { ProgressBar } from '../progress.js';
import { formatDuration, formatNumber } from '../text-output.js';
import { checkKeyFormat, checkValueFormat } from '../value-format.js';

export const loadCommand: CommandSpec = {
  name: 'load',
  summary: 'Import JSON Lines ({"key": ..., "value": ..., "table"?: ...}) with a progress bar.',
  description: 'Creates the database and any named tables when missing. Each batch is one transaction; Ctrl-C stops cleanly between batches.',
  positionals: [
    { name: 'db', description: 'database directory (created when missing)' },
    { name: 'file', description: 'JSON Lines file, or - for stdin' },
  ],
  options: {
    table: { type: 'string', valueName: 'name', description: 'table for rows without a "table" field' },
    batch: { type: 'string', valueName: 'rows', description: 'rows per transaction', default: '1000' },
    'key-encoding': { type: 'string', valueName: 'enc', description: 'utf8 | hex | datum', default: 'utf8' },
    'value-encoding': { type: 'string', valueName: 'enc', description: 'datum | json | utf8 | hex', default: 'datum' },
    'no-sync': { type: 'boolean', description: 'do not fsync each batch (faster; a power loss may lose the last batches)' },
  },
  readOnly: false,
  examples: ['photon load ./mydb data.jsonl', 'photon dump ./a | photon load ./b -'],
  async run(args, ctx) {
    const [path, file] = args.positionals;
    const keyFormat = checkKeyFormat(stringOption(args, 'key-encoding') ?? 'utf8');
    const valueFormat = checkValueFormat(stringOption(args, 'value-encoding') ?? 'datum');
    const batchRows = intOption(args, 'batch', 1000, 1, 1_000_000, 'load');
    const sizeBytes = inputSizeBytes(file);
    const table = stringOption(args, 'table');
    const started = Date.now();
    return withDatabase(path, { create: true, sync: args.values['no-sync'] !== true }, async (db) => {
      if (table && table !== 'default' && !db.tables().includes(table)) await db.createTable(table);
      const bar = sizeBytes === undefined ? undefined : new ProgressBar(ctx.stderr, 'loading', sizeBytes, 'bytes');
      const result = await importJsonLines(db, openInput(file, ctx.stdin), {
        keyFormat,
        valueFormat,
        batchRows,
        ...(table ? { table } : {}),
        signal: ctx.signal,
        onProgress: (rows, bytes) => (bar ? bar.update(bytes) : undefined),
      });
      bar?.finish();
      const took = formatDuration(Date.now() - started);
      if (result.cancelled) {
        ctx.stderr.write(`cancelled: ${formatNumber(result.rows)} rows in ${result.batches} batches were committed; the batch in progress was not\n`);
        return EXIT.CANCELLED;
      }
      ctx.stdout.write(`loaded ${formatNumber(result.rows)} rows in ${result.batches} batches (${took})` +
        (result.tablesCreated.length ? `; created tables ${result.tablesCreated.join(', ')}` : '') + '\n');
      return EXIT.OK;
    });
  },
};
