/**
 * The command context: where a command writes, what it reads, how it is cancelled, and how it can
 * start a copy of the CLI in a child process. Handlers take a context instead of touching
 * `process` directly, so tests call them as functions and capture their output.
 */

/** Something a command writes text to (a TTY, a pipe, or a test buffer). */
export interface TextSink {
  write(text: string): unknown;
  /** True when a human is watching (progress bars redraw in place). */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** Everything a command handler may use from its environment. */
export interface CommandContext {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Standard input, for `load -` and the REPL. */
  readonly stdin: NodeJS.ReadableStream;
  /** Aborted on Ctrl-C (SIGINT) while a command runs. */
  readonly signal: AbortSignal;
  /**
   * The argv prefix that starts this CLI again in a child process: `[execPath, ...execArgv,
   * script]`. The demo uses it to run its crash child.
   */
  readonly selfCommand: readonly string[];
  /** Print stacks of unexpected errors. */
  readonly debug: boolean;
}

/** A sink that collects text in memory (tests and the web bench panel). */
export class BufferSink implements TextSink {
  readonly isTTY = false;
  private readonly chunks: string[] = [];

  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }

  /** Everything written so far. */
  text(): string {
    return this.chunks.join('');
  }
}
