/**
 * The seeded step workloads of the simulated-crash suites (R2 power loss, R3 mutants, R4 faults,
 * R5 corruption): transactions of 1-3 writes with values large enough to rotate 4 KiB log
 * segments, and two checkpoints; the model of the state after a prefix of the steps.
 */
import type { PhotonDB } from '@photondb/engine';
import { prng } from './workload.js';

export type Step = { kind: 'txn'; ops: { key: string; value: string | null }[] } | { kind: 'checkpoint' };
export type Model = Map<string, string>;

export const OPTIONS = { pageSizeBytes: 4096, walSegmentBytes: 4096, checkpointLogBytes: 1 << 30 } as const;
export const enc = (s: string): Uint8Array => Buffer.from(s);

/** ~20 transactions of 1–3 writes with values big enough to rotate 4 KiB segments, and two checkpoints. */
export function workload(seed: number): Step[] {
  const rand = prng(seed);
  const steps: Step[] = [];
  for (let i = 1; i <= 20; i++) {
    if (i === 8 || i === 15) steps.push({ kind: 'checkpoint' });
    const ops = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
      const key = `k${Math.floor(rand() * 12)}`;
      return { key, value: rand() < 0.2 ? null : `${i}:${'v'.repeat(100 + Math.floor(rand() * 400))}` };
    });
    steps.push({ kind: 'txn', ops });
  }
  return steps;
}

export function modelAfter(steps: readonly Step[], acknowledged: number): Model {
  const m: Model = new Map();
  for (const s of steps.slice(0, acknowledged)) {
    if (s.kind !== 'txn') continue;
    for (const op of s.ops) {
      if (op.value === null) m.delete(op.key);
      else m.set(op.key, op.value);
    }
  }
  return m;
}

export async function runSteps(db: PhotonDB, steps: readonly Step[], acked: { n: number }): Promise<void> {
  for (const s of steps) {
    if (s.kind === 'checkpoint') await db.checkpoint();
    else await db.batch(s.ops.map((op) => (op.value === null ? { type: 'del' as const, key: enc(op.key) } : { type: 'put' as const, key: enc(op.key), value: enc(op.value) })));
    acked.n++;
  }
}

export async function contents(db: PhotonDB): Promise<Model> {
  const m: Model = new Map();
  for (const [k, v] of db.scan()) m.set(Buffer.from(k).toString(), Buffer.from(v).toString());
  return m;
}

export function sameMap(a: Model, b: Model): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

