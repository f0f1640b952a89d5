#!/usr/bin/env node
/**
 * The `photon` executable: runs `runCli` on the real process. Ctrl-C aborts the running command's
 * AbortSignal first (a load stops between batches and reports); a second Ctrl-C exits at once.
 * Long-running commands (`repl`, `serve`) handle SIGINT themselves.
 */
import { runCli } from './main.js';

function main(): void {
  const controller = new AbortController();
  const argv = process.argv.slice(2);
  const interactive = argv[0] === 'repl' || argv[0] === 'serve';
  if (!interactive) {
    process.on('SIGINT', () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    });
  }
  runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signal: controller.signal,
    selfCommand: [process.execPath, ...process.execArgv, process.argv[1]],
    debug: process.env.PHOTON_DEBUG === '1',
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`photon: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

main();
