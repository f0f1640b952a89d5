/**
 * Standalone bulk-load measurement (outside the harness, so earlier cases' garbage does not
 * count): builds N sorted entries with `load` and with a `put` loop, each followed by the
 * `flush()` that writes every page, over MemoryPageStore. Prints entries/s per round.
 * Run: npx tsx bench/load-profile.ts [N] [valueBytes] [pageBytes] [rounds]
 * Profile: node --cpu-prof --import tsx bench/load-profile.ts
 */
import { MemoryPageStore, createMemoryPageStoreBacking } from '@photondb/contracts/testing';
import { BTree, compareKeys } from '../src/index.js';

const [N, valueBytes, pageBytes, rounds] = [200_000, 100, 8192, 3].map((d, i) => Number(process.argv[2 + i] ?? d));
const keys: Uint8Array[] = [];
for (let i = 0; i < N; i++) keys.push(new TextEncoder().encode(`key${String((i * 2654435761) % 1e12).padStart(13, '0')}`));
keys.sort(compareKeys);
const value = new Uint8Array(valueBytes).fill(7);
const entries = keys.map((k) => [k, value] as [Uint8Array, Uint8Array]);
const fresh = (): BTree => BTree.open(new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: pageBytes })), 'b');

const time = (fn: () => void): number => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
for (let r = 0; r < rounds; r++) {
  const load = time(() => {
    const t = fresh();
    t.load(entries);
    t.flush();
  });
  if (process.env.ONLY_LOAD) {
    console.log(`round ${r + 1}: load+flush ${((N / load) * 1000 / 1e6).toFixed(2)} M/s (${load.toFixed(0)} ms)`);
    continue;
  }
  const put = time(() => {
    const t = fresh();
    for (const [k, v] of entries) t.put(k, v);
    t.flush();
  });
  const rate = (ms: number): string => `${((N / ms) * 1000 / 1e6).toFixed(2)} M/s (${ms.toFixed(0)} ms)`;
  console.log(`round ${r + 1}: load+flush ${rate(load)}  put loop+flush ${rate(put)}  ratio ${(put / load).toFixed(1)}x`);
}
