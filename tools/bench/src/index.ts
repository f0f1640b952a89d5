/**
 * The benchmark harness: warm-up, a minimum run time, ops/s with p50/p99 latencies from
 * `perf_hooks.createHistogram`, one JSON line per case (stamped with commit, Node version and
 * machine) and one human-readable line. Performance goals live here, never in timed unit tests.
 *
 * Environment: BENCH_MIN_MS (default 1000) minimum measured time per case, BENCH_WARMUP_MS
 * (default 200), BENCH_FILTER (substring of case names), BENCH_JSON=only to print JSON only.
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { createHistogram, performance } from 'node:perf_hooks';

/** One benchmark case. `fn` performs `opsPerCall` operations (default 1). */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => void | Promise<void>;
  /** Bytes processed per operation, to report MB/s. */
  readonly bytesPerOp?: number;
  /** Operations one call of `fn` performs (for batched cases). */
  readonly opsPerCall?: number;
  /** Runs once before measuring; its time is not counted. */
  readonly setup?: () => void | Promise<void>;
  /** Runs once after measuring. */
  readonly teardown?: () => void | Promise<void>;
}

/** One measured result, as printed in JSON lines. */
export interface BenchResult {
  readonly suite: string;
  readonly name: string;
  readonly ops: number;
  readonly opsPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly mbPerSec?: number;
  readonly commit: string;
  readonly node: string;
  readonly machine: string;
  readonly date: string;
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const envNumber = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

async function measure(c: BenchCase, minMs: number): Promise<{ calls: number; elapsedMs: number; p50: number; p99: number }> {
  const histogram = createHistogram();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    const t0 = process.hrtime.bigint();
    const r = c.fn();
    if (r !== undefined) await r;
    const dt = process.hrtime.bigint() - t0;
    histogram.record(dt > 0n ? dt : 1n);
    calls++;
    if ((calls & 15) === 0 || dt > 1_000_000n) now = performance.now();
  }
  const elapsedMs = performance.now() - start;
  return { calls, elapsedMs, p50: histogram.percentile(50) / 1000, p99: histogram.percentile(99) / 1000 };
}

/** Runs each case: setup, warm-up, measurement, teardown; prints results; returns them. */
export async function runSuite(suite: string, cases: readonly BenchCase[]): Promise<BenchResult[]> {
  const minMs = envNumber('BENCH_MIN_MS', 1000);
  const warmupMs = envNumber('BENCH_WARMUP_MS', 200);
  const filter = process.env.BENCH_FILTER;
  const jsonOnly = process.env.BENCH_JSON === 'only';
  const meta = {
    commit: gitCommit(),
    node: process.version,
    machine: `${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'} ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    date: new Date().toISOString(),
  };
  const results: BenchResult[] = [];
  for (const c of cases) {
    if (filter && !c.name.includes(filter)) continue;
    if (c.setup) await c.setup();
    await measure(c, warmupMs);
    const m = await measure(c, minMs);
    if (c.teardown) await c.teardown();
    const ops = m.calls * (c.opsPerCall ?? 1);
    const opsPerSec = (ops / m.elapsedMs) * 1000;
    const result: BenchResult = {
      suite,
      name: c.name,
      ops,
      opsPerSec: Math.round(opsPerSec),
      p50Us: Number(m.p50.toFixed(2)),
      p99Us: Number(m.p99.toFixed(2)),
      ...(c.bytesPerOp ? { mbPerSec: Number(((opsPerSec * c.bytesPerOp) / 1e6).toFixed(1)) } : {}),
      ...meta,
    };
    results.push(result);
    console.log(JSON.stringify(result));
    if (!jsonOnly) {
      const mb = result.mbPerSec === undefined ? '' : `  ${result.mbPerSec} MB/s`;
      const per = (c.opsPerCall ?? 1) > 1 ? ` (per call of ${c.opsPerCall})` : '';
      console.log(
        `# ${suite} ${c.name}: ${result.opsPerSec.toLocaleString('en-US')} ops/s${mb}  p50 ${result.p50Us} µs  p99 ${result.p99Us} µs${per}`,
      );
    }
  }
  return results;
}
