// One root jest: every workspace member (pnpm-workspace.yaml) with a jest.config.cjs is a project.
const fs = require('node:fs');
const path = require('node:path');
const { workspaceDirs } = require('./tools/ci/workspace.cjs');

const projects = workspaceDirs().filter((p) => fs.existsSync(path.join(p, 'jest.config.cjs')));

/** @type {import('jest').Config} */
module.exports = { projects };
