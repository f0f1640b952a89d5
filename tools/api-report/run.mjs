#!/usr/bin/env node
// API reports: for every public package and every entry point in its `exports`, API Extractor
// reads the built .d.ts and writes `packages/<name>/etc/<name>[-<entry>].api.md`. Without
// `--local` (CI) a report that differs from the committed one fails the run, so every change of a
// public surface shows in review; run `pnpm api:update` (this script with --local) to accept it.
// Run after `pnpm build`.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const { workspaceDirs } = createRequire(import.meta.url)('../ci/workspace.cjs');
const members = new Set(workspaceDirs());

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const local = process.argv.includes('--local');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let failed = 0;
let changed = 0;

for (const dirName of readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', dirName);
  const manifestPath = path.join(dir, 'package.json');
  if (!existsSync(manifestPath) || !members.has(dir)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  for (const [sub, target] of Object.entries(manifest.exports ?? {})) {
    if (sub === './package.json' || typeof target !== 'object' || !target.types) continue;
    const entry = sub === '.' ? '' : `-${sub.slice(2).replace(/\//g, '-')}`;
    const reportFileName = `${dirName}${entry}.api.md`;
    if (only.length && !only.includes(dirName)) continue;
    if (!existsSync(path.join(dir, target.types))) {
      failed++;
      console.log(`FAIL ${manifest.name}${sub === '.' ? '' : sub.slice(1)}: ${target.types} is missing; run \`pnpm build\` first`);
      continue;
    }
    mkdirSync(path.join(dir, 'etc'), { recursive: true });
    mkdirSync(path.join(dir, 'temp'), { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: path.join(dir, target.types),
        compiler: { overrideTsconfig: { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: true, types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')] } } },
        apiReport: { enabled: true, reportFileName, reportFolder: path.join(dir, 'etc'), reportTempFolder: path.join(dir, 'temp') },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'none' },
            'ae-missing-release-tag': { logLevel: 'none' },
            'ae-forgotten-export': { logLevel: 'none' },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: path.join(dir, 'api-extractor.json'),
      packageJsonFullPath: manifestPath,
    });
    const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false, messageCallback: (m) => {
      if (m.logLevel === 'warning' || m.logLevel === 'error') {
        console.log(`${manifest.name}${sub === '.' ? '' : sub.slice(1)}: ${m.text}`);
        m.handled = true;
      } else {
        m.handled = true;
      }
    } });
    const name = `${manifest.name}${sub === '.' ? '' : sub.slice(1)}`;
    if (result.apiReportChanged) changed++;
    if (!result.succeeded) {
      failed++;
      console.log(`FAIL ${name}: ${result.apiReportChanged ? `its public API differs from etc/${reportFileName}; run \`pnpm api:update\` and commit the report` : 'API Extractor reported errors'}`);
    } else {
      console.log(`ok   ${name}: etc/${reportFileName}${result.apiReportChanged ? ' (updated)' : ''}`);
    }
  }
}
console.log(`api reports: ${failed === 0 ? 'all match' : `${failed} failed`}${local && changed ? `, ${changed} updated` : ''}`);
process.exit(failed === 0 ? 0 : 1);
