/**
 * Turns an error into the one line the CLI prints, and its exit code. User mistakes and database
 * errors never show a stack trace; `--debug` adds one (with causes) for anything.
 */
import { isPhotonError } from '@photondb/contracts';
import { EXIT } from './exit-codes.js';
import { isUsageError } from './usage-error.js';

/** What to print for an error and which code to exit with. */
export interface ErrorReport {
  readonly line: string;
  readonly exitCode: number;
  readonly stack?: string;
}

/** Formats `e` raised by command `command` (undefined before a command was chosen). */
export function reportError(e: unknown, command: string | undefined, debug: boolean): ErrorReport {
  const who = command ? `photon ${command}` : 'photon';
  const stack = debug ? fullStack(e) : undefined;
  if (isUsageError(e)) {
    const helpFor = e.command ?? command;
    return { line: `${who}: ${e.message} (see photon ${helpFor ? helpFor + ' ' : ''}--help)`, exitCode: EXIT.USAGE, stack };
  }
  if (isPhotonError(e)) {
    return { line: `${who}: ${e.code}: ${oneLine(e.message)}`, exitCode: EXIT.FAILED, stack };
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown })?.code;
  const prefix = typeof code === 'string' && /^E[A-Z]+$/.test(code) ? `${code}: ` : '';
  const hint = debug || prefix ? '' : ' (run with --debug for a stack trace)';
  return { line: `${who}: ${prefix}${oneLine(message)}${hint}`, exitCode: EXIT.FAILED, stack };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function fullStack(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 5; depth++) {
    parts.push(cur instanceof Error ? cur.stack ?? cur.message : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
    if (cur !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}
