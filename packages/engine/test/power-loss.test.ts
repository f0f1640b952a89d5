/**
 * R2, simulated power loss, and R3, mutants (../shared/TESTING.md).
 *
 * R2: short seeded workloads (commits, two checkpoints, log segment rotations) run on the
 * SimulatedFileSystem, which crashes at every I/O step in turn; the post-crash image keeps what
 * was synced and, for what was not, drops it, tears it by 512-byte sectors, or fills sectors with
 * garbage (three damage kinds). After each crash the database must reopen, hold every
 * acknowledged commit, equal the state after some prefix of the commit order (no transaction
 * partly applied), and pass `verify()`.
 *
 * R3: the same exploration with one durability step removed at a time (a mutant) must fail; a
 * suite that passes with a step missing measures nothing.
 */
import { describe, expect, it } from '@jest/globals';
import { setMutants } from '@photondb/contracts';
import { SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { open } from '@photondb/engine';
import { OPTIONS, contents, modelAfter, runSteps, sameMap, workload } from './helpers/steps.js';
import { reportFigure, scaled } from './helpers/report.js';

const DAMAGES: readonly CrashDamage[] = ['drop', 'torn', 'garbage'];

interface Exploration {
  states: number;
  failures: string[];
}

/** Crashes `steps` at every I/O step with one kind of damage; checks each recovered state. */
async function explore(seed: number, damage: CrashDamage, stopAtFirstFailure = false): Promise<Exploration> {
  const steps = workload(seed);
  const counter = new SimulatedFileSystem({ seed });
  const counted = await open('/db', { fileSystem: counter, createIfMissing: true, ...OPTIONS });
  await runSteps(counted, steps, { n: 0 });
  await counted.close();
  const total = counter.opCount;
  const result: Exploration = { states: 0, failures: [] };
  for (let k = 1; k <= total; k++) {
    const fs = new SimulatedFileSystem({ seed: seed * 100_000 + k });
    fs.crashAtOp(k);
    const acked = { n: 0 };
    try {
      const db = await open('/db', { fileSystem: fs, createIfMissing: true, ...OPTIONS });
      await runSteps(db, steps, acked);
      await db.close();
    } catch {
      // the crash (or an IO error it caused); what matters is what recovery finds
    }
    const after = fs.crash({ seed: k, damage });
    result.states++;
    const where = `workload ${seed}, ${damage}, crash at I/O step ${k} of ${total}, ${acked.n} steps acknowledged`;
    if (!after.exists('/db')) {
      if (acked.n > 0) result.failures.push(`${where}: the database directory is gone`);
      continue;
    }
    try {
      const db = await open('/db', { fileSystem: after, createIfMissing: true, ...OPTIONS });
      try {
        const state = await contents(db);
        let prefix = -1;
        for (let n = steps.length; n >= acked.n; n--) {
          if (sameMap(modelAfter(steps, n), state)) {
            prefix = n;
            break;
          }
        }
        if (prefix < 0) result.failures.push(`${where}: the recovered state is no prefix holding every acknowledged commit`);
        const problems = db.verify();
        if (problems.length > 0) result.failures.push(`${where}: verify() found ${problems[0].where}: ${problems[0].message}`);
      } finally {
        await db.close();
      }
    } catch (e) {
      result.failures.push(`${where}: reopen failed: ${(e as Error).message}`);
    }
    if (stopAtFirstFailure && result.failures.length > 0) break;
  }
  return result;
}

describe('R2: power loss at every I/O step', () => {
  const workloads = scaled(20);
  it(`recovers every acknowledged commit, whole, in ${workloads} workloads × ${DAMAGES.length} damage kinds`, async () => {
    let states = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= workloads; seed++) {
      for (const damage of DAMAGES) {
        const r = await explore(seed, damage);
        states += r.states;
        failures.push(...r.failures);
      }
    }
    reportFigure({ id: 'R2', what: 'power-loss crash states', tried: states, failed: failures.length, detail: `${workloads} workloads × ${DAMAGES.join('/')}` });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(states).toBeGreaterThanOrEqual(2000);
  }, scaled(600_000));
});

describe('R3: the power-loss harness catches each missing durability step', () => {
  it.each([
    'wal-skip-datasync',
    'wal-skip-dir-sync',
    'engine-ack-before-durable',
    'engine-truncate-before-checkpoint',
    'slab-overwrite-live-page',
  ])('catches the mutant %s', async (mutant) => {
    setMutants([mutant]);
    let caught: string | undefined;
    let states = 0;
    try {
      for (let seed = 1; seed <= 6 && caught === undefined; seed++) {
        for (const damage of DAMAGES) {
          const r = await explore(seed, damage, true);
          states += r.states;
          if (r.failures.length > 0) {
            caught = r.failures[0];
            break;
          }
        }
      }
    } finally {
      setMutants([]);
    }
    reportFigure({ id: 'R3', what: `mutant ${mutant}`, tried: 1, failed: caught ? 0 : 1, detail: caught ? `caught after ${states} crash states: ${caught.slice(0, 120)}` : `NOT caught in ${states} crash states` });
    expect(caught).toBeDefined();
  }, 300_000);
});
