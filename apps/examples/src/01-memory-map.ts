/**
 * Example 1: an in-memory ordered map. `@photondb/btree` over the reference `PageStore` from
 * `@photondb/contracts/memory` — no files, no log: a sorted map with range and reverse scans.
 */
import { BTree } from '@photondb/btree';
import { MemoryPageStore } from '@photondb/contracts/memory';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const tree = BTree.open(new MemoryPageStore(), 'fruit');
  for (const [k, v] of [['cherry', 'red'], ['apple', 'green'], ['banana', 'yellow'], ['date', 'brown']]) {
    tree.put(enc(k), enc(v));
  }
  tree.delete(enc('date'));
  const forward = [...tree.range({ gte: enc('b') })].map(([k, v]) => `${dec(k)}=${dec(v)}`);
  const backward = [...tree.range({ reverse: true, limit: 2 })].map(([k]) => dec(k));
  log(`from "b": ${forward.join(', ')}`);
  log(`last two, newest first: ${backward.join(', ')}`);
  return [...forward, ...backward];
}
