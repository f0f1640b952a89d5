/** Shared helpers for the btree tests: small stores, byte keys, and a sorted-Map model. */
import { MemoryPageStore, createMemoryPageStoreBacking } from '@photondb/contracts/testing';
import type { MemoryPageStoreBacking } from '@photondb/contracts/testing';
import { BTree, compareKeys } from '@photondb/btree';
import type { TreeOptions } from '@photondb/btree';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
/** Zero-padded decimal key, so numeric order is byte order. */
export const nkey = (n: number, width = 6): Uint8Array => enc(String(n).padStart(width, '0'));

/** A tree over a fresh in-memory store with small pages (deep trees in few entries). */
export function smallTree(pageSizeBytes = 512, options?: TreeOptions): { tree: BTree; store: MemoryPageStore; backing: MemoryPageStoreBacking } {
  const backing = createMemoryPageStoreBacking({ pageSizeBytes });
  const store = new MemoryPageStore(backing);
  return { tree: BTree.open(store, 't', options), store, backing };
}

/** Entries of a Map model, sorted by byte order. */
export function sortedEntries(model: Map<string, Uint8Array>): [Uint8Array, Uint8Array][] {
  return [...model.entries()].map(([k, v]) => [Buffer.from(k, 'hex') as Uint8Array, v] as [Uint8Array, Uint8Array]).sort((a, b) => compareKeys(a[0], b[0]));
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Plain arrays for comparing entries with toEqual. */
export function plain(entries: Iterable<[Uint8Array, Uint8Array]>): [string, string][] {
  return [...entries].map(([k, v]) => [hex(k), hex(v)]);
}
