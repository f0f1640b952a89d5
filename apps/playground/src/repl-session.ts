/**
 * The REPL's state and commands, apart from `node:repl` so tests can run lines directly.
 *
 * State: the open database, the current table, an open transaction (between `begin` and
 * `commit`/`rollback`, reads and writes go through it), the output mode (table or json), the
 * encoding (how keys and values are typed and shown; see value-format.ts) and the timer.
 * `execute(line)` runs one line and returns the text to print; errors are thrown and printed by
 * the caller as one line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { ReadOperations, Transaction } from '@photondb/engine';
import { checkDatabase, checkPageId, checkTable, describePage, keyPath, rawPage, statReport, allTables } from './inspect.js';
import { exportJsonLines, importJsonLines, inputSizeBytes } from './json-lines.js';
import type { RawDB } from './open-database.js';
import { formatStat } from './commands/stat.js';
import { formatFields, formatDuration, formatNumber, formatTable, hexDump, toJson } from './text-output.js';
import { treeLevels, formatTreeLevels } from './tree-view.js';
import { restAfterWords, tokenize } from './tokenize.js';
import { UsageError } from './usage-error.js';
import { parseKey, parseValue, renderKey, renderValue, valueToJson, keyToJson } from './value-format.js';
import type { KeyFormat, ValueFormat } from './value-format.js';

/** The REPL's `.encoding` choices. */
export const REPL_ENCODINGS = ['utf8', 'hex', 'json', 'datum'] as const;
export type ReplEncoding = (typeof REPL_ENCODINGS)[number];

/** Plain commands (no dot). */
export const REPL_WORDS = ['get', 'put', 'del', 'scan', 'count', 'begin', 'commit', 'rollback', 'tables', 'use', 'help', 'exit'] as const;

/** Dot-commands and their help lines. */
export const DOT_COMMANDS: Readonly<Record<string, string>> = {
  stats: 'engine statistics, tables and last recovery',
  tree: 'the current table\'s B-tree, level by level',
  path: '<key>  the pages a lookup of <key> visits, root first',
  page: '<id>  one page: header fields and hex dump',
  check: 'verify the trees and the page file',
  checkpoint: 'write applied commits into the page file and trim the log',
  import: '<file.jsonl>  load JSON Lines into the current table',
  export: '<file.jsonl>  write the current table as JSON Lines',
  mode: 'table|json  how results are printed',
  encoding: 'utf8|hex|json|datum  how keys and values are typed and shown',
  timer: 'on|off  print how long each command took',
  help: 'this help',
};

export const REPL_HELP = `Commands:
  get <key>                         read one key
  put <key> <value>                 write; with .encoding datum the value is JSON, or else plain text
  del <key>                         delete
  scan [from] [to] [prefix=<p>] [limit=<n>] [reverse]
                                    entries in key order (default limit 20); from inclusive, to exclusive
  count [from] [to] [prefix=<p>]    count entries
  begin | commit | rollback         a transaction: reads and writes in between go through it
  tables                            list tables; use <table> switches the current one
Dot-commands:
${Object.entries(DOT_COMMANDS).map(([k, v]) => `  .${k.padEnd(11)} ${v}`).join('\n')}
  .exit        leave (Ctrl-D works too)
`;

/** The state of one REPL. */
export class ReplSession {
  readonly db: RawDB;
  table = 'default';
  mode: 'table' | 'json' = 'table';
  encoding: ReplEncoding = 'datum';
  timer = false;
  private tx: Transaction<Uint8Array, Uint8Array> | undefined;

  constructor(db: RawDB) {
    this.db = db;
  }

  /** The prompt: database table, and a marker inside a transaction. */
  prompt(): string {
    return `photon${this.table === 'default' ? '' : ':' + this.table}${this.tx ? ' (tx)' : ''}> `;
  }

  get inTransaction(): boolean {
    return this.tx !== undefined;
  }

  private get keyFormat(): KeyFormat {
    return this.encoding === 'hex' ? 'hex' : 'utf8';
  }

  private get inputValueFormat(): ValueFormat {
    return this.encoding;
  }

  private get displayValueFormat(): ValueFormat {
    return this.encoding === 'datum' ? 'auto' : this.encoding;
  }

  private reader(): ReadOperations<Uint8Array, Uint8Array> {
    if (this.tx) return this.table === 'default' ? this.tx : this.tx.table(this.table);
    return this.table === 'default' ? this.db : this.db.table(this.table);
  }

