#!/usr/bin/env node
// `npm run bench -- [--n 1000000] [--runs 3] [--engines a,b] [--groups fill,sync]`
// Runs every engine × workload group in a fresh process, `--runs` times, and prints one Markdown
// table: median ops/s per engine and workload, the spread (min–max as % of the median), the ratio
// of PhotonDB to the best peer, disk after fillrandom and peak RSS. Raw JSON lines go to
// results/<timestamp>.json; RESULTS.md is rewritten with the table, date, machine and versions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', '1000000'));
const RUNS = Number(arg('runs', '3'));
const ENGINES = arg('engines', 'photondb,lmdb,classic-level,rocksdb,better-sqlite3,sorted-btree').split(',');
const GROUPS = arg('groups', 'fill,sync,ycsb').split(',');
const rows = [];

for (let run = 0; run < RUNS; run++) {
  for (const group of GROUPS) {
    for (const engine of ENGINES) {
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

// Durability is verified by counting syncs, not by trusting options: each engine commits K
// durable single puts under strace, once with K = 0 and once with K = 200; the difference in
// fsync/fdatasync/msync/sync_file_range calls divided by 200 is its syncs per durable commit.
const syncsPerCommit = {};
const K = 200;
const countSyncs = (engine, n) => {
  const out = path.join(os.tmpdir(), `peers-strace-${engine}-${n}-${process.pid}.txt`);
  const r = spawnSync('strace', ['-f', '-c', '-o', out, '-e', 'trace=fsync,fdatasync,msync,sync_file_range', process.execPath, path.join(here, 'src/worker.mjs'), engine, 'synccount', String(n), '1'], { encoding: 'utf8' });
  if (r.error || r.status !== 0 || !existsSync(out)) return undefined;
  let calls = 0;
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const m = line.trim().match(/^[\d.]+\s+[\d.]+\s+\d+\s+(\d+)(?:\s+\d+)?\s+(fsync|fdatasync|msync|sync_file_range)$/);
    if (m) calls += Number(m[1]);
  }
  return calls;
};
if (!process.argv.includes('--no-sync-count')) {
  for (const engine of ENGINES.filter((e) => e !== 'sorted-btree')) {
    const base = countSyncs(engine, 0);
    const withCommits = countSyncs(engine, K);
    syncsPerCommit[engine] = base === undefined || withCommits === undefined ? NaN : (withCommits - base) / K;
    process.stderr.write(`syncs per durable commit, ${engine}: ${syncsPerCommit[engine]}\n`);
  }
}

mkdirSync(path.join(here, 'results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(path.join(here, 'results', `${stamp}.json`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (!Number.isFinite(x) ? '–' : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const workloads = [...new Set(rows.filter((r) => r.workload).map((r) => r.workload))];
const header = ['workload', ...ENGINES, 'PhotonDB / best peer'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const w of workloads) {
  const cells = [];
  const medians = {};
  for (const e of ENGINES) {
    const rs = rows.filter((r) => r.engine === e && r.workload === w);
    const errors = rs.filter((r) => r.error);
    const xs = rs.filter((r) => !r.error).map((r) => r.opsPerSec);
    if (errors.length) cells.push(`error: ${errors[0].error.slice(0, 60)}`);
    else if (xs.length === 0) cells.push('–');
    else {
      const m = median(xs);
      medians[e] = m;
      const spread = xs.length > 1 ? ` ±${(((Math.max(...xs) - Math.min(...xs)) / 2 / m) * 100).toFixed(0)}%` : '';
      cells.push(`${fmt(m)}${spread}`);
    }
  }
  const peers = Object.entries(medians).filter(([e]) => e !== 'photondb' && e !== 'sorted-btree').map(([, m]) => m);
  const ratio = medians.photondb !== undefined && peers.length ? (medians.photondb / Math.max(...peers)).toFixed(2) : '–';
  lines.push(`| ${w} ops/s | ${cells.join(' | ')} | ${ratio} |`);
}
const perEngine = (field) => ENGINES.map((e) => fmt(median(rows.filter((r) => r.engine === e && r[field] !== undefined).map((r) => r[field]))));
lines.push(`| disk after fillrandom MiB (raw ${((N * 116) / 2 ** 20).toFixed(0)}) | ${perEngine('diskMiB').join(' | ')} | |`);
lines.push(`| peak RSS MiB | ${perEngine('peakRssMiB').join(' | ')} | |`);
if (Object.keys(syncsPerCommit).length > 0) {
  lines.push(`| syncs per durable commit (strace) | ${ENGINES.map((e) => (syncsPerCommit[e] === undefined ? '–' : Number.isFinite(syncsPerCommit[e]) ? syncsPerCommit[e].toFixed(2) : 'n/a')).join(' | ')} | |`);
}

const versions = ENGINES.filter((e) => e !== 'photondb').map((e) => {
  const pkg = { rocksdb: '@nxtedition/rocksdb' }[e] ?? e;
  const f = path.join(here, 'node_modules', pkg, 'package.json');
  return `${pkg} ${existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).version : '?'}`;
});
const table = lines.join('\n');
console.log(table);
writeFileSync(
  path.join(here, 'RESULTS.md'),
  `# Peer benchmark results\n\n${new Date().toISOString().slice(0, 10)}, N = ${N.toLocaleString('en')}, ${RUNS} runs (medians), ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.\nVersions: ${versions.join(', ')}.\n\n${table}\n`,
);
