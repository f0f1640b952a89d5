#!/usr/bin/env node
// `pnpm bench:peers [-- --n 200000 --runs 1 --engines photondb,lmdb ...]` from the repository root.
// The peers live in a private npm project outside the pnpm workspace (their native addons never
// install with the workspace), so this launcher installs them on first use with `npm ci` from
// the committed package-lock.json, then runs src/run.mjs with the arguments it was given. The
// root script builds PhotonDB's packages first (the photondb adapter loads packages/engine/dist).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const here = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const installed = ['lmdb', 'classic-level', '@nxtedition/rocksdb', 'better-sqlite3', 'sorted-btree'].every((name) =>
  existsSync(path.join(here, 'node_modules', name, 'package.json')),
);
if (!installed) {
  process.stderr.write('peers-bench: installing the peer engines (npm ci in tools/peers-bench)...\n');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`peers-bench: npm ci failed (exit ${r.status}); see the output above\n`);
    process.exit(r.status ?? 1);
  }
}
const args = process.argv.slice(2).filter((a) => a !== '--');
const run = spawnSync(process.execPath, [path.join(here, 'src/run.mjs'), ...args], { cwd: here, stdio: 'inherit' });
process.exit(run.status ?? 1);
