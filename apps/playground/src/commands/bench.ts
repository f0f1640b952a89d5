/**
 * `photon bench`: db_bench-style workloads on fresh databases in a temporary directory.
 *
 *   fillseq     n puts in key order (one commit each, sync off)
 *   fillrandom  n puts in a seeded random order into a fresh database (sync off)
 *   overwrite   n puts of existing keys in random order (sync off)
 *   readrandom  n point reads of random existing keys
 *   readseq     one full forward iteration (n entries)
 *   scan        n/100 seeks, each reading the next 100 entries
 *   fillsync    n/10 puts (at least 10), each commit synced to disk
 * Keys are 16 bytes and values 100 bytes, as in db_bench. Every workload reports ops/s, MB/s
 * and p50/p99 latency per operation (from perf_hooks histograms). The figures are for this
 * machine and this run only; they vary by ±30% between runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import type { CommandSpec } from '../command.js';
import { flag, intOption, stringOption } from '../command.js';
import type { TextSink } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openDatabase } from '../open-database.js';
import type { RawDB } from '../open-database.js';
import { Prng } from '../sample-data.js';
import { formatNumber, formatTable, toJson } from '../text-output.js';
import { UsageError } from '../usage-error.js';

export const WORKLOADS = ['fillseq', 'fillrandom', 'overwrite', 'readrandom', 'readseq', 'scan', 'fillsync'] as const;
export type Workload = (typeof WORKLOADS)[number];

const KEY_BYTES = 16;
const VALUE_BYTES = 100;
const SCAN_LENGTH = 100;

/** One workload's figures. */
export interface BenchFigure {
  readonly workload: Workload;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly mbPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Options of `runBench`. */
export interface BenchOptions {
  readonly n: number;
  readonly workloads: readonly Workload[];
  /** Parent directory of the temporary databases (default: the OS temp dir). */
  readonly dir?: string;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called after each workload. */
  readonly onFigure?: (f: BenchFigure) => void;
}

function keyOf(i: number): Uint8Array {
  const k = new Uint8Array(KEY_BYTES);
  const s = String(i).padStart(KEY_BYTES, '0');
  for (let j = 0; j < KEY_BYTES; j++) k[j] = s.charCodeAt(j);
  return k;
}

function valueOf(prng: Prng): Uint8Array {
  const v = new Uint8Array(VALUE_BYTES);
  for (let j = 0; j < VALUE_BYTES; j++) v[j] = 32 + Math.floor(prng.next() * 95);
  return v;
}

function permutation(n: number, prng: Prng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Times `ops` calls of `op` and returns the figure. */
async function timed(workload: Workload, ops: number, bytesPerOp: number, op: (i: number) => unknown, signal?: AbortSignal): Promise<BenchFigure> {
  const h = createHistogram();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    if (signal?.aborted) break;
    const t0 = process.hrtime.bigint();
    const r = op(i);
    if (r instanceof Promise) await r;
    h.record(Number(process.hrtime.bigint() - t0) || 1);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const done = Math.max(1, h.count);
  return {
    workload,
    ops: h.count,
    seconds,
    opsPerSec: Math.round(done / seconds),
    mbPerSec: Number(((done * bytesPerOp) / seconds / 1e6).toFixed(2)),
    p50Us: Number((h.percentile(50) / 1000).toFixed(1)),
    p99Us: Number((h.percentile(99) / 1000).toFixed(1)),
  };
}

/** Runs the chosen workloads and returns their figures (temporary databases are removed). */
export async function runBench(options: BenchOptions): Promise<BenchFigure[]> {
  const root = mkdtempSync(join(options.dir ?? tmpdir(), 'photon-bench-'));
  const prng = new Prng(options.seed ?? 42);
  const n = options.n;
  const entry = KEY_BYTES + VALUE_BYTES;
  const figures: BenchFigure[] = [];
  const dbs: RawDB[] = [];
  const fresh = async (name: string, sync: boolean): Promise<RawDB> => {
    const db = await openDatabase(join(root, name), { create: true, sync });
    dbs.push(db);
    return db;
  };
  let filled: RawDB | undefined;
  const filledDb = async (): Promise<RawDB> => {
    if (filled) return filled;
    filled = await fresh('random', false);
    const order = permutation(n, prng);
    for (let i = 0; i < n; i += 1000) {
      await filled.batch(order.slice(i, i + 1000).map((k) => ({ type: 'put' as const, key: keyOf(k), value: valueOf(prng) })));
    }
    return filled;
  };
  const add = (f: BenchFigure): void => {
    figures.push(f);
    options.onFigure?.(f);
  };
  try {
    for (const w of options.workloads) {
      if (options.signal?.aborted) break;
      if (w === 'fillseq') {
        const db = await fresh('seq', false);
        add(await timed(w, n, entry, (i) => db.set(keyOf(i), valueOf(prng)), options.signal));
      } else if (w === 'fillrandom') {
        filled = await fresh('random', false);
        const db = filled;
        const order = permutation(n, prng);
        add(await timed(w, n, entry, (i) => db.set(keyOf(order[i]), valueOf(prng)), options.signal));
      } else if (w === 'overwrite') {
        const db = await filledDb();
        const order = permutation(n, prng);
        add(await timed(w, n, entry, (i) => db.set(keyOf(order[i]), valueOf(prng)), options.signal));
      } else if (w === 'readrandom') {
        const db = await filledDb();
        add(await timed(w, n, entry, () => db.getSync(keyOf(Math.floor(prng.next() * n))), options.signal));
      } else if (w === 'readseq') {
        const db = await filledDb();
        const it = db.iterator();
        add(await timed(w, db.count(), entry, () => it.next(), options.signal));
        it.close();
      } else if (w === 'scan') {
        const db = await filledDb();
        const seeks = Math.max(1, Math.floor(n / SCAN_LENGTH));
        add(await timed(w, seeks, entry * SCAN_LENGTH, () => {
          let left = SCAN_LENGTH;
          for (const _ of db.scan({ gte: keyOf(Math.floor(prng.next() * n)), limit: SCAN_LENGTH })) left--;
          return left;
        }, options.signal));
      } else if (w === 'fillsync') {
        const db = await fresh('sync', true);
        add(await timed(w, Math.max(10, Math.floor(n / 10)), entry, (i) => db.set(keyOf(i), valueOf(prng)), options.signal));
      }
    }
  } finally {
    for (const db of dbs) await db.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}

/** The text table of bench figures. */
export function formatBench(figures: readonly BenchFigure[]): string {
  return formatTable(figures, [
    { header: 'workload', value: (f) => f.workload },
    { header: 'ops', value: (f) => formatNumber(f.ops), align: 'right' },
    { header: 'ops/s', value: (f) => formatNumber(f.opsPerSec), align: 'right' },
    { header: 'MB/s', value: (f) => f.mbPerSec.toFixed(2), align: 'right' },
    { header: 'p50 µs', value: (f) => f.p50Us.toFixed(1), align: 'right' },
    { header: 'p99 µs', value: (f) => f.p99Us.toFixed(1), align: 'right' },
  ]);
}

/** Parses a comma-separated workload list (UsageError on an unknown name). */
export function parseWorkloads(text: string | undefined): Workload[] {
  if (text === undefined || text === 'all') return [...WORKLOADS];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(WORKLOADS as readonly string[]).includes(n)) throw new UsageError(`unknown workload "${n}"; workloads: ${WORKLOADS.join(', ')}`, 'bench');
  return names as Workload[];
}

function progressLine(sink: TextSink, f: BenchFigure): void {
  sink.write(`  ${f.workload.padEnd(11)} ${formatNumber(f.opsPerSec).padStart(10)} ops/s  p50 ${f.p50Us} µs  p99 ${f.p99Us} µs\n`);
}

export const benchCommand: CommandSpec = {
  name: 'bench',
  summary: 'Run db_bench-style workloads (fillseq, fillrandom, readrandom, readseq, scan, overwrite, fillsync).',
  description: '16-byte keys, 100-byte values, fresh databases in a temporary directory that is removed afterwards.',
  positionals: [],
  options: {
    n: { type: 'string', valueName: 'ops', description: 'operations per workload', default: '20000' },
    workloads: { type: 'string', valueName: 'list', description: `comma-separated subset of ${WORKLOADS.join(',')}`, default: 'all' },
    dir: { type: 'string', valueName: 'path', description: 'where to create the temporary databases (default: OS temp dir)' },
  },
  readOnly: true,
  examples: ['photon bench', 'photon bench --n 100k --workloads fillrandom,readrandom --json'],
  async run(args, ctx) {
    const n = intOption(args, 'n', 20000, 1, 100_000_000, 'bench');
    const workloads = parseWorkloads(stringOption(args, 'workloads'));
    const json = flag(args, 'json');
    if (!json) ctx.stderr.write(`running ${workloads.length} workloads with n=${formatNumber(n)}…\n`);
    const dir = stringOption(args, 'dir');
    const figures = await runBench({ n, workloads, signal: ctx.signal, ...(dir ? { dir } : {}), onFigure: json ? undefined : (f) => progressLine(ctx.stderr, f) });
    if (json) ctx.stdout.write(toJson({ n, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, node: process.version, figures }) + '\n');
    else ctx.stdout.write('\n' + formatBench(figures));
    return ctx.signal.aborted ? EXIT.CANCELLED : EXIT.OK;
  },
};
