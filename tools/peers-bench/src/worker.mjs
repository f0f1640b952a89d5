// One engine, one workload group, in a fresh process: `node src/worker.mjs <engine> <group> <n> <seed>`.
// Prints one JSON line per workload: { engine, workload, ops, seconds, opsPerSec, p50us?, p99us?,
// error? } and finally { engine, group, peakRssMiB, baselineRssMiB, diskMiB? }. Every workload checks its results
// and reports an error instead of a number when a check fails.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHistogram, performance } from 'node:perf_hooks';
import { adapters } from './adapters.mjs';

const [engineName, group, nText, seedText] = process.argv.slice(2);
const N = Number(nText);
const SEED = Number(seedText);
const VALUE_BYTES = 100;

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 16-byte keys: 8 zero bytes and a big-endian counter, so byte order is numeric order. */
function key(i) {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(BigInt(i), 8);
  return b;
}

function values(seed) {
  const rand = prng(seed);
  const pool = Buffer.alloc(1 << 20);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  let at = 0;
  return () => {
    if (at + VALUE_BYTES > pool.length) at = Math.floor(rand() * 1024);
    const v = pool.subarray(at, at + VALUE_BYTES);
    at += VALUE_BYTES + 7;
    return Buffer.from(v);
  };
}

function shuffled(n, seed) {
  const rand = prng(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function dirBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? dirBytes(p) : s.size;
  }
  return total;
}

function emit(o) {
  process.stdout.write(JSON.stringify({ engine: engineName, ...o }) + '\n');
}

/** Wall-clock epoch seconds (the clock strace -ttt stamps syscalls with), for counting syncs per workload. */
const wallSeconds = () => (performance.timeOrigin + performance.now()) / 1000;

async function timed(workload, ops, fn) {
  const wallStart = wallSeconds();
  const started = performance.now();
  try {
    const extra = (await fn()) ?? {};
    const seconds = (performance.now() - started) / 1000;
    // The process's peak RSS so far: which workload of a group sets the group's peak.
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    emit({ workload, ops, seconds, opsPerSec: ops / seconds, wallStart, wallEnd: wallSeconds(), peakRssSoFarMiB: peakRssMiB, ...extra });
  } catch (e) {
    emit({ workload, ops, error: String(e?.message ?? e), wallStart, wallEnd: wallSeconds() });
  }
}

/** A latency histogram in nanoseconds; `summary()` gives p50/p99 in microseconds. */
function latencies() {
  const h = createHistogram();
  return {
    record: (ms) => h.record(Math.max(1, Math.round(ms * 1e6))),
    summary: () => ({ p50us: h.percentile(50) / 1000, p99us: h.percentile(99) / 1000 }),
  };
}

async function fill(db, order, batch, nextValue, sync) {
  for (let i = 0; i < order.length; i += batch) {
    const last = i + batch >= order.length;
    await db.putBatch(order.slice(i, i + batch).map((k) => [key(k), nextValue()]), { sync: sync && last });
  }
}

/**
 * YCSB's scrambled zipfian request distribution (Cooper et al., theta 0.99): item ranks drawn
 * from a zipfian over [0, n), then hashed so the popular items are spread over the key space.
 */
function zipfian(n, rand, theta = 0.99) {
  let zetan = 0;
  for (let i = 1; i <= n; i++) zetan += 1 / i ** theta;
  const zeta2 = 1 + 1 / 2 ** theta;
  const alpha = 1 / (1 - theta);
  const eta = (1 - (2 / n) ** (1 - theta)) / (1 - zeta2 / zetan);
  return () => {
    const u = rand();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < 1 + 0.5 ** theta) return 1;
    return Math.min(n - 1, Math.floor(n * (eta * u - eta + 1) ** alpha));
  };
}

function scramble(rank, n) {
  let h = (rank + 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) % n;
}

/**
 * YCSB core workloads A-F over `records` 1 KB records: A 50/50 read/update, B 95/5 read/update,
 * C read only, D 95% read of the latest records / 5% insert, E 95% short scans (1-100 entries)
 * / 5% insert, F 50% read / 50% read-modify-write. Each read must find its record and each scan
 * must return entries; otherwise the workload reports an error.
 */
