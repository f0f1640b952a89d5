/**
 * relocate(limit): after it, no page the tree uses (nodes and overflow chains) is at or above
 * the limit until the next flush writes the copies; the content never changes; a budget moves
 * the rest over several calls.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MemoryPageStore, createMemoryPageStoreBacking, expectCode, fcRuns } from '@photondb/contracts/testing';
import { lsn } from '@photondb/contracts';
import type { PageId, PageStore } from '@photondb/contracts';
import { BTree } from '@photondb/btree';
import { enc, hex, nkey, plain, sortedEntries } from './helpers/trees.js';

/** A store that records every page pinned (or peeked) through it. */
function spied(store: MemoryPageStore): { store: PageStore; pinned: number[] } {
  const pinned: number[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'pin') return (id: PageId) => {
        pinned.push(id);
        return target.pin(id);
      };
      if (prop === 'peek') return (id: PageId, use: (payload: Uint8Array) => unknown) => {
        pinned.push(id);
        return target.peek(id, use);
      };
      const v = (target as unknown as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy as unknown as PageStore, pinned };
}

/** The highest page id any key's path goes through (null for dirty nodes is skipped). */
function highestPathPage(tree: BTree, keys: Uint8Array[]): number {
  let high = -1;
  for (const k of keys) for (const step of tree.path(k)) if (step.pageId !== null && step.pageId > high) high = step.pageId;
  return high;
}

