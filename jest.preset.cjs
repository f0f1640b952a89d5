// Shared jest settings for every workspace project. Tests run on the TypeScript sources through
// ts-jest in transpile-only mode (no build needed); type-checking is `pnpm typecheck`.
const path = require('node:path');
const root = __dirname;

/** @returns {import('jest').Config} */
module.exports = function preset(dir) {
  const pkg = require(path.join(dir, 'package.json'));
  return {
    displayName: pkg.name,
    rootDir: dir,
    testEnvironment: 'node',
    testTimeout: 120000,
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.jest.json'), diagnostics: false }],
    },
    moduleNameMapper: {
      '^@photondb/([a-z-]+)/(testing|memory)$': path.join(root, 'packages/$1/src/$2/index.ts'),
      '^@photondb/([a-z-]+)$': path.join(root, 'packages/$1/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  };
};
