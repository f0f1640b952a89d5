/**
 * The contracts' FileSystem suite, run against each implementation in this package.
 */
import { afterAll, describe, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFileSystemContract } from '@photondb/contracts/testing';
import { MemoryFileSystem, NodeFileSystem, SimulatedFileSystem } from '@photondb/io';

let n = 0;
runFileSystemContract('MemoryFileSystem', { create: () => ({ fs: new MemoryFileSystem(), root: `/t${n++}` }) }, { describe, it });
runFileSystemContract('SimulatedFileSystem', { create: () => ({ fs: new SimulatedFileSystem({ seed: n }), root: `/t${n++}` }) }, { describe, it });

const tempRoots: string[] = [];
runFileSystemContract(
  'NodeFileSystem',
  {
    create: () => {
      const root = mkdtempSync(join(tmpdir(), 'photondb-io-'));
      tempRoots.push(root);
      return { fs: new NodeFileSystem(), root };
    },
  },
  { describe, it },
);
afterAll(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});
