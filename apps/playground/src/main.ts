/**
 * `runCli(argv, ctx)`: picks the subcommand, parses its arguments, runs it, and turns any error
 * into one line and an exit code (report-error.ts). `cli.ts` wires it to the real process; tests
 * call it with a captured context.
 */
import type { CommandSpec } from './command.js';
import { formatHelp, parseCommand } from './command.js';
import type { CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { compactCommand } from './commands/compact.js';
import { crashChildCommand } from './commands/crash-child.js';
import { demoCommand } from './commands/demo.js';
import { dumpCommand } from './commands/dump.js';
import { loadCommand } from './commands/load.js';
import { pageCommand } from './commands/page.js';
import { pagesCommand } from './commands/pages.js';
import { replCommand } from './commands/repl.js';
import { serveCommand } from './commands/serve.js';
import { statCommand } from './commands/stat.js';
import { walCommand } from './commands/wal.js';

/** Every public subcommand, in help order. */
export const COMMANDS: readonly CommandSpec[] = [
  demoCommand,
  replCommand,
  serveCommand,
  statCommand,
  pagesCommand,
  pageCommand,
  dumpCommand,
  loadCommand,
  checkCommand,
  walCommand,
  compactCommand,
  benchCommand,
];

const HIDDEN: readonly CommandSpec[] = [crashChildCommand];

/** The top-level help. */
export function formatMainHelp(): string {
  const lines = [
    'photon — create, query, inspect and benchmark PhotonDB databases',
    '',
    'Usage: photon <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`),
    '',
    "Run 'photon <command> --help' for a command's arguments and options.",
    'Read-only commands take --json; every command takes --debug to print stack traces.',
    'Start with: photon demo',
  ];
  return lines.join('\n') + '\n';
}

function findCommand(name: string): CommandSpec {
  const spec = [...COMMANDS, ...HIDDEN].find((c) => c.name === name);
  if (!spec) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  return spec;
}

/** Runs `photon <argv...>` and resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  const debug = ctx.debug || argv.includes('--debug');
  let command: string | undefined;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      if (name === 'help' && rest[0] !== undefined) {
        ctx.stdout.write(formatHelp(findCommand(rest[0])));
      } else {
        ctx.stdout.write(formatMainHelp());
      }
      return EXIT.OK;
    }
    if (name === '--version' || name === '-v') {
      ctx.stdout.write(`photon (PhotonDB playground) on Node ${process.version}\n`);
      return EXIT.OK;
    }
    const spec = findCommand(name);
    command = spec.name;
    const args = parseCommand(spec, rest);
    if (args.values.help) {
      ctx.stdout.write(formatHelp(spec));
      return EXIT.OK;
    }
    return await spec.run(args, { ...ctx, debug });
  } catch (e) {
    const report = reportError(e, command, debug);
    ctx.stderr.write(report.line + '\n');
    if (report.stack) ctx.stderr.write(report.stack + '\n');
    return report.exitCode;
  }
}
