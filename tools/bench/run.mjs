#!/usr/bin/env node
// Runs every bench/*.bench.ts of the current package with tsx, one process per file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'bench');
if (!existsSync(dir)) {
  console.log(`no benchmarks in ${dir}`);
  process.exit(0);
}
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
  console.log(`\n## ${path.relative(process.cwd(), path.join(dir, file))}`);
  const r = spawnSync(process.execPath, [tsxCli, path.join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
