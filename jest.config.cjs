// One root jest: every package, app and tool that has a jest.config.cjs is a project.
const fs = require('node:fs');
const path = require('node:path');

const projects = ['packages', 'apps', 'tools'].flatMap((group) => {
  const dir = path.join(__dirname, group);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => path.join(dir, name))
    .filter((p) => fs.existsSync(path.join(p, 'jest.config.cjs')));
});

/** @type {import('jest').Config} */
module.exports = { projects };
