/**
 * Runs the `photon` CLI as a real process: `node <tsx cli> --tsconfig <paths config> src/cli.ts`,
 * so the process resolves `@photondb/*` to the packages' sources exactly as jest does and nothing
 * needs building. (The built `dist/cli.js` behaves the same; `pnpm demo` runs that one.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const APP_DIR = resolve(__dirname, '..', '..');
export const REPO_DIR = resolve(APP_DIR, '..', '..');

const requireFromBench = createRequire(join(REPO_DIR, 'tools', 'bench', 'package.json'));

/** The path of tsx's CLI entry. */
export function tsxCli(): string {
  return requireFromBench.resolve('tsx/cli');
}

/** argv prefix that starts the CLI: [node, tsx, --tsconfig, paths config, src/cli.ts]. */
export function cliCommand(): string[] {
  // PHOTON_TEST_TSCONFIG: another tsconfig whose paths map @photondb/* (default: the repository's).
  const tsconfig = process.env.PHOTON_TEST_TSCONFIG ?? join(REPO_DIR, 'tsconfig.typecheck.json');
  return [process.execPath, tsxCli(), '--tsconfig', tsconfig, join(APP_DIR, 'src', 'cli.ts')];
}

/** The result of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `photon <args>` to completion, with optional stdin text. */
export function runPhoton(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  const [cmd, ...prefix] = cliCommand();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...prefix, ...args], { cwd: APP_DIR, env: { ...process.env, PHOTON_HISTORY: '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Synchronous variant for quick checks. */
export function runPhotonSync(args: readonly string[]): CliRun {
  const [cmd, ...prefix] = cliCommand();
  const r = spawnSync(cmd, [...prefix, ...args], { cwd: APP_DIR, encoding: 'utf8', env: { ...process.env, PHOTON_HISTORY: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
