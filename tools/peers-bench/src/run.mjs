#!/usr/bin/env node
// `npm run bench -- [--n 1000000] [--runs 3] [--engines a,b] [--groups fill,sync,ycsb] [--no-sync-count] [--write-results-md]`
// Runs every engine × workload group in a fresh process, `--runs` times, and prints one Markdown
// table: median ops/s per engine and workload, the spread (min–max as % of the median), the ratio
// of PhotonDB to the best peer, disk after fillrandom and peak RSS. Raw JSON lines go to
// results/<timestamp>.json and the report to results/<timestamp>.md; with --write-results-md it also
// replaces RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const here = path.resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', '1000000'));
const RUNS = Number(arg('runs', '3'));
const ENGINES = arg('engines', 'photondb,lmdb,classic-level,rocksdb,better-sqlite3,sorted-btree,harness').split(',');
const GROUPS = arg('groups', 'fill,sync,ycsb').split(',');
const rows = [];

for (let run = 0; run < RUNS; run++) {
  for (const group of GROUPS) {
    for (const engine of ENGINES) {
      // The harness-only column measures the harness's own memory in the fill group.
      if (engine === 'harness' && group !== 'fill') continue;
      // Start every worker with the OS's dirty pages written back: the fill group of the engine
      // before leaves hundreds of MiB being written, which made the next worker's fsyncs 2-3x
      // slower (the first engine of the sync group measured 27k commits/s at 64 clients where the
      // same code in the next column measured 68k, 2026-12-07).
      spawnSync('sync');
      const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'src/worker.mjs'), engine, group, String(N), String(1234 + run)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        try {
          rows.push({ run, ...JSON.parse(line) });
        } catch {
          /* not ours */
        }
      }
      if (r.status !== 0) rows.push({ run, engine, group, error: (r.stderr || `exit ${r.status}`).split('\n').slice(0, 3).join(' ') });
      process.stderr.write(`run ${run + 1}/${RUNS} ${group} ${engine}: ${r.status === 0 ? 'ok' : 'FAILED'}\n`);
    }
  }
}

// Durability is verified by counting syncs, not by trusting options: after the timed runs, each
// engine's `sync` group runs once more under `strace -f -ttt` (fsync, fdatasync, msync,
// sync_file_range; every thread), and the sync calls whose timestamps fall inside a workload's
// wall-clock window are divided by that workload's durable commits. The traced run is not timed:
// strace slows every traced call down.
const SYNC_CALLS = 'fsync,fdatasync,msync,sync_file_range';
const syncCounts = {}; // engine -> workload -> { syncs, commits } | { error }
const straceOk = !process.argv.includes('--no-sync-count') && spawnSync('strace', ['-V']).status === 0;
if (!process.argv.includes('--no-sync-count') && !straceOk) process.stderr.write('strace not found: syncs per durable commit are not counted\n');
if (straceOk) {
  for (const engine of ENGINES.filter((e) => e !== 'sorted-btree' && e !== 'harness')) {
    const out = path.join(os.tmpdir(), `peers-strace-${engine}-${process.pid}.txt`);
    const r = spawnSync('strace', ['-f', '--seccomp-bpf', '-ttt', '-o', out, '-e', `trace=${SYNC_CALLS}`, process.execPath, path.join(here, 'src/worker.mjs'), engine, 'sync', String(N), '4321'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const windows = r.stdout.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } }).filter((o) => o.workload && o.wallStart && !o.error);
    const calls = existsSync(out) ? readFileSync(out, 'utf8').split('\n').map((l) => l.match(/^\d+\s+(\d+\.\d+)\s+(fsync|fdatasync|msync|sync_file_range)\(/)).filter(Boolean).map((m) => Number(m[1])) : [];
    rmSync(out, { force: true });
    syncCounts[engine] = {};
    if (r.status !== 0 || windows.length === 0) {
      syncCounts[engine].error = (r.stderr || `exit ${r.status}`).split('\n')[0];
    }
    for (const w of windows) syncCounts[engine][w.workload] = { syncs: calls.filter((t) => t >= w.wallStart && t <= w.wallEnd).length, commits: w.ops };
    syncCounts[engine].total = calls.length;
    process.stderr.write(`syncs per durable commit, ${engine}: ${windows.map((w) => `${w.workload} ${(syncCounts[engine][w.workload].syncs / w.ops).toFixed(2)}`).join(', ')} (${calls.length} sync calls in the traced process)\n`);
  }
}

