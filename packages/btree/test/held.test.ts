/**
 * Pages retired while a snapshot could still read them are "held". Their list is written with the
 * descriptor at each flush, so a crash (or a close without a last flush) while they are held does
 * not leak them: the next open frees them (durable at the store's next checkpoint).
 */
import { describe, expect, it } from '@jest/globals';
import { lsn } from '@photondb/contracts';
import { MemoryPageStore, createMemoryPageStoreBacking } from '@photondb/contracts/testing';
import { BTree } from '@photondb/btree';

const key = (i: number): Uint8Array => Buffer.from(`key${String(i).padStart(5, '0')}`);

function inUse(store: MemoryPageStore): number {
  const s = store.stats();
  return s.pageCount - 2 - s.freePageCount;
}

function treePages(tree: BTree): number {
  const s = tree.stats();
  return s.leafNodes + s.branchNodes + s.overflowPages;
}

describe('held pages', () => {
  it('frees pages held for a snapshot after a crash when the next run opens the tree', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    let store = new MemoryPageStore(backing);
    let tree = BTree.open(store, 't');
    for (let i = 0; i < 300; i++) tree.put(key(i), Buffer.from(`first ${i}`));
    tree.flush();
    await store.checkpoint(lsn(1));
    const snapshot = tree.snapshot();
    for (let i = 0; i < 300; i++) tree.put(key(i), Buffer.from(`second ${i}`));
    tree.flush();
    await store.checkpoint(lsn(2));
    // The snapshot still reads the first version: its pages are held, not free.
    expect(Buffer.from(snapshot.get(key(7))!).toString()).toBe('first 7');
    expect(inUse(store)).toBeGreaterThan(treePages(tree) * 1.5);
    // Crash: the snapshot and the in-memory retire list are gone.
    store = new MemoryPageStore(backing);
    tree = BTree.open(store, 't');
    expect(Buffer.from(tree.get(key(7))!).toString()).toBe('second 7');
    expect(inUse(store)).toBe(treePages(tree));
    tree.flush();
    await store.checkpoint(lsn(3));
    expect(inUse(store)).toBe(treePages(tree));
    expect(tree.verify()).toEqual([]);
  });

  it('frees them in-process when the snapshot is released, and the list shrinks to nothing', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    const store = new MemoryPageStore(backing);
    const tree = BTree.open(store, 't');
    for (let i = 0; i < 200; i++) tree.put(key(i), Buffer.from('x'.repeat(40)));
    tree.flush();
    await store.checkpoint(lsn(1));
    const snapshot = tree.snapshot();
    for (let i = 0; i < 200; i += 2) tree.delete(key(i));
    tree.flush();
    await store.checkpoint(lsn(2));
    snapshot.release();
    tree.flush();
    await store.checkpoint(lsn(3));
    expect(inUse(store)).toBe(treePages(tree));
    // Reopening finds no held list to free: nothing changes.
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(again.count()).toBe(100);
  });
});
