// The workspace members named by pnpm-workspace.yaml (globs of the form dir/* and exclusions
// !dir/name), as absolute directories holding a package.json. Root jest, the type-check config,
// API reports and pack-check all use this list, so a package parked outside the workspace (see the
// root README, "State of the packages") is skipped everywhere at once.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

function workspaceDirs() {
  const text = fs.readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const patterns = [...text.matchAll(/^\s*-\s*["']?([^"'\n]+)["']?\s*$/gm)].map((m) => m[1].trim());
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = new Set(patterns.filter((p) => p.startsWith('!')).map((p) => path.join(root, p.slice(1))));
  const dirs = [];
  for (const pattern of include) {
    if (pattern.endsWith('/*')) {
      const parent = path.join(root, pattern.slice(0, -2));
      if (!fs.existsSync(parent)) continue;
      for (const name of fs.readdirSync(parent).sort()) dirs.push(path.join(parent, name));
    } else {
      dirs.push(path.join(root, pattern));
    }
  }
  return dirs.filter((d) => !exclude.has(d) && fs.existsSync(path.join(d, 'package.json')));
}

module.exports = { root, workspaceDirs };
