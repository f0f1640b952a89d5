#!/usr/bin/env node
// `pnpm typecheck`: type-checks the sources, tests and benches of every workspace member
// (tools/ci/workspace.cjs) in one tsc program, using tsconfig.typecheck.json's settings.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { root, workspaceDirs } = require('./workspace.cjs');
const base = JSON.parse(readFileSync(path.join(root, 'tsconfig.typecheck.json'), 'utf8'));
const include = workspaceDirs().flatMap((d) => ['src', 'test', 'bench'].map((sub) => `${path.relative(root, d)}/${sub}/**/*.ts`));
const generated = path.join(root, 'tsconfig.typecheck.generated.json');
writeFileSync(generated, JSON.stringify({ ...base, include }, null, 2));
const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', generated], { cwd: root, stdio: 'inherit' });
rmSync(generated, { force: true });
process.exit(r.status ?? 1);
