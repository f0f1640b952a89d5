/**
 * R8, scheduled runs (../shared/TESTING.md): fast-check's scheduler interleaves the steps of 2-4
 * concurrent transactions (begin, reads, writes, commit) in every order it likes, over a database
 * on the crash simulator. Each transaction reads some keys and writes values computed from what
 * it read. Afterwards the committed transactions must be serializable: some serial order of them,
 * run on the initial state, reads exactly the values each one observed and ends in exactly the
 * database's final state. Transactions that got CONFLICT must have left nothing behind.
 */
import { describe, expect, it } from '@jest/globals';
import { fcRuns } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import fc from 'fast-check';
import { open } from '@photondb/engine';
import { reportFigure } from './helpers/report.js';

interface Plan {
  reads: string[];
  writes: { key: string; add: number }[];
}
interface Done {
  observed: Map<string, number>;
  written: Map<string, number>;
}

const KEYS = ['a', 'b', 'c'];
const planArb: fc.Arbitrary<Plan> = fc.record({
  reads: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }),
  writes: fc.array(fc.record({ key: fc.constantFrom(...KEYS), add: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 2 }),
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Whether some serial order of `done` explains every observation and the final state. */
function serializable(initial: Map<string, number>, done: Done[], final: Map<string, number>): boolean {
  return permutations(done).some((order) => {
    const state = new Map(initial);
    for (const t of order) {
      for (const [k, v] of t.observed) if ((state.get(k) ?? 0) !== v) return false;
      for (const [k, v] of t.written) state.set(k, v);
    }
    return KEYS.every((k) => (state.get(k) ?? 0) === (final.get(k) ?? 0));
  });
}

describe('R8: scheduled interleavings of concurrent transactions', () => {
  it('commits only serializable histories, whatever the interleaving', async () => {
    let runs = 0;
    let conflicts = 0;
    let committed = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(planArb, { minLength: 2, maxLength: 4 }), async (s, plans) => {
        runs++;
        const db = await open<string, number>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'json' });
        const initial = new Map(KEYS.map((k, i) => [k, i * 10] as [string, number]));
        await db.batch([...initial].map(([key, value]) => ({ type: 'put' as const, key, value })));
        const done: Done[] = [];
        const client = async (plan: Plan, id: number): Promise<void> => {
          await s.schedule(Promise.resolve(), `begin ${id}`);
          const tx = db.beginTransaction();
          const observed = new Map<string, number>();
          for (const k of plan.reads) {
            await s.schedule(Promise.resolve(), `${id} reads ${k}`);
            observed.set(k, (await tx.get(k)) ?? 0);
          }
          const base = [...observed.values()].reduce((a, b) => a + b, 0);
          const written = new Map<string, number>();
          for (const w of plan.writes) {
            await s.schedule(Promise.resolve(), `${id} writes ${w.key}`);
            written.set(w.key, base + w.add);
            tx.set(w.key, base + w.add);
          }
          await s.schedule(Promise.resolve(), `commit ${id}`);
          try {
            await tx.commit();
            done.push({ observed, written });
            committed++;
          } catch (e) {
            if ((e as { code?: string }).code !== 'CONFLICT') throw e;
            conflicts++;
          }
        };
        // Release scheduled steps, in the scheduler's order, until every client is done (steps
        // that follow real I/O, such as after a commit's log flush, are scheduled later on).
        await s.waitFor(Promise.all(plans.map((p, i) => client(p, i))));
        const final = new Map<string, number>();
        for (const [k, v] of db.scan()) final.set(k, v);
        await db.close();
        expect(done.length).toBeGreaterThanOrEqual(1);
        expect(serializable(initial, done, final)).toBe(true);
      }),
      { numRuns: fcRuns(500) },
    );
    reportFigure({ id: 'R8', what: 'scheduled interleavings', tried: runs, failed: 0, detail: `${committed} commits, ${conflicts} CONFLICT` });
    expect(conflicts).toBeGreaterThan(10);
  }, 120_000);
});
