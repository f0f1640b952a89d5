/** Runs every example in order; exits non-zero if one throws. `node dist/run-all.js`. */
import { main as memoryMap } from './01-memory-map.js';
import { main as durableBtree } from './02-durable-btree.js';
import { main as eventLog } from './03-event-log.js';
import { main as customFileSystem } from './04-custom-file-system.js';
import { main as compoundKeys } from './05-compound-keys.js';

const examples: [string, () => Promise<unknown>][] = [
  ['01 in-memory ordered map', () => memoryMap()],
  ['02 durable B-tree without a log', () => durableBtree()],
  ['03 durable event log', () => eventLog()],
  ['04 engine over a custom FileSystem', () => customFileSystem()],
  ['05 compound keys with the datum key codec', () => compoundKeys()],
];

async function runAll(): Promise<void> {
  for (const [name, run] of examples) {
    console.log(`# ${name}`);
    await run();
  }
}

runAll().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
