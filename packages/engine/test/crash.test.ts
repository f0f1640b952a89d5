/**
 * Durability of the engine through the crash simulator: every acknowledged commit survives a
 * crash at any I/O step, no transaction is ever partly visible, and the recovered state is the
 * state after some prefix of the commit order.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SimulatedFileSystem, isSimulatedCrash } from '@photondb/io';
import { fcRuns } from '@photondb/contracts/testing';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';
import { SMALL, dec, enc } from './helpers/bytes.js';

type Model = Map<string, string>;
type Step = { kind: 'put'; key: string; value: string } | { kind: 'del'; key: string } | { kind: 'checkpoint' };

async function openSim(fs: SimulatedFileSystem): Promise<PhotonDB> {
  return open('/db', { fileSystem: fs, ...SMALL, walSegmentBytes: 16 * 1024, checkpointLogBytes: 1 << 30 });
}

async function contents(db: PhotonDB): Promise<Model> {
  const m: Model = new Map();
  for (const [k, v] of db.scan()) m.set(dec(k)!, dec(v)!);
  return m;
}

function modelAfter(steps: readonly Step[][], n: number): Model {
  const m: Model = new Map();
  for (const batch of steps.slice(0, n)) {
    for (const s of batch) {
      if (s.kind === 'put') m.set(s.key, s.value);
      else if (s.kind === 'del') m.delete(s.key);
    }
  }
  return m;
}

/** A workload of transactions (each a batch of steps) with a checkpoint and enough log for a rotation. */
function workload(seed: number): Step[][] {
  const rand = fc.sample(fc.array(fc.tuple(fc.nat(30), fc.nat(3), fc.nat(200)), { minLength: 40, maxLength: 40 }), { seed, numRuns: 1 })[0];
  const txns: Step[][] = [];
  rand.forEach(([k, kind, size], i) => {
    if (i === 20) txns.push([{ kind: 'checkpoint' }]);
    const key = `k${k}`;
    if (kind === 0) txns.push([{ kind: 'del', key }]);
    else txns.push([{ kind: 'put', key, value: `${i}:${'v'.repeat(size)}` }, { kind: 'put', key: `${key}-twin`, value: `${i}` }]);
  });
  return txns;
}

async function run(db: PhotonDB, txns: readonly Step[][], acked: { n: number }): Promise<void> {
  for (const t of txns) {
    if (t[0].kind === 'checkpoint') {
      await db.checkpoint();
    } else {
      await db.batch(t.map((s) => (s.kind === 'put' ? { type: 'put' as const, key: enc(s.key), value: enc(s.value) } : { type: 'del' as const, key: enc((s as { key: string }).key) })));
    }
    acked.n++;
  }
}

function matchesSomePrefix(state: Model, txns: readonly Step[][], from: number): number {
  for (let n = txns.length; n >= from; n--) {
    const m = modelAfter(txns, n);
    if (m.size === state.size && [...m].every(([k, v]) => state.get(k) === v)) return n;
  }
  return -1;
}