function value(seed: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

/** A durable tree of `n` keys (`v<i>` values unless `valueOf` says) over 512-byte pages. */
async function durableTree(n: number, valueOf: (i: number) => Uint8Array = (i) => enc(`v${i}`)) {
  const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
  const store = new MemoryPageStore(backing);
  const tree = BTree.open(store, 't');
  for (let i = 0; i < n; i++) tree.put(nkey(i), valueOf(i));
  tree.flush();
  await store.checkpoint(lsn(1));
  return { backing, store, tree, keys: Array.from({ length: n }, (_, i) => nkey(i)) };
}

describe('BTree relocate', () => {
  it('validates its arguments before changing anything', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    const tree = BTree.open(new MemoryPageStore(backing), 't');
    tree.put(enc('a'), enc('1'));
    for (const bad of [-1, 1.5, Number.NaN, '3', undefined, 2 ** 60]) {
      await expectCode('INVALID_ARGUMENT', () => tree.relocate(bad as unknown as number));
    }
    for (const bad of [0, -3, 2.5, 'all', null]) {
      await expectCode('INVALID_ARGUMENT', () => tree.relocate(0, { maxPages: bad as unknown as number }));
    }
    await expectCode('INVALID_ARGUMENT', () => tree.relocate(0, null as unknown as {}));
    expect(plain(tree.range())).toEqual([[hex(enc('a')), hex(enc('1'))]]);
    tree.drop();
    await expectCode('CLOSED', () => tree.relocate(0));
  });

  it('moves nothing when every page is below the limit', async () => {
    const { store, tree } = await durableTree(300);
    expect(tree.relocate(store.stats().pageCount)).toBe(0);
    expect(tree.dirtyNodesSinceFlush).toBe(0);
  });

  it('copies the nodes above the limit and their ancestors, and nothing else', async () => {
    const { store, tree, keys } = await durableTree(2000);
    const before = tree.stats();
    const limit = Math.floor(highestPathPage(tree, keys) * 0.9);
    const moved = tree.relocate(limit);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(before.leafNodes + before.branchNodes);
    expect(highestPathPage(tree, keys)).toBeLessThan(limit);
    expect(tree.dirtyNodesSinceFlush).toBe(moved);
    expect(tree.verify()).toEqual([]);
    expect(tree.stats().leafNodes).toBe(before.leafNodes);
    for (let i = 0; i < 2000; i += 97) expect(tree.get(nkey(i))).toEqual(enc(`v${i}`));
  });

  it('moves what remains over several calls with a budget', async () => {
    const { store, tree, keys } = await durableTree(2000);
    const limit = 10;
    let calls = 0;
    let total = 0;
    for (;;) {
      const moved = tree.relocate(limit, { maxPages: 5 });
      if (moved === 0) break;
      expect(moved).toBeLessThanOrEqual(5);
      total += moved;
      calls++;
      expect(calls).toBeLessThan(1000);
    }
    expect(calls).toBeGreaterThan(1);
    expect(highestPathPage(tree, keys)).toBeLessThan(limit);
    expect(total).toBe(tree.dirtyNodesSinceFlush);
    expect(tree.verify()).toEqual([]);
  });

  it('leaves a snapshot taken before it reading its own pages', async () => {
    const { store, tree } = await durableTree(500);
    const snap = tree.snapshot();
    tree.relocate(2);
    tree.put(nkey(1), enc('changed'));
    tree.flush();
    await store.checkpoint(lsn(2));
    expect(snap.get(nkey(1))).toEqual(enc('v1'));
    expect([...snap.range()].length).toBe(500);
    snap.release();
    expect(tree.get(nkey(1))).toEqual(enc('changed'));
  });

  let movedRuns = 0;
  it('property: after relocate(limit) no page at or above the limit is read, the content is unchanged, and it survives flush and reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(400), fc.nat(4), fc.integer({ min: 0, max: 1500 })), { minLength: 1, maxLength: 300, size: 'max' }),
        fc.array(fc.nat(400), { maxLength: 150, size: 'max' }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        async (puts, deletes, where, budget) => {
          const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
          const base = new MemoryPageStore(backing);
          const { store, pinned } = spied(base);
          const tree = BTree.open(store, 't');
          const model = new Map<string, Uint8Array>();
          for (const [k, seed, len] of puts) {
            // Some values overflow (pages are 512 bytes), most do not.
            const v = value(seed + k, seed === 0 ? len : len % 40);
            tree.put(nkey(k), v);
            model.set(hex(nkey(k)), v);
          }
          tree.flush();
          await base.checkpoint(lsn(1));
          for (const k of deletes) if (tree.delete(nkey(k))) model.delete(hex(nkey(k)));
          tree.flush();
          await base.checkpoint(lsn(2));
          const limit = 2 + Math.floor(where * base.stats().pageCount);
          let moved = 0;
          if (budget === undefined) moved = tree.relocate(limit);
          else for (let n = 0, m; (m = tree.relocate(limit, { maxPages: budget })) > 0; n++) {
            expect(n).toBeLessThan(10_000);
            moved += m;
          }
          if (moved > 0) movedRuns++;
          pinned.length = 0;
          expect(plain(tree.range())).toEqual(plain(sortedEntries(model)));
          const keys = sortedEntries(model).map(([k]) => k);
          expect(pinned.filter((id) => id >= limit)).toEqual([]);
          expect(highestPathPage(tree, keys)).toBeLessThan(limit);
          expect(tree.verify()).toEqual([]);
          tree.flush();
          await base.checkpoint(lsn(3));
          expect(tree.verify()).toEqual([]);
          const again = BTree.open(new MemoryPageStore(backing), 't');
          expect(plain(again.range())).toEqual(plain(sortedEntries(model)));
          expect(again.verify()).toEqual([]);
          const stats = base.stats();
          // The copies' old pages are free again after the checkpoint: the store did not leak them.
          expect(stats.pageCount - stats.freePageCount).toBeLessThanOrEqual(again.stats().leafNodes + again.stats().branchNodes + again.stats().overflowPages + 2);
        },
      ),
      { numRuns: fcRuns(60) },
    );
    // The property is about trees that had something to move.
    expect(movedRuns).toBeGreaterThan(10);
  });

  it('moves overflow chains above the limit', async () => {
    const { backing, store } = await durableTree(50, (i) => value(i, 3000));
    const limit = Math.floor(store.stats().pageCount / 2);
    const { store: spy, pinned } = spied(new MemoryPageStore(backing));
    const reopened = BTree.open(spy, 't');
    expect(reopened.relocate(limit)).toBeGreaterThan(0);
    pinned.length = 0;
    for (let i = 0; i < 50; i++) expect(reopened.get(nkey(i))).toEqual(value(i, 3000));
    expect(pinned.filter((id) => id >= limit)).toEqual([]);
  });
});
