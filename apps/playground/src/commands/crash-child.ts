/**
 * The demo's crash child (hidden command `photon __crash-child <db>`): opens the database and
 * commits one small document after another, each with `sync: true`, printing `ack <n>` after a
 * commit's Promise resolved. The demo kills it with SIGKILL mid-stream; every `ack` it saw must
 * survive the crash. The loop never ends by itself (it stops after 100,000 commits as a guard).
 */
import { open } from '@photondb/engine';
import type { CommandSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** Keys the crash child writes. */
export function crashKey(n: number): string {
  return `crash:${String(n).padStart(6, '0')}`;
}

export const crashChildCommand: CommandSpec = {
  name: '__crash-child',
  summary: '(internal) the demo\'s crash child: commits until killed',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: false,
  async run(args, ctx) {
    const db = await open<string, unknown>(args.positionals[0], { keyEncoding: 'utf8', valueEncoding: 'datum' });
    ctx.stdout.write('ready\n');
    for (let n = 1; n <= 100_000; n++) {
      await db.set(crashKey(n), { n, note: 'committed before the crash', at: new Date().toISOString() });
      ctx.stdout.write(`ack ${n}\n`);
    }
    await db.close();
    return EXIT.OK;
  },
};
