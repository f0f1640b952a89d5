/** `photon dump <db>`: entries as JSON Lines on stdout (or `--out file`), optionally a range. */
import { createWriteStream } from 'node:fs';
import type { CommandSpec, ParsedArgs } from '../command.js';
import { flag, intOption, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { checkTable } from '../inspect.js';
import { exportJsonLines } from '../json-lines.js';
import type { ExportOptions } from '../json-lines.js';
import { withDatabase } from '../open-database.js';
import { checkKeyFormat, checkValueFormat, parseKey } from '../value-format.js';
import type { KeyFormat } from '../value-format.js';

/** The encoding and range options shared by dump and the REPL's .export. */
export const RANGE_OPTIONS = {
  table: { type: 'string', valueName: 'name', description: 'table to read (default: the default keyspace)' },
  prefix: { type: 'string', valueName: 'key', description: 'only keys starting with this' },
  gte: { type: 'string', valueName: 'key', description: 'only keys >= this' },
  lt: { type: 'string', valueName: 'key', description: 'only keys < this' },
  limit: { type: 'string', valueName: 'n', description: 'at most n entries' },
  reverse: { type: 'boolean', description: 'largest key first' },
  'key-encoding': { type: 'string', valueName: 'enc', description: 'utf8 | hex | datum', default: 'utf8' },
  'value-encoding': { type: 'string', valueName: 'enc', description: 'datum | json | utf8 | hex | auto', default: 'datum' },
} as const;

/** Export options from parsed arguments (key bounds in the key encoding). */
export function exportOptions(args: ParsedArgs, command: string): ExportOptions {
  const keyFormat: KeyFormat = checkKeyFormat(stringOption(args, 'key-encoding') ?? 'utf8');
  const valueFormat = checkValueFormat(stringOption(args, 'value-encoding') ?? 'datum');
  const key = (name: string): Uint8Array | undefined => {
    const v = stringOption(args, name);
    return v === undefined ? undefined : parseKey(v, keyFormat);
  };
  const limit = stringOption(args, 'limit') === undefined ? undefined : intOption(args, 'limit', 0, 0, Number.MAX_SAFE_INTEGER, command);
  const table = stringOption(args, 'table');
  return {
    keyFormat,
    valueFormat,
    ...(table ? { table } : {}),
    ...(key('prefix') ? { prefix: key('prefix') } : {}),
    ...(key('gte') ? { gte: key('gte') } : {}),
    ...(key('lt') ? { lt: key('lt') } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(flag(args, 'reverse') ? { reverse: true } : {}),
  };
}

export const dumpCommand: CommandSpec = {
  name: 'dump',
  summary: 'Write entries as JSON Lines ({"key": ..., "value": ...}) to stdout or a file.',
  description: 'Values are decoded with --value-encoding (datum by default, as `photon load` and the demo write them). The output loads back with `photon load` and the same encodings.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: { ...RANGE_OPTIONS, out: { type: 'string', valueName: 'file', description: 'write to this file instead of stdout' } },
  readOnly: true,
  examples: ['photon dump ./mydb > backup.jsonl', 'photon dump ./mydb --prefix user: --limit 10'],
  async run(args, ctx) {
    const options = { ...exportOptions(args, 'dump'), signal: ctx.signal };
    const outPath = stringOption(args, 'out');
    await withDatabase(args.positionals[0], { readOnly: true }, async (db) => {
      if (options.table) checkTable(db, options.table);
      if (!outPath) {
        await exportJsonLines(db, (line) => ctx.stdout.write(line), options);
        return;
      }
      const out = createWriteStream(outPath, { mode: 0o600 });
      const n = await exportJsonLines(db, (line) => out.write(line), options);
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      ctx.stderr.write(`wrote ${n} entries to ${outPath}\n`);
    });
    return EXIT.OK;
  },
};
