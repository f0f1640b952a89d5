/**
 * `photon wal <db>`: the log's segments and records (LSN, type, length), read with
 * `@photondb/wal`'s `inspectLog` without opening the engine, so nothing is replayed or changed.
 */
import { join } from 'node:path';
import { RECORD_COMMIT, RECORD_CREATE_TABLE, RECORD_DROP_TABLE, WAL_DIRECTORY } from '@photondb/engine';
import { NodeFileSystem } from '@photondb/io';
import { inspectLog } from '@photondb/wal';
import type { CommandSpec } from '../command.js';
import { flag, intOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatNumber, formatTable, toJson } from '../text-output.js';

/** One log record as listed. */
export interface WalRecordInfo {
  readonly lsn: number;
  readonly type: number;
  readonly typeName: string;
  readonly length: number;
  readonly segment?: number;
  readonly offset?: number;
}

/** The log as listed by `photon wal`. */
export interface WalReport {
  readonly segments: readonly Readonly<Record<string, unknown>>[];
  readonly records: readonly WalRecordInfo[];
  readonly totalRecords: number;
  readonly tornTail?: unknown;
}

/** A name for the engine's record types (and the log's own reserved ones). */
export function recordTypeName(type: number): string {
  if (type === RECORD_COMMIT) return 'commit';
  if (type === RECORD_CREATE_TABLE) return 'create-table';
  if (type === RECORD_DROP_TABLE) return 'drop-table';
  if (type >= 0xf0) return 'log-internal';
  return `type-${type}`;
}

/** Reads the log of database `path`; keeps the last `limit` records. */
export function walReport(path: string, limit = Infinity): WalReport {
  const dir = new NodeFileSystem().openDirectory(join(path, WAL_DIRECTORY));
  const log = inspectLog(dir) as unknown as {
    segments: readonly Record<string, unknown>[];
    records: readonly Record<string, unknown>[];
    tornTail?: unknown;
  };
  const all = log.records.map((r) => ({
    lsn: Number(r.lsn),
    type: Number(r.type),
    typeName: recordTypeName(Number(r.type)),
    length: Number(r.length ?? r.payloadBytes ?? 0),
    ...(r.segment !== undefined || r.segmentNo !== undefined ? { segment: Number(r.segment ?? r.segmentNo) } : {}),
    ...(r.offset !== undefined ? { offset: Number(r.offset) } : {}),
  }));
  const records = limit < all.length ? all.slice(all.length - limit) : all;
  return { segments: log.segments, records, totalRecords: all.length, ...(log.tornTail !== undefined ? { tornTail: log.tornTail } : {}) };
}

/** The text form of a wal report. */
export function formatWal(r: WalReport): string {
  const segments = r.segments.map((s) => Object.entries(s).filter(([k]) => k !== 'records').map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`).join(' '));
  const lines = [`${r.segments.length} segment(s):`, ...segments.map((s) => `  ${s}`), ''];
  if (r.records.length < r.totalRecords) lines.push(`last ${formatNumber(r.records.length)} of ${formatNumber(r.totalRecords)} records:`);
  else lines.push(`${formatNumber(r.totalRecords)} record(s):`);
  const table = formatTable(r.records, [
    { header: 'lsn', value: (x) => String(x.lsn), align: 'right' },
    { header: 'type', value: (x) => x.typeName },
    { header: 'bytes', value: (x) => formatNumber(x.length), align: 'right' },
    { header: 'segment', value: (x) => (x.segment === undefined ? '' : String(x.segment)), align: 'right' },
    { header: 'offset', value: (x) => (x.offset === undefined ? '' : formatNumber(x.offset)), align: 'right' },
  ]);
  return lines.join('\n') + '\n' + table + (r.tornTail ? `torn tail: ${toJson(r.tornTail)}\n` : '');
}

export const walCommand: CommandSpec = {
  name: 'wal',
  summary: 'List the log segments and records (LSN, type, length) without opening the engine.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: { limit: { type: 'string', valueName: 'n', description: 'show only the last n records (default 50; 0 for all)', default: '50' } },
  readOnly: true,
  examples: ['photon wal ./mydb', 'photon wal ./mydb --limit 0 --json'],
  async run(args, ctx) {
    const limit = intOption(args, 'limit', 50, 0, Number.MAX_SAFE_INTEGER, 'wal');
    const report = walReport(args.positionals[0], limit === 0 ? Infinity : limit);
    ctx.stdout.write(flag(args, 'json') ? toJson(report) + '\n' : formatWal(report));
    return EXIT.OK;
  },
};
