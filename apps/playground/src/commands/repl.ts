/**
 * `photon repl <db>`: an interactive shell on `node:repl` with history (~/.photon_history, or
 * $PHOTON_HISTORY; empty disables it) and tab completion of commands, dot-commands, table names
 * and keys. Lines run one at a time in order, also when piped in; errors print one line and the
 * shell continues. See repl-session.ts for the commands.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import repl from 'node:repl';
import { Writable } from 'node:stream';
import type { CommandSpec } from '../command.js';
import type { CommandContext, TextSink } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { allTables } from '../inspect.js';
import { openDatabase } from '../open-database.js';
import { reportError } from '../report-error.js';
import { DOT_COMMANDS, REPL_ENCODINGS, REPL_WORDS, ReplSession } from '../repl-session.js';

/** Completions for a partial line: [matches, the part being completed]. */
export function completeLine(session: ReplSession, line: string): [string[], string] {
  const words = line.split(/\s+/);
  const last = words[words.length - 1];
  if (words.length === 1) {
    const all = [...REPL_WORDS, ...Object.keys(DOT_COMMANDS).map((d) => '.' + d), '.exit'];
    return [all.filter((w) => w.startsWith(last)), last];
  }
  const first = words[0];
  if (words.length === 2 && ['get', 'del', 'put', '.path', 'scan', 'count'].includes(first)) {
    return [session.completeKey(last), last];
  }
  if (words.length === 2 && first === 'use') return [allTables(session.db).filter((t) => t.startsWith(last)), last];
  if (words.length === 2 && first === '.mode') return [['table', 'json'].filter((t) => t.startsWith(last)), last];
  if (words.length === 2 && first === '.encoding') return [REPL_ENCODINGS.filter((t) => t.startsWith(last)), last];
  if (words.length === 2 && first === '.timer') return [['on', 'off'].filter((t) => t.startsWith(last)), last];
  return [[], last];
}

function outputStream(sink: TextSink): NodeJS.WritableStream {
  if (sink instanceof Writable) return sink;
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      sink.write(chunk.toString());
      done();
    },
  });
}

function historyPath(): string {
  return process.env.PHOTON_HISTORY ?? join(homedir(), '.photon_history');
}

/** Runs the shell until its input ends or `.exit`; resolves to the exit code. */
export async function runRepl(path: string, ctx: CommandContext): Promise<number> {
  const db = await openDatabase(path, { create: true });
  const session = new ReplSession(db);
  const output = outputStream(ctx.stdout);
  const terminal = Boolean((ctx.stdin as { isTTY?: boolean }).isTTY) && Boolean(ctx.stdout.isTTY);
  if (terminal) output.write(`PhotonDB ${path} — type .help for commands, Ctrl-D to leave\n`);
  let queue: Promise<void> = Promise.resolve();
  const server = repl.start({
    prompt: session.prompt(),
    input: ctx.stdin,
    output,
    terminal,
    ignoreUndefined: true,
    useColors: false,
    completer: (line: string) => completeLine(session, line),
    eval: (cmd, _context, _file, callback) => {
      queue = queue.then(async () => {
        try {
          const out = await session.execute(cmd);
          if (out) output.write(out);
        } catch (e) {
          output.write(reportError(e, undefined, ctx.debug).line.replace(/^photon: /, 'error: ').replace(/ \(see photon --help\)$/, '') + '\n');
        }
        server.setPrompt(session.prompt());
        callback(null, undefined);
      });
    },
  });
  for (const name of Object.keys(DOT_COMMANDS)) {
    server.defineCommand(name, {
      help: DOT_COMMANDS[name],
      action(arg: string) {
        queue = queue.then(async () => {
          try {
            const out = await session.dot(`${name} ${arg}`);
            if (out) output.write(out);
          } catch (e) {
            output.write(reportError(e, undefined, ctx.debug).line.replace(/^photon: /, 'error: ').replace(/ \(see photon --help\)$/, '') + '\n');
          }
          server.setPrompt(session.prompt());
          server.displayPrompt();
        });
      },
    });
  }
  const history = historyPath();
  if (history) server.setupHistory(history, () => {});
  await new Promise<void>((resolve) => server.on('exit', () => resolve()));
  await queue;
  session.close();
  await db.close();
  return EXIT.OK;
}

export const replCommand: CommandSpec = {
  name: 'repl',
  summary: 'Interactive shell: get, put, del, scan, count, transactions, .tree, .path, .page, .stats…',
  description: 'Creates the database when missing. History is kept in ~/.photon_history (set PHOTON_HISTORY to move it, or to an empty string to turn it off).',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: false,
  examples: ['photon repl ./mydb', "echo 'scan limit=5' | photon repl ./mydb"],
  async run(args, ctx) {
    return runRepl(args.positionals[0], ctx);
  },
};
