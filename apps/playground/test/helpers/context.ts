/** A command context that captures output, for calling handlers and runCli as functions. */
import { PassThrough } from 'node:stream';
import { BufferSink } from '../../src/context.js';
import type { CommandContext } from '../../src/context.js';
import { cliCommand } from './cli-process.js';

export interface CapturedContext extends CommandContext {
  readonly stdout: BufferSink;
  readonly stderr: BufferSink;
  readonly controller: AbortController;
}

/** A fresh captured context; stdin is an empty stream unless given. */
export function captureContext(stdin?: NodeJS.ReadableStream): CapturedContext {
  const controller = new AbortController();
  const empty = new PassThrough();
  empty.end();
  return {
    stdout: new BufferSink(),
    stderr: new BufferSink(),
    stdin: stdin ?? empty,
    signal: controller.signal,
    selfCommand: cliCommand(),
    debug: false,
    controller,
  };
}