async function ycsb(adapter, dir) {
  const records = Math.min(N, 100_000);
  const ops = records;
  const rand = prng(SEED + 7);
  const pool = Buffer.alloc(1 << 20);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  const record = () => {
    const at = Math.floor(rand() * (pool.length - 1000));
    return Buffer.from(pool.subarray(at, at + 1000));
  };
  const db = await adapter(dir);
  await timed('ycsb-load', records, () => fill(db, Array.from({ length: records }, (_, i) => i), 1000, record, true));
  // Writes are issued without waiting for each (a store batches them into commits: lmdb-js
  // commits asynchronously, one synced commit per batch); reads wait. A workload's time runs
  // until every write it issued has completed. Reads of "latest" records only pick inserts that
  // have completed (are visible).
  let count = records;
  let visible = records;
  const zipf = zipfian(records, rand);
  const pick = () => scramble(zipf(), visible);
  const latest = () => Math.max(0, visible - 1 - zipf());
  const mustGet = async (k) => {
    const v = await db.get(key(k));
    if (v === undefined || v === null) throw new Error(`record ${k} not found`);
    if (v.length !== 1000) throw new Error(`record ${k} has ${v.length} bytes`);
    return v;
  };
  let writes = [];
  const write = (k, v) => {
    writes.push(db.put(key(k), v));
    if (writes.length >= 1000) {
      const batch = writes;
      writes = [];
      return Promise.all(batch);
    }
    return undefined;
  };
  // Inserts may complete out of order (thread-pool stores): only a contiguous run of completed
  // inserts counts as visible.
  const completed = new Set();
  const insert = () => {
    const k = count++;
    const p = db.put(key(k), record()).then(() => {
      completed.add(k);
      while (completed.has(visible)) completed.delete(visible++);
    });
    writes.push(p);
    return undefined;
  };
  const mix = async (name, step) => timed(name, ops, async () => {
    for (let i = 0; i < ops; i++) {
      const r = step(rand());
      if (r !== undefined) await r;
    }
    await Promise.all(writes);
    writes = [];
  });
  await mix('ycsb-a', (r) => (r < 0.5 ? mustGet(pick()) : write(pick(), record())));
  await mix('ycsb-b', (r) => (r < 0.95 ? mustGet(pick()) : write(pick(), record())));
  await mix('ycsb-c', () => mustGet(pick()));
  await mix('ycsb-f', async (r) => {
    if (r < 0.5) return mustGet(pick());
    const k = pick();
    const v = await mustGet(k);
    const next = Buffer.from(v);
    next[0] ^= 1;
    return write(k, next);
  });
  await mix('ycsb-d', (r) => (r < 0.95 ? mustGet(latest()) : insert()));
  await mix('ycsb-e', async (r) => {
    if (r >= 0.95) return insert();
    const from = pick();
    const limit = 1 + Math.floor(rand() * 100);
    // Records 0 … visible-1 all exist, and inserts still in flight may add more.
    const atLeast = Math.min(limit, visible - from);
    const n = await db.scan(key(from), limit);
    if (n < atLeast || n > limit) throw new Error(`scan of ${limit} from record ${from} returned ${n} entries (expected ${atLeast}-${limit})`);
  });
  // Counts: the loaded records plus every insert of D and E, nothing lost, nothing extra.
  const total = await db.scanAll();
  if (total !== count) emit({ workload: 'ycsb-e', error: `after YCSB the store holds ${total} records, expected ${count}` });
  await db.close();
}

