/**
 * A pool of Worker threads for hostile-input tests (TESTING.md R7): every file is opened in a
 * Worker with a capped heap and a watchdog, so a hang, a runaway allocation or a crash is caught
 * and counted instead of taking the test process down.
 *
 * Protocol. The worker source (CommonJS text run with `eval`) receives `{ id, task }` messages and
 * must answer each with `{ id, outcome }`, where outcome is `{ kind: 'ok' | 'typed' | 'untyped',
 * detail? }` (`typed`: a PhotonError; `untyped`: any other exception). The pool adds `hang` (no
 * answer within `timeoutMs`; the worker is terminated and replaced) and `crash` (the worker died,
 * for example out of memory).
 */
import { Worker } from 'node:worker_threads';

/** How one hostile input fared. */
export interface HostileOutcome {
  readonly kind: 'ok' | 'typed' | 'untyped' | 'hang' | 'crash';
  readonly detail?: string;
}

/** Options of `runHostilePool`. */
export interface HostilePoolOptions<T> {
  /** CommonJS source of the worker (see the protocol above). */
  readonly source: string;
  /** Passed to every worker as `workerData`. */
  readonly workerData?: unknown;
  /** The inputs; each is posted to a worker as `task`. */
  readonly tasks: readonly T[];
  /** Watchdog per task, from when it is posted (default 2000 ms). */
  readonly timeoutMs?: number;
  /** Heap cap of each worker (default 256 MiB). */
  readonly heapMb?: number;
  /** Workers running at once (default 2). */
  readonly workers?: number;
  /** Extra time the first task of a new worker may take (its start-up; default 10 s). */
  readonly startupMs?: number;
}

/** Runs every task in a worker and returns the outcomes in task order. */
export async function runHostilePool<T>(options: HostilePoolOptions<T>): Promise<HostileOutcome[]> {
  const { source, tasks } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const startupMs = options.startupMs ?? 10_000;
  const outcomes: HostileOutcome[] = new Array(tasks.length);
  let next = 0;

  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    let fresh = true;
    const spawn = (): Worker => {
      fresh = true;
      return new Worker(source, {
        eval: true,
        workerData: options.workerData,
        resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 256, maxYoungGenerationSizeMb: 32 },
        stdout: true,
        stderr: true,
      });
    };
    try {
      while (next < tasks.length) {
        const id = next++;
        worker ??= spawn();
        const w = worker;
        const limit = timeoutMs + (fresh ? startupMs : 0);
        fresh = false;
        const outcome = await new Promise<HostileOutcome>((resolve) => {
          const done = (o: HostileOutcome): void => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(o);
          };
          const onMessage = (m: { id: number; outcome: HostileOutcome }): void => {
            if (m.id === id) done(m.outcome);
          };
          const onError = (e: Error): void => done({ kind: 'crash', detail: `${(e as { code?: string }).code ?? ''} ${e.message}`.trim() });
          const onExit = (code: number): void => done({ kind: 'crash', detail: `worker exited with code ${code}` });
          const timer = setTimeout(() => done({ kind: 'hang', detail: `no answer in ${limit} ms` }), limit);
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage({ id, task: tasks[id] });
        });
        outcomes[id] = outcome;
        if (outcome.kind === 'hang' || outcome.kind === 'crash') {
          await w.terminate().catch(() => 0);
          worker = undefined;
        }
      }
    } finally {
      await worker?.terminate().catch(() => 0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers ?? 2) }, lane));
  return outcomes;
}

/** Counts outcomes by kind, with the first few details of each bad kind, for a readable failure. */
export function summarizeOutcomes(outcomes: readonly HostileOutcome[]): { counts: Record<HostileOutcome['kind'], number>; bad: string[] } {
  const counts = { ok: 0, typed: 0, untyped: 0, hang: 0, crash: 0 };
  const bad: string[] = [];
  outcomes.forEach((o, i) => {
    counts[o.kind]++;
    if ((o.kind === 'untyped' || o.kind === 'hang' || o.kind === 'crash') && bad.length < 10) bad.push(`#${i} ${o.kind}: ${o.detail ?? ''}`);
  });
  return { counts, bad };
}