  /** Runs one line; resolves to the text to print (may be empty). */
  async execute(line: string): Promise<string> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return '';
    const started = performance.now();
    const out = trimmed.startsWith('.') ? await this.dot(trimmed.slice(1)) : await this.word(trimmed);
    return this.timer ? `${out}${out && !out.endsWith('\n') ? '\n' : ''}(${formatDuration(performance.now() - started)})\n` : out;
  }

  private async word(line: string): Promise<string> {
    const words = tokenize(line);
    const [cmd, ...args] = words;
    switch (cmd) {
      case 'get':
        return this.get(one(args, 'get <key>'));
      case 'put':
        return this.put(line, args);
      case 'del':
      case 'delete':
        return this.del(one(args, 'del <key>'));
      case 'scan':
        return this.scan(args);
      case 'count':
        return `${formatNumber(this.reader().count(this.range(args, false)))}\n`;
      case 'begin':
        if (this.tx) throw new UsageError('a transaction is already open; commit or rollback first');
        this.tx = this.db.beginTransaction();
        return 'transaction started\n';
      case 'commit': {
        const tx = this.requireTx();
        this.tx = undefined;
        await tx.commit();
        return 'committed\n';
      }
      case 'rollback':
        this.requireTx().rollback();
        this.tx = undefined;
        return 'rolled back\n';
      case 'tables':
        return this.render(allTables(this.db).map((name) => ({ table: name, entries: this.db.internals.tree(name).stats().entries })));
      case 'use':
        this.table = checkTable(this.db, one(args, 'use <table>'));
        return `using table ${this.table}\n`;
      case 'help':
        return REPL_HELP;
      default:
        throw new UsageError(`unknown command "${cmd}"; type .help`);
    }
  }

  private requireTx(): Transaction<Uint8Array, Uint8Array> {
    if (!this.tx) throw new UsageError('no transaction is open; type begin');
    return this.tx;
  }

  private async get(keyText: string): Promise<string> {
    const v = await this.reader().get(parseKey(keyText, this.keyFormat));
    if (v === undefined) return '(not found)\n';
    return this.mode === 'json' ? toJson(valueToJson(v, this.displayValueFormat)) + '\n' : renderValue(v, this.displayValueFormat) + '\n';
  }

  private async put(line: string, args: readonly string[]): Promise<string> {
    if (args.length < 2) throw new UsageError('usage: put <key> <value>');
    const key = parseKey(args[0], this.keyFormat);
    const raw = restAfterWords(line, 2);
    const valueText = this.encoding === 'utf8' || this.encoding === 'hex' ? args.slice(1).join(' ') : raw;
    const value = this.encoding === 'datum' && !isJsonText(valueText) ? parseValue(JSON.stringify(valueText), 'datum') : parseValue(valueText, this.inputValueFormat);
    if (this.tx) {
      (this.table === 'default' ? this.tx : this.tx.table(this.table)).set(key, value);
      return 'ok (in transaction)\n';
    }
    await (this.table === 'default' ? this.db : this.db.table(this.table)).set(key, value);
    return 'ok\n';
  }

  private async del(keyText: string): Promise<string> {
    const key = parseKey(keyText, this.keyFormat);
    if (this.tx) {
      (this.table === 'default' ? this.tx : this.tx.table(this.table)).delete(key);
      return 'ok (in transaction)\n';
    }
    await (this.table === 'default' ? this.db : this.db.table(this.table)).delete(key);
    return 'ok\n';
  }

  /** Range options from `[from] [to] prefix=<p> limit=<n> reverse`. */
  private range(args: readonly string[], withLimit: boolean): Record<string, unknown> {
    const range: Record<string, unknown> = {};
    const bounds: string[] = [];
    for (const a of args) {
      if (a === 'reverse') range.reverse = true;
      else if (a.startsWith('prefix=')) range.prefix = parseKey(a.slice(7), this.keyFormat);
      else if (a.startsWith('limit=')) {
        const n = Number(a.slice(6));
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`limit must be a whole number; got "${a.slice(6)}"`);
        range.limit = n;
      } else bounds.push(a);
    }
    if (bounds.length > 2) throw new UsageError('at most two bounds: [from] [to]');
    if (bounds[0] !== undefined) range.gte = parseKey(bounds[0], this.keyFormat);
    if (bounds[1] !== undefined) range.lt = parseKey(bounds[1], this.keyFormat);
    if (withLimit && range.limit === undefined) range.limit = 20;
    return range;
  }

  private scan(args: readonly string[]): string {
    const rows: { key: string; value: string; json: unknown }[] = [];
    for (const [k, v] of this.reader().scan(this.range(args, true))) {
      rows.push({ key: renderKey(k, this.keyFormat), value: renderValue(v, this.displayValueFormat), json: { key: keyToJson(k, this.keyFormat), value: valueToJson(v, this.displayValueFormat) } });
    }
    if (this.mode === 'json') return rows.map((r) => toJson(r.json)).join('\n') + (rows.length ? '\n' : '');
    if (rows.length === 0) return '(no entries)\n';
    return formatTable(rows, [{ header: 'key', value: (r) => r.key }, { header: 'value', value: (r) => r.value }], 100) + `(${rows.length} ${rows.length === 1 ? 'entry' : 'entries'})\n`;
  }

  private render(rows: readonly Record<string, unknown>[]): string {
    if (this.mode === 'json') return toJson(rows) + '\n';
    if (rows.length === 0) return '(none)\n';
    const cols = Object.keys(rows[0]);
    return formatTable(rows, cols.map((c) => ({ header: c, value: (r: Record<string, unknown>) => (typeof r[c] === 'number' ? formatNumber(r[c] as number) : String(r[c])) })));
  }

  /** Runs a dot-command (`name` without the dot, with its argument). */
  async dot(text: string): Promise<string> {
    const space = text.search(/\s/);
    const name = space < 0 ? text : text.slice(0, space);
    const arg = space < 0 ? '' : text.slice(space + 1).trim();
    switch (name) {
      case 'stats': {
        const r = statReport(this.db);
        return this.mode === 'json' ? toJson(r) + '\n' : formatStat(r);
      }
      case 'tree': {
        const levels = treeLevels(this.db, this.table, 2000);
        return this.mode === 'json' ? toJson(levels) + '\n' : formatTreeLevels(levels);
      }
      case 'path': {
        if (!arg) throw new UsageError('usage: .path <key>');
        const path = keyPath(this.db, this.table, parseKey(tokenize(arg)[0] ?? arg, this.keyFormat));
        if (this.mode === 'json') return toJson(path) + '\n';
        return formatTable(path, [
          { header: 'level', value: (n) => String(n.level), align: 'right' },
          { header: 'page', value: (n) => String(n.pageId), align: 'right' },
          { header: 'kind', value: (n) => n.kind },
          { header: 'keys', value: (n) => String(n.keys), align: 'right' },
          { header: 'slot', value: (n) => (n.index === undefined ? '' : String(n.index)), align: 'right' },
        ]);
      }
      case 'page': {
        const id = checkPageId(this.db, arg);
        const page = describePage(this.db, id);
        if (this.mode === 'json') return toJson(page) + '\n';
        return formatFields({ ...page, fill: `${(page.fill * 100).toFixed(1)}%` }) + hexDump(rawPage(this.db, id), 256);
      }
      case 'check': {
        const problems = checkDatabase(this.db);
        if (this.mode === 'json') return toJson({ ok: problems.length === 0, problems }) + '\n';
        return problems.length === 0 ? 'ok: no problems found\n' : problems.map((p) => `${p.where}: ${p.message}`).join('\n') + `\n${problems.length} problem(s)\n`;
      }
      case 'checkpoint':
        await this.db.checkpoint();
        return `checkpoint done at LSN ${this.db.stats().checkpointLsn}\n`;
      case 'import':
        return this.importFile(arg);
      case 'export':
        return this.exportFile(arg);
      case 'mode':
        if (arg !== 'table' && arg !== 'json') throw new UsageError('usage: .mode table|json');
        this.mode = arg;
        return `mode ${arg}\n`;
      case 'encoding':
        if (!(REPL_ENCODINGS as readonly string[]).includes(arg)) throw new UsageError(`usage: .encoding ${REPL_ENCODINGS.join('|')} (now ${this.encoding})`);
        this.encoding = arg as ReplEncoding;
        return `encoding ${arg}\n`;
      case 'timer':
        if (arg !== 'on' && arg !== 'off') throw new UsageError('usage: .timer on|off');
        this.timer = arg === 'on';
        return `timer ${arg}\n`;
      case 'help':
        return REPL_HELP;
      default:
        throw new UsageError(`unknown dot-command ".${name}"; type .help`);
    }
  }

  private async importFile(path: string): Promise<string> {
    if (!path) throw new UsageError('usage: .import <file.jsonl>');
    inputSizeBytes(path);
    const r = await importJsonLines(this.db, createReadStream(path), {
      keyFormat: this.keyFormat,
      valueFormat: this.encoding,
      ...(this.table !== 'default' ? { table: this.table } : {}),
    });
    return `imported ${formatNumber(r.rows)} rows in ${r.batches} batch(es)\n`;
  }

  private async exportFile(path: string): Promise<string> {
    if (!path) throw new UsageError('usage: .export <file.jsonl>');
    const out = createWriteStream(path, { mode: 0o600 });
    const n = await exportJsonLines(this.db, (l) => out.write(l), {
      keyFormat: this.keyFormat,
      valueFormat: this.encoding === 'datum' ? 'datum' : this.encoding,
      ...(this.table !== 'default' ? { table: this.table } : {}),
    });
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return `exported ${formatNumber(n)} rows to ${path}\n`;
  }

  /** Keys starting with `partial` in the current table (for tab completion). */
  completeKey(partial: string, max = 50): string[] {
    if (this.keyFormat !== 'utf8') return [];
    const keys: string[] = [];
    const range = partial ? { prefix: parseKey(partial, 'utf8'), limit: max } : { limit: max };
    for (const [k] of this.reader().scan(range)) keys.push(renderKey(k, 'utf8'));
    return keys;
  }

  /** Rolls back an open transaction. */
  close(): void {
    this.tx?.rollback();
    this.tx = undefined;
  }
}

/** True when `text` parses as JSON (REPL datum puts store anything else as a plain string). */
function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function one(args: readonly string[], usage: string): string {
  if (args.length !== 1) throw new UsageError(`usage: ${usage}`);
  return args[0];
}
