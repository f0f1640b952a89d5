/**
 * Bulk load (leaves encoded straight from the input into pages) and the incremental page counts
 * behind stats() (descriptor v4 with counts; trees from v1/v2 descriptors are counted once on demand).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { lsn } from '@photondb/contracts';
import { MemoryPageStore, createMemoryPageStoreBacking, fcRuns } from '@photondb/contracts/testing';
import { BTree, compareKeys } from '@photondb/btree';
import { enc, nkey, plain, smallTree } from './helpers/trees.js';

function inUse(store: MemoryPageStore): number {
  const s = store.stats();
  return s.pageCount - 2 - s.freePageCount;
}

describe('bulk load', () => {
  it('builds the same entries as the input for any sorted input, at 512-byte pages, through flush and reopen', async () => {
    const entryArb = fc.tuple(
      fc.uint8Array({ maxLength: 40 }).map((a) => a.map((b) => [0x61, 0x62, 0x00, 0xff][b % 4])),
      fc.oneof({ weight: 5, arbitrary: fc.nat(60) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 2000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5 }), fc.array(entryArb, { maxLength: 400 }), async (prefix, raw) => {
        const byKey = new Map<string, Uint8Array>();
        for (const [k, n] of raw) byKey.set(Buffer.from([...prefix, ...k]).toString('hex'), new Uint8Array(n).fill(n & 0xff));
        const entries = [...byKey].map(([k, v]) => [Uint8Array.from(Buffer.from(k, 'hex')), v] as [Uint8Array, Uint8Array]).sort((a, b) => compareKeys(a[0], b[0]));
        const expected = plain(entries);
        const { tree, store, backing } = smallTree(512);
        tree.load(entries);
        // Nothing of the input is kept: scribbling over it changes nothing.
        for (const [k, v] of entries) {
          k.fill(0x7f);
          v.fill(0x7f);
        }
        expect(tree.verify()).toEqual([]);
        expect(plain(tree.range())).toEqual(expected);
        expect(plain(tree.range({ reverse: true }))).toEqual(expected.slice().reverse());
        tree.flush();
        await store.checkpoint(lsn(1));
        const s = tree.stats();
        expect(inUse(store)).toBe(s.leafNodes + s.branchNodes + s.overflowPages);
        const again = BTree.open(new MemoryPageStore(backing), 't');
        expect(again.verify()).toEqual([]);
        expect(plain(again.range())).toEqual(expected);
      }),
      { numRuns: fcRuns(60) },
    );
  });

  it('reads a one-shot iterator that reuses its pair array, and writes every leaf before flush', () => {
    const { tree, store } = smallTree(512);
    const pair: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
    function* gen(): Generator<[Uint8Array, Uint8Array]> {
      for (let i = 0; i < 1000; i++) {
        pair[0] = nkey(i);
        pair[1] = enc(`v${i}`);
        yield pair;
      }
    }
    tree.load(gen());
    expect(tree.verify()).toEqual([]);
    expect(tree.count()).toBe(1000);
    expect(tree.get(nkey(999))).toEqual(enc('v999'));
    const s = tree.stats();
    // The leaves are pages already; only the branch levels wait for flush().
    expect(inUse(store)).toBe(s.leafNodes);
    expect(s.dirtyNodes).toBe(s.branchNodes);
  });

  it('is followed correctly by writes, snapshots and drop, and a rejected load leaves the store untouched', async () => {
    const { tree, store } = smallTree(512);
    await expect(async () => tree.load([[nkey(2), enc('')], [nkey(1), enc('')]])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(store.stats().pageCount).toBe(2);
    tree.load(Array.from({ length: 2000 }, (_, i) => [nkey(i), enc(`value ${i}`)] as [Uint8Array, Uint8Array]));
    const snap = tree.snapshot();
    for (let i = 0; i < 2000; i += 3) tree.delete(nkey(i));
    tree.put(nkey(5000), new Uint8Array(3000).fill(9));
    expect(tree.verify()).toEqual([]);
    expect(snap.count()).toBe(2000);
    expect(snap.get(nkey(3))).toEqual(enc('value 3'));
    tree.flush();
    await store.checkpoint(lsn(1));
    snap.release();
    tree.drop();
    await store.checkpoint(lsn(2));
    expect(inUse(store)).toBe(0);
  });
});

describe('stats()', () => {
  it('keeps entries, depth and page counts without walking the tree, equal to a recount after every change', () => {
    const { tree } = smallTree(512);
    for (let i = 0; i < 3000; i++) {
      tree.put(nkey((i * 7919) % 3000), new Uint8Array(i % 7 === 0 ? 400 : 20));
      if (i % 5 === 0) tree.delete(nkey((i * 104729) % 3000));
      if (i % 500 === 0) {
        expect(tree.verify()).toEqual([]); // verify() recounts pages and compares with the counts
        tree.flush();
      }
    }
    expect(tree.verify()).toEqual([]);
    const s = tree.stats();
    expect(s.entries).toBe(tree.count());
    expect(s.depth).toBe(tree.path(nkey(1)).length);
    // stats() reads counters: it decodes no page, even with an empty cache.
    const { tree: cold } = (() => {
      const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
      const store = new MemoryPageStore(backing);
      const t = BTree.open(store, 't', { cacheNodes: 1 });
      t.load(Array.from({ length: 3000 }, (_, i) => [nkey(i), enc('v')] as [Uint8Array, Uint8Array]));
      t.flush();
      return { tree: BTree.open(store, 't', { cacheNodes: 1 }) };
    })();
    const misses = cold.stats().cacheMisses;
    const cs = cold.stats();
    expect(cs.cacheMisses).toBe(misses);
    expect(cs.entries).toBe(3000);
    expect(cs.leafNodes).toBeGreaterThan(10);
  });

  it('counts a tree opened from a version 2 descriptor once, on demand, and the next flush writes the counts', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    let store = new MemoryPageStore(backing);
    const tree = BTree.open(store, 't');
    for (let i = 0; i < 500; i++) tree.put(nkey(i), enc(`value ${i}`));
    tree.put(enc('big'), new Uint8Array(1500));
    tree.flush();
    const want = tree.stats();
    // Rewrite the catalog entry as the v2 descriptor an older build wrote: no stamps, no counts.
    const v4 = Buffer.from(store.getCatalog('t')!);
    expect(v4[4]).toBe(4);
    let at = 5;
    const skipVarint = (): void => {
      while (v4[at] >= 0x80) at++;
      at++;
    };
    skipVarint(); // root
    const rootEnd = at;
    at += 3; // root stamp
    const heightStart = at;
    skipVarint(); // height
    skipVarint(); // entries
    const flagsAt = at;
    expect(v4[flagsAt]).toBe(1); // counts follow
    at++;
    skipVarint();
    skipVarint();
    skipVarint();
    expect(v4[at]).toBe(0); // no held list
    const v2 = [...v4.subarray(0, 4), 2, ...v4.subarray(5, rootEnd), ...v4.subarray(heightStart, flagsAt), 0, 0];
    store.setCatalog('t', Uint8Array.from(v2));
    await store.checkpoint(lsn(1));
    store = new MemoryPageStore(backing);
    const old = BTree.open(store, 't');
    old.put(nkey(1000), enc('new'));
    old.flush();
    const flagsOf = (d: Uint8Array): number => {
      let i = 5;
      const skip = (): void => {
        while (d[i] >= 0x80) i++;
        i++;
      };
      skip();
      i += 3;
      skip();
      skip();
      return d[i];
    };
    const uncounted = store.getCatalog('t')!;
    expect([uncounted[4], flagsOf(uncounted)]).toEqual([4, 0]); // v4, not counted yet: no walk
    const s = old.stats();
    expect(s.entries).toBe(want.entries + 1);
    expect(s.overflowPages).toBe(want.overflowPages);
    expect(s.leafNodes).toBeGreaterThanOrEqual(want.leafNodes);
    expect(old.verify()).toEqual([]); // recounts every page and compares with the counts
    old.flush();
    const counted = store.getCatalog('t')!;
    expect([counted[4], flagsOf(counted)]).toEqual([4, 1]);
  });
});

describe('held pages after a restart', () => {
  it('are freed by open itself, together with a descriptor that no longer lists them', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    let store = new MemoryPageStore(backing);
    let tree = BTree.open(store, 't');
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc(`first ${i}`));
    tree.flush();
    await store.checkpoint(lsn(1));
    tree.snapshot();
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc(`second ${i}`));
    tree.flush();
    await store.checkpoint(lsn(2));
    const held = store.getCatalog('t')!;
    // Crash with the snapshot open; reopen, then crash again before any checkpoint.
    store = new MemoryPageStore(backing);
    BTree.open(store, 't');
    expect(store.getCatalog('t')).not.toEqual(held);
    store = new MemoryPageStore(backing);
    expect(store.getCatalog('t')).toEqual(held); // the frees and the new descriptor were lost together
    tree = BTree.open(store, 't');
    const s = tree.stats();
    expect(inUse(store)).toBe(s.leafNodes + s.branchNodes + s.overflowPages);
    await store.checkpoint(lsn(3));
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(again.verify()).toEqual([]);
    expect(again.get(nkey(7))).toEqual(enc('second 7'));
  });
});