mkdirSync(path.join(here, 'results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(path.join(here, 'results', `${stamp}.json`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (!Number.isFinite(x) ? '–' : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x >= 10 ? x.toFixed(0) : x.toFixed(2));
const unit = (w) => (w === 'scanfull' ? 'entries/s' : w === 'scanshort' ? 'scans/s' : 'ops/s');
const workloads = [...new Set(rows.filter((r) => r.workload).map((r) => r.workload))];
const header = ['workload', ...ENGINES, 'PhotonDB / best peer'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
const med = {}; // workload -> engine -> median ops/s
// The best peer is the best on-disk engine: sorted-btree (in memory, not durable) is shown but not compared.
const bestPeer = (w) => {
  const peers = Object.entries(med[w] ?? {}).filter(([e]) => !e.startsWith('photondb') && e !== 'sorted-btree' && e !== 'harness');
  return peers.length ? peers.reduce((a, b) => (b[1] > a[1] ? b : a)) : undefined;
};
for (const w of workloads) {
  const cells = [];
  med[w] = {};
  for (const e of ENGINES) {
    const rs = rows.filter((r) => r.engine === e && r.workload === w);
    const errors = rs.filter((r) => r.error);
    const xs = rs.filter((r) => !r.error).map((r) => r.opsPerSec);
    if (errors.length) cells.push(`error: ${errors[0].error.slice(0, 80).replace(/\|/g, '/')}`);
    else if (xs.length === 0) cells.push('–');
    else {
      const m = median(xs);
      med[w][e] = m;
      const spread = xs.length > 1 ? ` ±${(((Math.max(...xs) - Math.min(...xs)) / 2 / m) * 100).toFixed(0)}%` : '';
      cells.push(`${fmt(m)}${spread}`);
    }
  }
  const best = bestPeer(w);
  const ratio = med[w].photondb !== undefined && best ? (med[w].photondb / best[1]).toFixed(2) : '–';
  lines.push(`| ${w} ${unit(w)} | ${cells.join(' | ')} | ${ratio} |`);
}
const medianOf = (e, pick) => median(rows.filter((r) => r.engine === e).map(pick).filter((x) => x !== undefined));
for (const [w, q] of [['fillsync', 'p50us'], ['fillsync', 'p99us']]) {
  lines.push(`| durable commit latency (${w}) ${q.slice(0, 3)} µs | ${ENGINES.map((e) => fmt(medianOf(e, (r) => (r.workload === w && !r.error ? r[q] : undefined)))).join(' | ')} | |`);
}
const diskMiB = Object.fromEntries(ENGINES.map((e) => [e, medianOf(e, (r) => r.diskMiB)]));
lines.push(`| disk after fillrandom MiB (raw ${((N * 116) / 2 ** 20).toFixed(0)}) | ${ENGINES.map((e) => fmt(diskMiB[e])).join(' | ')} | |`);
const rss = {};
for (const g of GROUPS) {
  rss[g] = Object.fromEntries(ENGINES.map((e) => [e, medianOf(e, (r) => (r.group === g && r.peakRssMiB !== undefined ? r.peakRssMiB : undefined))]));
  lines.push(`| peak RSS MiB, ${g} group | ${ENGINES.map((e) => fmt(rss[g][e])).join(' | ')} | |`);
}
for (const w of ['fillsync', 'commits-1', 'commits-8', 'commits-64']) {
  if (Object.keys(syncCounts).length === 0) break;
  const cell = (e) => {
    const c = syncCounts[e]?.[w];
    if (syncCounts[e] === undefined) return '–';
    return c ? `${(c.syncs / c.commits).toFixed(2)} (${c.syncs}/${c.commits})` : 'n/a';
  };
  lines.push(`| syncs per durable commit, ${w} (strace) | ${ENGINES.map(cell).join(' | ')} | |`);
}

// Targets of issue #11, judged from this run's medians (nothing here is typed in by hand).
const targets = [];
const r2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const ratioTarget = (w, goal) => {
  const p = med[w]?.photondb;
  const best = bestPeer(w);
  if (p === undefined || !best) return targets.push([`${w} ≥ ${goal} × best peer`, 'not measured', '–']);
  const r = p / best[1];
  targets.push([`${w} ≥ ${goal} × best peer`, `${fmt(p)} vs ${best[0]} ${fmt(best[1])} = ${r2(r)}`, r >= goal ? 'met' : `missed: needs ×${r2(goal / r)}`]);
};
for (const w of ['readsync', 'readrandom', 'readmissing', 'scanshort']) ratioTarget(w, 1.0);
{
  const p64 = med['commits-64']?.photondb;
  const p1 = med['commits-1']?.photondb;
  const best = bestPeer('commits-64');
  if (p64 !== undefined && best) {
    const r = p64 / best[1];
    targets.push(['commits-64 ahead of every peer', `${fmt(p64)} vs ${best[0]} ${fmt(best[1])} = ${r2(r)}`, r > 1 ? 'met' : `missed: needs ×${r2(1 / r)}`]);
  }
  if (p64 !== undefined && p1 !== undefined) {
    const r = p64 / p1;
    targets.push(['commits-64 ≥ 10 × own commits-1', `${fmt(p64)} / ${fmt(p1)} = ${r.toFixed(1)}×`, r >= 10 ? 'met' : `missed: needs ×${r2(10 / r)}`]);
  }
}
for (const w of ['fillrandom', 'overwrite']) {
  const p = med[w]?.photondb;
  if (p === undefined) continue;
  for (const e of ['lmdb', 'better-sqlite3']) {
    const x = med[w]?.[e];
    targets.push([`${w} ahead of ${e}`, x === undefined ? `${e} not measured` : `${fmt(p)} vs ${fmt(x)} = ${r2(p / x)}`, x === undefined ? '–' : p > x ? 'met' : `missed: needs ×${r2(x / p)}`]);
  }
  const rk = med[w]?.rocksdb;
  targets.push([`${w} ≥ 0.7 × rocksdb`, rk === undefined ? 'rocksdb not measured' : `${fmt(p)} vs ${fmt(rk)} = ${r2(p / rk)}`, rk === undefined ? '–' : p / rk >= 0.7 ? 'met' : `missed: needs ×${r2((0.7 * rk) / p)}`]);
}
for (const w of ['fillseq', 'scanfull']) ratioTarget(w, 0.7);
if (Number.isFinite(diskMiB.photondb) && Number.isFinite(diskMiB['classic-level'])) {
  const r = diskMiB.photondb / diskMiB['classic-level'];
  targets.push(['disk after fillrandom ≤ classic-level', `${fmt(diskMiB.photondb)} MiB vs ${fmt(diskMiB['classic-level'])} MiB = ${r2(r)}`, r <= 1 ? 'met' : `missed: ${r2(r)}× classic-level's`]);
}
// The engine states its memory bound (MEMORY_OVERHEAD_BYTES in packages/engine/src/options.ts):
// peak RSS ≤ RSS before opening + cacheSizeBytes + checkpointDirtyBytes + MEMORY_OVERHEAD_BYTES.
{
  const engine = await import(pathToFileURL(path.join(here, '../../packages/engine/dist/index.js')).href).catch(() => null);
  for (const e of ENGINES.filter((x) => x.startsWith('photondb'))) {
    if (engine === null) break;
    const sized = /^photondb-(\d+)m$/.exec(e);
    const cacheMiB = sized ? Number(sized[1]) : process.env.PHOTON_CACHE ? Number(process.env.PHOTON_CACHE) / 2 ** 20 : engine.DEFAULT_CACHE_SIZE_BYTES / 2 ** 20;
    const dirtyMiB = engine.DEFAULT_CHECKPOINT_DIRTY_BYTES / 2 ** 20;
    const overheadMiB = engine.MEMORY_OVERHEAD_BYTES / 2 ** 20;
    const bound = cacheMiB + dirtyMiB + overheadMiB;
    for (const g of GROUPS) {
      const above = medianOf(e, (r) => (r.group === g && r.peakRssMiB !== undefined && r.baselineRssMiB !== undefined ? r.peakRssMiB - r.baselineRssMiB : undefined));
      if (!Number.isFinite(above)) continue;
      // With the harness-only column, the harness's own share (its peak above its start) is
      // taken off: the bound is the engine's, not the harness's keys, values and their garbage.
      const harness = medianOf('harness', (r) => (r.group === g && r.peakRssMiB !== undefined && r.baselineRssMiB !== undefined ? r.peakRssMiB - r.baselineRssMiB : undefined));
      const own = Number.isFinite(harness) ? above - harness : above;
      targets.push([
        `${e} peak RSS (${g} group) within cache + checkpointDirtyBytes + stated overhead`,
        `${fmt(above)} MiB above the process's start${Number.isFinite(harness) ? `, ${fmt(own)} without the harness's own ${fmt(harness)}` : ''} vs ${fmt(cacheMiB)} + ${fmt(dirtyMiB)} + ${fmt(overheadMiB)} = ${fmt(bound)} MiB`,
        own <= bound ? 'met' : `missed by ${fmt(own - bound)} MiB`,
      ]);
    }
  }
}
const targetTable = ['| target | this run | met? |', '|---|---|---|', ...targets.map((t) => `| ${t.join(' | ')} |`)].join('\n');

const versions = ENGINES.filter((e) => !e.startsWith('photondb') && e !== 'harness').map((e) => {
  const pkg = { rocksdb: '@nxtedition/rocksdb' }[e] ?? e;
  const f = path.join(here, 'node_modules', pkg, 'package.json');
  return `${pkg} ${existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).version : '?'}`;
});
let commit = '?';
try {
  commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).stdout.trim() || '?';
} catch {
  /* not a git checkout */
}
const engineVersion = JSON.parse(readFileSync(path.resolve(here, '../../packages/engine/package.json'), 'utf8')).version;
const failures = rows.filter((r) => r.error && !r.workload);
const failed = [...new Map(failures.map((r) => [`${r.engine} ${r.group}`, r])).values()].map((r) => `- ${r.engine}, ${r.group} group: ${r.error.replace(/\s+/g, ' ').slice(0, 160)}`);
const table = lines.join('\n') + (failed.length ? `\n\nWorker processes that failed (their cells show –):\n${failed.join('\n')}` : '');
const report = `# Peer benchmark results\n\n${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N = ${N.toLocaleString('en')}, ${RUNS} run${RUNS > 1 ? 's (medians; ± is (max - min) / 2 / median)' : ''}, groups ${GROUPS.join(', ')}; ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}.\nVersions: @photondb/engine ${engineVersion} (commit ${commit}${process.env.PHOTON_CACHE ? `, cacheSizeBytes ${process.env.PHOTON_CACHE}` : ', default 64 MiB cache'}), ${versions.join(', ')}.\n\n${table}\n\n## Targets (issue #11), judged from this run\n\n${targetTable}\n`;
console.log(report);
writeFileSync(path.join(here, 'results', `${stamp}.md`), report);
if (process.argv.includes('--write-results-md')) writeFileSync(path.join(here, 'RESULTS.md'), report);
