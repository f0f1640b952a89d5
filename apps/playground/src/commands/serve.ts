/**
 * `photon serve <db>`: the local web view on http://127.0.0.1:<port>/ (loopback only): the B-tree
 * level by level with a searched key's path highlighted, a page map, a page inspector, live
 * stats over server-sent events and a bench panel. Ctrl-C stops the server and closes the
 * database cleanly.
 */
import type { CommandSpec } from '../command.js';
import { intOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { openDatabase } from '../open-database.js';
import { startServer } from '../server.js';

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'Local web view (127.0.0.1 only): B-tree with lookup paths, page map, page inspector, live stats, bench.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {
    port: { type: 'string', short: 'p', valueName: 'n', description: 'TCP port (0 picks a free one)', default: '7070' },
  },
  readOnly: false,
  examples: ['photon serve ./mydb', 'photon serve ./mydb --port 0'],
  async run(args, ctx) {
    const port = intOption(args, 'port', 7070, 0, 65535, 'serve');
    const db = await openDatabase(args.positionals[0]);
    let running;
    try {
      running = await startServer(db, { port });
    } catch (e) {
      await db.close();
      throw e;
    }
    ctx.stdout.write(`serving ${db.path} at ${running.url}  (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      ctx.signal.addEventListener('abort', stop, { once: true });
    });
    await running.close();
    await db.close();
    ctx.stdout.write('stopped\n');
    return EXIT.OK;
  },
};