async function main() {
  // What the process holds before any engine is loaded or opened: peak RSS above this is the
  // engine's (plus the workload's own data, the same for every engine).
  const baselineRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const dir = mkdtempSync(path.join(os.tmpdir(), `peers-${engineName}-`));
  // `photondb-<N>m`: PhotonDB with an N MiB cache instead of the default (a column of its own).
  const sized = /^photondb-(\d+)m$/.exec(engineName);
  const adapter = sized ? (d) => adapters.photondb(d, Number(sized[1]) * 2 ** 20) : adapters[engineName];
  if (!adapter) throw new Error(`unknown engine ${engineName}`);
  const extra = {};
  try {
    if (group === 'fill') {
      const nextValue = values(SEED);
      const seqDir = path.join(dir, 'seq');
      const randDir = path.join(dir, 'rand');
      for (const d of [seqDir, randDir]) mkdirSync(d);
      let db = await adapter(seqDir);
      await timed('fillseq', N, () => fill(db, Array.from({ length: N }, (_, i) => i), 1000, nextValue, true));
      await db.close();
      db = await adapter(randDir);
      await timed('fillrandom', N, () => fill(db, shuffled(N, SEED), 1000, nextValue, true));
      if (!db.memoryOnly) {
        await db.close();
        extra.diskMiB = dirBytes(randDir) / 2 ** 20;
        db = await adapter(randDir);
      }
      const reads = shuffled(N, SEED + 1).slice(0, Math.min(N, 200_000));
      await timed('readrandom', reads.length, async () => {
        const h = latencies();
        for (const k of reads) {
          const t = performance.now();
          const v = await db.get(key(k));
          h.record(performance.now() - t);
          if (v === undefined || v === null) throw new Error(`key ${k} not found`);
          if (v.length !== VALUE_BYTES) throw new Error(`key ${k}: value of ${v.length} bytes`);
        }
        return h.summary();
      });
      if (db.getSync) {
        await timed('readsync', reads.length, async () => {
          for (const k of reads) {
            const v = db.getSync(key(k));
            if (v === undefined || v === null) throw new Error(`key ${k} not found`);
          }
        });
      }
      await timed('readmissing', reads.length, async () => {
        for (const k of reads) {
          const v = await db.get(key(N + k));
          if (v !== undefined && v !== null) throw new Error(`missing key ${N + k} was found`);
        }
      });
      await timed('scanfull', N, async () => {
        const n = await db.scanAll();
        if (n !== N) throw new Error(`scanned ${n} entries, expected ${N}`);
      });
      const scans = Math.min(10_000, N);
      const rand = prng(SEED + 2);
      await timed('scanshort', scans, async () => {
        for (let i = 0; i < scans; i++) {
          const from = Math.floor(rand() * (N - 100));
          const n = await db.scan(key(from), 100);
          if (n !== 100) throw new Error(`short scan from ${from} returned ${n}`);
        }
      });
      await timed('overwrite', N, () => fill(db, shuffled(N, SEED + 3), 1000, nextValue, true));
      await db.close();
    } else if (group === 'ycsb') {
      await ycsb(adapter, dir);
    } else if (group === 'sync') {
      const nextValue = values(SEED);
      const db = await adapter(dir);
      if (db.memoryOnly) return;
      const singles = Math.max(100, Math.floor(N / 500));
      await timed('fillsync', singles, async () => {
        const h = latencies();
        for (let i = 0; i < singles; i++) {
          const t = performance.now();
          await db.put(key(i), nextValue(), { sync: true });
          h.record(performance.now() - t);
        }
        return h.summary();
      });
      const found = await db.scan(key(0), singles + 10);
      if (found !== singles) emit({ workload: 'fillsync', error: `after ${singles} durable puts a scan found ${found} entries` });
      for (const clients of [1, 8, 64]) {
        const total = singles * 2;
        let next = 0;
        await timed(`commits-${clients}`, total, async () => {
          await Promise.all(Array.from({ length: clients }, async () => {
            while (next < total) {
              const i = next++;
              await db.put(key(1_000_000_000 + i), nextValue(), { sync: true });
            }
          }));
        });
        // Checked after the timing: every acknowledged commit is readable.
        const n = await db.scan(key(1_000_000_000), total + 10);
        if (n !== total) emit({ workload: `commits-${clients}`, error: `after ${total} commits a scan found ${n} entries` });
      }
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  emit({ group, peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, ...extra });
}

main().catch((e) => {
  emit({ group, error: String(e?.stack ?? e) });
  process.exitCode = 1;
});
