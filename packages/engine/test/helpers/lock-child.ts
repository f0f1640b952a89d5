/**
 * A long-lived opener for the locking races (test/locking.test.ts), run with tsx. Reads commands
 * from stdin, one per line, and answers each with one line:
 *   `open <path>`  → `won <ms>` | `locked <ms>` | `error <code> <message>`  (ms: time open() took)
 *   `close`        → `closed` (closes the database it holds, if any)
 *   `hold <path>`  → `held` after opening; then the parent may SIGKILL this process
 */
import { createInterface } from 'node:readline';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';

let db: PhotonDB | undefined;
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [command, path] = [line.slice(0, line.indexOf(' ') < 0 ? line.length : line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
  void (async () => {
    if (command === 'open' || command === 'hold') {
      const started = performance.now();
      try {
        db = await open(path, { createIfMissing: true });
        say(command === 'hold' ? 'held' : `won ${(performance.now() - started).toFixed(1)}`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'LOCKED') say(`locked ${(performance.now() - started).toFixed(1)}`);
        else say(`error ${code} ${(e as Error).message}`);
      }
    } else if (command === 'close') {
      await db?.close();
      db = undefined;
      say('closed');
    }
  })();
});
rl.on('close', () => {
  void db?.close();
});
