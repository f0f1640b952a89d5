/**
 * R4, I/O error injection through the engine (../shared/TESTING.md): EIO and ENOSPC at every kind
 * of file call (open, read, write, truncate, sync, datasync, create, rename, remove, directory
 * sync), the 1st to 89th such call (a Fibonacci spread), once and persistently, during seeded workloads and during
 * recovery. Every failure must surface as a typed PhotonError (never a crash, never an untyped
 * exception), and after a power loss the database must reopen holding every acknowledged commit,
 * equal to the state after a prefix of the commits, with `verify()` clean.
 */
import { describe, expect, it } from '@jest/globals';
import { isPhotonError } from '@photondb/contracts';
import { SimulatedFileSystem } from '@photondb/io';
import type { FaultOp } from '@photondb/io';
import { open } from '@photondb/engine';
import { OPTIONS, contents, modelAfter, runSteps, sameMap, workload } from './helpers/steps.js';
import type { Step } from './helpers/steps.js';
import { reportFigure, scaled } from './helpers/report.js';

const OPS: readonly FaultOp[] = ['open', 'read', 'write', 'truncate', 'sync', 'datasync', 'create', 'rename', 'remove', 'dirsync'];
const ERRNOS = ['EIO', 'ENOSPC'] as const;
/** Which call of a kind fails: spread over the whole workload, not only its start. */
const NTHS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

/** Why the state recovered from `fs` is wrong, or undefined. */
async function checkRecovered(fs: SimulatedFileSystem, steps: readonly Step[], acked: number, where: string): Promise<string | undefined> {
  if (!fs.exists('/db')) return acked > 0 ? `${where}: the database directory is gone` : undefined;
  let db;
  try {
    db = await open('/db', { fileSystem: fs, createIfMissing: true, ...OPTIONS });
  } catch (e) {
    return `${where}: reopen without faults failed: ${(e as Error).message}`;
  }
  try {
    const state = await contents(db);
    let ok = false;
    for (let n = steps.length; n >= acked && !ok; n--) ok = sameMap(modelAfter(steps, n), state);
    if (!ok) return `${where}: the recovered state is no prefix holding all ${acked} acknowledged steps`;
    const problems = db.verify();
    if (problems.length > 0) return `${where}: verify() found ${problems[0].where}: ${problems[0].message}`;
    return undefined;
  } finally {
    await db.close();
  }
}

describe('R4: injected I/O errors', () => {
  const workloads = scaled(3);

  it('surfaces every injected error as a typed error and loses no acknowledged commit', async () => {
    let tried = 0;
    let fired = 0;
    let ackedAtFault = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= workloads; seed++) {
      const steps = workload(seed);
      for (const op of OPS) {
        for (const errno of ERRNOS) {
          for (const persistent of [false, true]) {
            for (const nth of NTHS) {
              const fs = new SimulatedFileSystem({ seed });
              fs.addFault({ op, errno, persistent, nth });
              const acked = { n: 0 };
              let error: unknown;
              try {
                const db = await open('/db', { fileSystem: fs, createIfMissing: true, ...OPTIONS });
                try {
                  await runSteps(db, steps, acked);
                } finally {
                  await db.close().catch((e: unknown) => {
                    error ??= e;
                  });
                }
              } catch (e) {
                error ??= e;
              }
              tried++;
              const where = `workload ${seed}, ${errno} on ${op} #${nth}${persistent ? ' and after' : ''}, ${acked.n} steps acknowledged`;
              if (error === undefined) continue; // the workload made fewer such calls
              fired++;
              ackedAtFault += acked.n;
              if (!isPhotonError(error)) failures.push(`${where}: untyped ${String((error as Error)?.stack ?? error)}`);
              fs.clearFaults();
              const problem = await checkRecovered(fs.crash({ seed: nth, damage: 'torn' }), steps, acked.n, where);
              if (problem) failures.push(problem);
            }
          }
        }
      }
    }
    reportFigure({ id: 'R4', what: 'I/O errors during workloads', tried, failed: failures.length, detail: `${fired} runs hit their fault, after ${(ackedAtFault / Math.max(1, fired)).toFixed(1)} of 22 steps on average; ${OPS.length} call kinds × EIO/ENOSPC × once/persistent × calls 1-89` });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(fired).toBeGreaterThan(100);
  }, scaled(300_000));

  it('fails recovery with a typed error under injected errors, and recovers everything once they stop', async () => {
    let tried = 0;
    let fired = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= workloads; seed++) {
      const steps = workload(seed);
      // A database with work to replay: every step acknowledged, then power lost before any close.
      const source = new SimulatedFileSystem({ seed });
      const db = await open('/db', { fileSystem: source, createIfMissing: true, ...OPTIONS });
      await runSteps(db, steps, { n: 0 });
      for (const op of OPS) {
        for (const errno of ERRNOS) {
          for (const persistent of [false, true]) {
            for (const nth of NTHS) {
              const fs = source.crash({ seed, damage: 'drop' });
              fs.addFault({ op, errno, persistent, nth });
              tried++;
              const where = `workload ${seed}, recovery, ${errno} on ${op} #${nth}${persistent ? ' and after' : ''}`;
              try {
                const reopened = await open('/db', { fileSystem: fs, ...OPTIONS });
                await reopened.close();
              } catch (e) {
                fired++;
                if (!isPhotonError(e)) failures.push(`${where}: untyped ${String((e as Error)?.stack ?? e)}`);
              }
              fs.clearFaults();
              const problem = await checkRecovered(fs.crash({ seed: nth, damage: 'torn' }), steps, steps.length, where);
              if (problem) failures.push(problem);
            }
          }
        }
      }
    }
    reportFigure({ id: 'R4', what: 'I/O errors during recovery', tried, failed: failures.length, detail: `${fired} recoveries failed with a typed error` });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(fired).toBeGreaterThan(20);
  }, scaled(300_000));
});
