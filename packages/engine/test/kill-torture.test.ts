/**
 * R1, kill -9 torture (../shared/TESTING.md): a child process commits seeded transactions on
 * real files and is SIGKILLed at random times and in named phases — recovery, checkpoint, log
 * truncation and segment rotation, close. After every kill the parent reopens the database and
 * checks: every acknowledged commit is there, the state is exactly the state after some prefix of
 * the commit order (no partial transaction), and `verify()` finds nothing. Rounds continue on the
 * same database, so later rounds recover from earlier kills.
 *
 * CI runs R1_KILLS kills (PHOTON_TORTURE_SCALE multiplies them).
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { open } from '@photondb/engine';
import { LAST_KEY, applyTransactions, prng } from './helpers/workload.js';
import { reportFigure, scaled } from './helpers/report.js';

const ROOT = resolve(__dirname, '../../..');
/** One process per child (node with tsx's loader), so SIGKILL kills the process that holds the files. */
const CHILD = join(__dirname, 'helpers', 'kill-child.ts');
const R1_KILLS = scaled(Number(process.env.PHOTON_R1_KILLS ?? '200'));
const SEED = Number(process.env.PHOTON_SEED ?? '20261125');

type Mode = 'random' | 'checkpoint' | 'recovery' | 'log' | 'close';
const MODES: readonly { mode: Mode; killAt?: string; maxNth: number }[] = [
  { mode: 'random', maxNth: 0 },
  { mode: 'checkpoint', killAt: 'checkpoint', maxNth: 4 },
  { mode: 'recovery', killAt: 'engine-recovery-replay|engine-before-store-checkpoint', maxNth: 10 },
  { mode: 'log', killAt: 'engine-before-log-truncate|wal-', maxNth: 6 },
  { mode: 'random', maxNth: 0 },
  { mode: 'recovery', killAt: 'engine-recovery-replay|engine-before-store-checkpoint', maxNth: 3 },
  { mode: 'close', killAt: 'engine-close|checkpoint|wal-close', maxNth: 1 },
  { mode: 'checkpoint', killAt: 'checkpoint', maxNth: 2 },
];

interface ChildRun {
  lines: string[];
  opened: boolean;
  lastAck: number;
  lastIntent: number;
  phase: string | undefined;
  exit: string;
}

function runChild(path: string, seed: number, first: number, mode: Mode, killAt: string | undefined, nth: number, delayMs: number): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.typecheck.json') };
    if (killAt) {
      env.PHOTON_KILL_AT = killAt;
      env.PHOTON_KILL_NTH = String(nth);
    } else {
      delete env.PHOTON_KILL_AT;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(seed), String(first), mode], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { lines: [], opened: false, lastAck: first - 1, lastIntent: first - 1, phase: undefined, exit: '' };
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        run.lines.push(line);
        if (line === 'open') {
          run.opened = true;
          // Random mode kills after a random delay; a phase that does not come soon is cut short
          // the same way (a recovery with nothing to replay, a checkpoint that is not due).
          const fallback = !killAt ? delayMs : mode === 'recovery' ? delayMs : 1500 + delayMs;
          timer = setTimeout(() => child.kill('SIGKILL'), fallback);
        } else if (line.startsWith('ack ')) run.lastAck = Math.max(run.lastAck, Number(line.slice(4)));
        else if (line.startsWith('intent ')) run.lastIntent = Math.max(run.lastIntent, Number(line.slice(7)));
        else if (line.startsWith('phase ')) run.phase = line.slice(6);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (timer) clearTimeout(timer);
      run.exit = signal ?? `exit ${code}`;
      const error = run.lines.find((l) => l.startsWith('error '));
      if (error || (signal === null && code !== 0)) {
        fail(new Error(`child failed (${run.exit}): ${error ?? ''}\n${stderr}`));
        return;
      }
      done(run);
    });
  });
}

