/**
 * JSON Lines import and export: one `{"key": ..., "value": ...}` object per line, with an
 * optional `"table"`. Keys and values are converted with value-format.ts, so a dump made with
 * some encodings loads back with the same encodings byte for byte.
 *
 * Import commits in batches (one transaction per batch) and checks its AbortSignal between
 * batches: a cancelled import leaves every earlier batch committed and nothing of the current
 * one, and says how many rows made it.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BatchOperation } from '@photondb/engine';
import type { RawDB } from './open-database.js';
import type { KeyFormat, ValueFormat } from './value-format.js';
import { jsonReviver, keyFromJson, keyToJson, valueFromJson, valueToJson } from './value-format.js';
import { toJson } from './text-output.js';
import { UsageError } from './usage-error.js';

/** Encodings of a dump or load. */
export interface LineFormat {
  readonly keyFormat: KeyFormat;
  readonly valueFormat: ValueFormat;
}

/** Options of `importJsonLines`. */
export interface ImportOptions extends LineFormat {
  /** Rows per transaction (default 1000). */
  readonly batchRows?: number;
  /** The table rows without a "table" field go to (default: the default keyspace). */
  readonly table?: string;
  /** Stops between batches; the result says `cancelled: true`. */
  readonly signal?: AbortSignal;
  /** Called after each batch with rows committed and bytes read so far. */
  readonly onProgress?: (rows: number, bytes: number) => void;
}

/** What an import did. */
export interface ImportResult {
  readonly rows: number;
  readonly batches: number;
  readonly cancelled: boolean;
  readonly tablesCreated: readonly string[];
}

/** The size of an input file, or undefined for stdin and pipes. */
export function inputSizeBytes(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    const s = statSync(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    throw new UsageError(`cannot read "${path}": no such file`);
  }
}

/** Reads JSON Lines from a file path (or '-' for `stdin`) and writes them in batches. */
export async function importJsonLines(db: RawDB, input: NodeJS.ReadableStream, options: ImportOptions): Promise<ImportResult> {
  const batchRows = options.batchRows ?? 1000;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let batch: BatchOperation<Uint8Array, Uint8Array>[] = [];
  let rows = 0;
  let batches = 0;
  let bytes = 0;
  let lineNo = 0;
  const created: string[] = [];
  // Closing the reader ends the loop below even while it waits for more input (a pipe, stdin).
  const stop = (): void => lines.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await db.batch(batch);
    rows += batch.length;
    batches++;
    batch = [];
    options.onProgress?.(rows, bytes);
  };
  try {
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      const op = parseLine(line, lineNo, options);
      if (op.table !== undefined && !db.tables().includes(op.table) && op.table !== 'default') {
        await flush();
        await db.createTable(op.table);
        created.push(op.table);
      }
      batch.push(op);
      if (batch.length >= batchRows) {
        if (options.signal?.aborted) return { rows, batches, cancelled: true, tablesCreated: created };
        await flush();
      }
    }
    if (options.signal?.aborted) return { rows, batches, cancelled: true, tablesCreated: created };
    await flush();
    return { rows, batches, cancelled: false, tablesCreated: created };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    lines.close();
  }
}

function parseLine(line: string, lineNo: number, options: ImportOptions): BatchOperation<Uint8Array, Uint8Array> & { table?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(line, jsonReviver);
  } catch {
    throw new UsageError(`line ${lineNo} is not valid JSON`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !('key' in doc)) {
    throw new UsageError(`line ${lineNo} must be an object with "key" and "value" (or "delete": true)`);
  }
  const d = doc as { key: unknown; value?: unknown; table?: unknown; delete?: unknown };
  const table = d.table === undefined ? options.table : String(d.table);
  try {
    const key = keyFromJson(d.key, options.keyFormat);
    if (d.delete === true) return { type: 'del', key, ...(table ? { table } : {}) };
    if (!('value' in d)) throw new UsageError('it has no "value"');
    return { type: 'put', key, value: valueFromJson(d.value, options.valueFormat), ...(table ? { table } : {}) };
  } catch (e) {
    throw new UsageError(`line ${lineNo}: ${(e as Error).message}`);
  }
}

/** Options of `exportJsonLines`. */
export interface ExportOptions extends LineFormat {
  readonly table?: string;
  readonly prefix?: Uint8Array;
  readonly gte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly limit?: number;
  readonly reverse?: boolean;
  readonly signal?: AbortSignal;
}

/** Writes entries as JSON Lines to `write`; resolves to the number of rows written. */
export async function exportJsonLines(db: RawDB, write: (line: string) => unknown, options: ExportOptions): Promise<number> {
  const source = options.table && options.table !== 'default' ? db.table(options.table) : db;
  let n = 0;
  const range = {
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.gte ? { gte: options.gte } : {}),
    ...(options.lt ? { lt: options.lt } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.reverse ? { reverse: true } : {}),
  };
  for (const [k, v] of source.scan(range)) {
    if (options.signal?.aborted) break;
    const row = { key: keyToJson(k, options.keyFormat), value: valueToJson(v, options.valueFormat), ...(options.table ? { table: options.table } : {}) };
    const more = write(toJson(row) + '\n');
    n++;
    if (more === false) await new Promise((r) => setImmediate(r));
  }
  return n;
}

/** Opens an input path ('-' is stdin). */
export function openInput(path: string, stdin: NodeJS.ReadableStream): NodeJS.ReadableStream {
  return path === '-' ? stdin : createReadStream(path);
}
