/**
 * In-memory throughput of @photondb/btree next to sorted-btree (a pure TypeScript B+tree) on the
 * same 100,000 16-byte keys: random get, random put (replace), a 100-entry scan, and bulk load
 * against repeated put. Our tree runs over the reference MemoryPageStore with 4 KiB pages, flushed
 * once so gets go through the decoded-node cache. sorted-btree gets the same Uint8Array keys and
 * our compareKeys as its comparator, so both trees do the same key comparisons.
 * Run: pnpm --filter @photondb/btree bench
 */
import { runSuite } from '@photondb-tools/bench';
import sortedBtree from 'sorted-btree';
import { MemoryPageStore, createMemoryPageStoreBacking } from '@photondb/contracts/testing';
import { BTree, compareKeys } from '../src/index.js';

const N = 100_000;
const keys: Uint8Array[] = [];
for (let i = 0; i < N; i++) keys.push(new TextEncoder().encode(`key${String((i * 2654435761) % 1e12).padStart(13, '0')}`));
const sortedKeys = keys.slice().sort(compareKeys);
const value = new Uint8Array(32).fill(7);

const SortedBTree = (sortedBtree as unknown as { default: new <K, V>(entries?: [K, V][], compare?: (a: K, b: K) => number) => SortedMap<K, V> }).default;
interface SortedMap<K, V> {
  get(k: K): V | undefined;
  set(k: K, v: V): boolean;
  entries(lowest?: K): IterableIterator<[K, V]>;
}

function ours(): BTree {
  const store = new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: 4096 }));
  const t = BTree.open(store, 'bench');
  t.load(sortedKeys.map((k) => [k, value] as [Uint8Array, Uint8Array]));
  t.flush();
  return t;
}

const tree = ours();
const theirs = new SortedBTree<Uint8Array, Uint8Array>(undefined, compareKeys);
for (const k of keys) theirs.set(k, value);

let i = 0;
let sink = 0;
const next = (): Uint8Array => keys[(i = (i + 7919) % N)];

await runSuite('btree', [
  { name: 'get random (photondb btree)', fn: () => void (sink += tree.get(next())!.length) },
  { name: 'get random (sorted-btree)', fn: () => void (sink += theirs.get(next())!.length) },
  { name: 'put replace random (photondb btree)', fn: () => tree.put(next(), value) },
  { name: 'put replace random (sorted-btree)', fn: () => void theirs.set(next(), value) },
  {
    name: 'scan 100 entries (photondb btree)',
    opsPerCall: 100,
    fn: () => {
      for (const [k] of tree.range({ gte: next(), limit: 100 })) sink += k.length;
    },
  },
  {
    name: 'scan 100 entries (sorted-btree)',
    opsPerCall: 100,
    fn: () => {
      let n = 0;
      for (const [k] of theirs.entries(next())) {
        sink += k.length;
        if (++n === 100) break;
      }
    },
  },
  {
    name: 'bulk load 100,000 (photondb btree)',
    opsPerCall: N,
    fn: () => {
      const t = BTree.open(new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: 4096 })), 'b');
      t.load(sortedKeys.map((k) => [k, value] as [Uint8Array, Uint8Array]));
    },
  },
  {
    name: 'put 100,000 sorted (photondb btree)',
    opsPerCall: N,
    fn: () => {
      const t = BTree.open(new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: 4096 })), 'b');
      for (const k of sortedKeys) t.put(k, value);
    },
  },
  {
    name: 'set 100,000 sorted (sorted-btree)',
    opsPerCall: N,
    fn: () => {
      const t = new SortedBTree<Uint8Array, Uint8Array>(undefined, compareKeys);
      for (const k of sortedKeys) t.set(k, value);
    },
  },
]);
if (sink === 0.5) console.log(sink);