describe('R1: kill -9 torture on real files', () => {
  it(`loses no acknowledged commit and no transaction is partial across ${R1_KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-r1-'));
    const path = join(dir, 'db');
    const rand = prng(SEED);
    const model = new Map<string, string>();
    let committed = 0;
    let kills = 0;
    const phases = new Map<string, number>();
    const reopenMs: number[] = [];
    const problems: string[] = [];
    try {
      for (let round = 0; round < R1_KILLS; round++) {
        const spec = MODES[round % MODES.length];
        const nth = spec.maxNth > 0 ? 1 + Math.floor(rand() * spec.maxNth) : 0;
        const delay = 5 + Math.floor(rand() * 250);
        const run = await runChild(path, SEED, committed + 1, spec.mode, spec.killAt, nth, delay);
        const killed = run.exit === 'SIGKILL';
        if (killed) kills++;
        const phase = !run.opened ? 'recovery' : run.phase ? (run.phase.includes('checkpoint') ? 'checkpoint' : run.phase.includes('close') ? 'close' : 'log') : spec.mode === 'close' && !killed ? 'clean close' : 'random';
        phases.set(phase, (phases.get(phase) ?? 0) + 1);

        const started = performance.now();
        // Before a recovery round, check read-only: recovery then replays into memory and changes
        // nothing on disk, so the next child still finds the log to replay and is killed in the
        // middle of it. Otherwise a writable open replays and checkpoints, and the next child's
        // kills land in its own checkpoints and log writes.
        const nextIsRecovery = MODES[(round + 1) % MODES.length].mode === 'recovery';
        const db = await open(path, nextIsRecovery ? { readOnly: true } : { createIfMissing: false, pageSizeBytes: 4096, walSegmentBytes: 16 * 1024, checkpointLogBytes: 48 * 1024 });
        reopenMs.push(performance.now() - started);
        try {
          const lastRaw = await db.get(Buffer.from(LAST_KEY));
          const recovered = lastRaw === undefined ? 0 : Number(Buffer.from(lastRaw).toString());
          const where = `round ${round} (${spec.mode}, ${run.exit}, phase ${phase}, seed ${SEED})`;
          if (recovered < run.lastAck) problems.push(`${where}: acknowledged ${run.lastAck} but recovered only up to ${recovered}`);
          if (recovered > run.lastIntent) problems.push(`${where}: recovered ${recovered}, beyond the last intent ${run.lastIntent}`);
          if (recovered < committed) problems.push(`${where}: recovered ${recovered}, below the ${committed} recovered before`);
          applyTransactions(model, SEED, committed + 1, recovered);
          committed = Math.max(committed, recovered);
          const state = new Map<string, string>();
          for (const [k, v] of db.scan()) state.set(Buffer.from(k).toString(), Buffer.from(v).toString());
          const same = state.size === model.size && [...model].every(([k, v]) => state.get(k) === v);
          if (!same) problems.push(`${where}: the recovered state is not the state after transaction ${recovered} (a partial or lost transaction)`);
          const verify = db.verify();
          if (verify.length > 0) problems.push(`${where}: verify() found ${verify.length} problems: ${verify[0].where}: ${verify[0].message}`);
        } finally {
          await db.close();
        }
        if (problems.length > 0) break;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sorted = [...reopenMs].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
    const byPhase = [...phases].map(([p, n]) => `${p} ${n}`).join(', ');
    reportFigure({ id: 'R1', what: 'kill -9 rounds', tried: R1_KILLS, failed: problems.length, detail: `${kills} kills (${byPhase}); ${committed} transactions recovered; reopen p99 ${p99.toFixed(0)} ms` });
    expect(problems).toEqual([]);
    expect(committed).toBeGreaterThan(R1_KILLS);
    expect((phases.get('recovery') ?? 0) / R1_KILLS).toBeGreaterThanOrEqual(0.15);
    expect(((phases.get('checkpoint') ?? 0) + (phases.get('log') ?? 0)) / R1_KILLS).toBeGreaterThanOrEqual(0.2);
  }, scaled(600_000)); // the torture tier multiplies the kills, so the time too
});
