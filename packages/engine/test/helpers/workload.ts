/**
 * Deterministic transactions for the durability tests: transaction `i` of seed `s` is the same
 * in the child process that commits it and in the parent that checks the recovered state. Each
 * transaction also sets `meta:last` to its index, so the recovered prefix can be read back.
 */
export type TxnOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const LAST_KEY = 'meta:last';

/** The operations of transaction `i` (1-based) of workload `seed`. */
export function transaction(seed: number, i: number): TxnOp[] {
  const rand = prng(Math.imul(seed, 100_003) + i);
  const n = 1 + Math.floor(rand() * 6);
  const ops: TxnOp[] = [];
  for (let j = 0; j < n; j++) {
    const key = `k${String(Math.floor(rand() * 400)).padStart(3, '0')}`;
    if (rand() < 0.2) ops.push({ type: 'del', key });
    else ops.push({ type: 'put', key, value: `${i}:${'x'.repeat(Math.floor(rand() * 300))}` });
  }
  ops.push({ type: 'put', key: LAST_KEY, value: String(i) });
  return ops;
}

/** Applies transactions from..to (inclusive) to a Map model. */
export function applyTransactions(model: Map<string, string>, seed: number, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    for (const op of transaction(seed, i)) {
      if (op.type === 'put') model.set(op.key, op.value);
      else model.delete(op.key);
    }
  }
}
