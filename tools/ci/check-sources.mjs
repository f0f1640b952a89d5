#!/usr/bin/env node
// Library sources are run by jest as CommonJS and loaded by require(esm) users, so they must not
// use `import.meta` or top-level await. Also refuses eval/new Function (DESIGN.md §9).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');
const problems = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) checkFile(p);
  }
}

function checkFile(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let depth = 0;
  lines.forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    const where = `${path.relative(root, file)}:${i + 1}`;
    if (/\bimport\.meta\b/.test(code)) problems.push(`${where}: import.meta is not allowed in library sources`);
    if (/\beval\s*\(|new\s+Function\s*\(/.test(code)) problems.push(`${where}: eval/new Function is not allowed`);
    if (depth === 0 && /^\s*(const|let|var)?[^/]*\bawait\b/.test(code) && !/^\s*\*/.test(line)) {
      problems.push(`${where}: top-level await is not allowed in library sources`);
    }
    for (const ch of code.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '')) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
  });
}

for (const pkg of readdirSync(path.join(root, 'packages'))) {
  const src = path.join(root, 'packages', pkg, 'src');
  try {
    walk(src);
  } catch {
    /* package without sources */
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('library sources: no import.meta, no top-level await, no eval');