describe('engine crash safety', () => {
  it('recovers every acknowledged commit after a crash at every I/O step of short workloads', async () => {
    for (const seed of [1, 2, 3]) {
      const txns = workload(seed);
      const counter = new SimulatedFileSystem({ seed });
      const counted = await openSim(counter);
      await run(counted, txns, { n: 0 });
      await counted.close();
      const totalOps = counter.opCount;
      expect(totalOps).toBeGreaterThan(20);
      for (let k = 1; k <= totalOps; k++) {
        const fs = new SimulatedFileSystem({ seed: seed * 10_000 + k });
        fs.crashAtOp(k);
        const acked = { n: 0 };
        let error: unknown;
        try {
          const db = await openSim(fs);
          await run(db, txns, acked);
          await db.close();
        } catch (e) {
          error = e;
        }
        const after = fs.crash({ seed: k });
        if (!after.exists('/db')) {
          expect(acked.n).toBe(0);
          continue;
        }
        let db: PhotonDB;
        try {
          db = await openSim(after);
        } catch (e) {
          throw new Error(`seed ${seed}, crash at op ${k}/${totalOps}: reopen failed: ${(e as Error).message} (workload error: ${String(error)})`);
        }
        const state = await contents(db);
        const n = matchesSomePrefix(state, txns, acked.n);
        if (n < 0) {
          throw new Error(`seed ${seed}, crash at op ${k}/${totalOps}: recovered state is no prefix containing the ${acked.n} acknowledged commits`);
        }
        expect(db.verify()).toEqual([]);
        await db.close();
        if (error !== undefined && !isSimulatedCrash(error) && !isSimulatedCrash((error as { cause?: unknown }).cause)) {
          expect((error as { code?: string }).code).toBe('IO');
        }
      }
    }
  }, 120_000);

  it('matches a Map model over random commits, checkpoints, crashes and reopens', async () => {
    const step = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.nat(20), size: fc.nat(300) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), key: fc.nat(20) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), seed: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.nat(), async (steps, seed) => {
        let fs = new SimulatedFileSystem({ seed });
        let db = await openSim(fs);
        const model: Model = new Map();
        let i = 0;
        for (const s of steps) {
          i++;
          if (s.kind === 'put') {
            const v = `${i}:${'x'.repeat(s.size)}`;
            await db.set(enc(`k${s.key}`), enc(v));
            model.set(`k${s.key}`, v);
          } else if (s.kind === 'del') {
            await db.delete(enc(`k${s.key}`));
            model.delete(`k${s.key}`);
          } else if (s.kind === 'checkpoint') {
            await db.checkpoint();
          } else if (s.kind === 'crash') {
            fs = fs.crash({ seed: s.seed });
            db = await openSim(fs);
          } else {
            await db.close();
            db = await openSim(fs);
            expect(db.recovery.cleanShutdown).toBe(true);
            expect(db.recovery.replayedRecords).toBe(0);
          }
          expect(await contents(db)).toEqual(model);
        }
        expect(db.verify()).toEqual([]);
        await db.close();
      }),
      { numRuns: fcRuns(15) },
    );
  }, 120_000);

  it('keeps the prefix property with concurrent committers and a crash', async () => {
    for (const seed of [11, 12, 13, 14]) {
      const fs = new SimulatedFileSystem({ seed });
      const db = await openSim(fs);
      const acked: number[] = [];
      const commits = Array.from({ length: 40 }, (_, i) =>
        db.set(enc(`c${String(i).padStart(3, '0')}`), enc(String(i))).then(() => acked.push(i)),
      );
      await commits[seed - 1];
      const snapshotOfAcked = [...acked];
      const after = fs.crash({ seed });
      const reopened = await openSim(after);
      const state = await contents(reopened);
      for (const i of snapshotOfAcked) expect(state.get(`c${String(i).padStart(3, '0')}`)).toBe(String(i));
      const present = [...state.keys()].map((k) => Number(k.slice(1))).sort((a, b) => a - b);
      expect(present).toEqual(present.map((_, i) => i));
      await reopened.close();
      await Promise.allSettled(commits);
    }
  });

  it('refuses writes after a failed log sync and recovers every acknowledged commit on reopen', async () => {
    const fs = new SimulatedFileSystem({ seed: 5 });
    const db = await openSim(fs);
    await db.set(enc('before'), enc('1'));
    fs.addFault({ op: 'datasync', errno: 'EIO', persistent: true });
    fs.addFault({ op: 'sync', errno: 'EIO', persistent: true });
    await expect(db.set(enc('during'), enc('2'))).rejects.toMatchObject({ code: 'IO' });
    await expect(db.set(enc('after'), enc('3'))).rejects.toMatchObject({ code: 'IO' });
    expect(dec(await db.get(enc('before')))).toBe('1');
    expect(await db.get(enc('during'))).toBeUndefined();
    await db.close().catch(() => {});
    fs.clearFaults();
    const reopened = await openSim(fs.crash({ seed: 1 }));
    expect(dec(await reopened.get(enc('before')))).toBe('1');
    expect(await reopened.get(enc('after'))).toBeUndefined();
    await reopened.close();
  });
});
