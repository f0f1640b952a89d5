/**
 * A child process for test/lock.test.ts, run with `node --import tsx`: takes the lock on the
 * directory given as argv[2] (lock name argv[3], default LOCK) through NodeFileSystem, prints
 * `held <pid>` and waits until killed; prints `locked <pid>` or `error <code>` if it cannot.
 */
import { NodeFileSystem } from '../../src/index.js';

const dir = process.argv[2];
const name = process.argv[3] ?? 'LOCK';
try {
  new NodeFileSystem().openDirectory(dir).lock(name);
  process.stdout.write(`held ${process.pid}\n`);
  setInterval(() => {}, 1 << 30);
} catch (e) {
  const err = e as { code?: string; pid?: number };
  process.stdout.write(err.code === 'LOCKED' ? `locked ${String(err.pid)}\n` : `error ${String(err.code)} ${(e as Error).message}\n`);
  process.exit(0);
}
