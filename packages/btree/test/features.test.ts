import { describe, it, expect } from '@jest/globals';
import { MemoryPageStore, createMemoryPageStoreBacking, expectCode } from '@photondb/contracts/testing';
import { lsn } from '@photondb/contracts';
import { BTree, decodeRedo, encodeRedo } from '@photondb/btree';
import type { BatchOp } from '@photondb/btree';
import { dec, enc, hex, nkey, plain, smallTree } from './helpers/trees.js';

describe('overflow values', () => {
  it('stores values larger than a page in overflow chains and reads them back after reopen', async () => {
    const { tree, store, backing } = smallTree();
    const big = new Uint8Array(5000).map((_, i) => i * 7);
    tree.put(enc('big'), big);
    tree.put(enc('small'), enc('s'));
    expect(hex(tree.get(enc('big'))!)).toBe(hex(big));
    tree.flush();
    await store.checkpoint(lsn(1));
    expect(tree.stats().overflowPages).toBe(Math.ceil(5000 / (480 - 12)));
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(hex(again.get(enc('big'))!)).toBe(hex(big));
    expect(again.verify()).toEqual([]);
  });

  it('frees an overflow chain when its value is replaced or deleted', async () => {
    const { tree, store } = smallTree();
    tree.put(enc('big'), new Uint8Array(3000));
    tree.flush();
    await store.checkpoint(lsn(1));
    const free0 = store.stats().freePageCount;
    tree.put(enc('big'), enc('now small'));
    tree.flush();
    await store.checkpoint(lsn(2));
    expect(store.stats().freePageCount).toBeGreaterThanOrEqual(free0 + 7);
    expect(tree.stats().overflowPages).toBe(0);
    tree.put(enc('big'), new Uint8Array(3000));
    tree.flush();
    expect(tree.delete(enc('big'))).toBe(true);
    tree.flush();
    expect(tree.stats().overflowPages).toBe(0);
    expect(tree.verify()).toEqual([]);
  });
});

describe('cursors', () => {
  it('seeks and moves both ways across leaves', () => {
    const { tree } = smallTree();
    for (let i = 0; i < 400; i += 2) tree.put(nkey(i), enc(String(i)));
    const c = tree.cursor();
    expect(c.seek(nkey(101))).toBe(true);
    expect(dec(c.key)).toBe('000102');
    expect(dec(c.value)).toBe('102');
    expect(c.prev()).toBe(true);
    expect(dec(c.key)).toBe('000100');
    let n = 0;
    while (c.next()) n++;
    expect(n).toBe(149);
    expect(c.valid).toBe(false);
    expect(c.seekLast()).toBe(true);
    expect(dec(c.key)).toBe('000398');
    expect(c.seekFirst()).toBe(true);
    expect(c.prev()).toBe(false);
    expect(c.seek(nkey(999))).toBe(false);
  });

  it('throws INVALID_ARGUMENT when reading an invalid cursor or seeking a non-Uint8Array', async () => {
    const { tree } = smallTree();
    const c = tree.cursor();
    expect(c.seekFirst()).toBe(false);
    await expectCode('INVALID_ARGUMENT', () => c.key);
    await expectCode('INVALID_ARGUMENT', () => c.seek('a' as unknown as Uint8Array));
  });

  it('keeps reading the version it was made from while the tree is written', () => {
    const { tree } = smallTree();
    for (let i = 0; i < 200; i++) tree.put(nkey(i), enc('old'));
    const c = tree.cursor();
    c.seekFirst();
    for (let i = 0; i < 200; i++) tree.put(nkey(i), enc('new'));
    let n = 0;
    do {
      expect(dec(c.value)).toBe('old');
      n++;
    } while (c.next());
    expect(n).toBe(200);
  });
});

describe('snapshots', () => {
  it('see a stable version across later writes, flushes and checkpoints', async () => {
    const { tree, store } = smallTree();
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc('v1'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const snap = tree.snapshot();
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc('v2-longer-value'));
    for (let i = 0; i < 300; i += 3) tree.delete(nkey(i));
    tree.flush();
    await store.checkpoint(lsn(2));
    for (let i = 0; i < 100; i++) tree.put(nkey(1000 + i), enc('reuses freed pages'));
    tree.flush();
    await store.checkpoint(lsn(3));
    expect(snap.count()).toBe(300);
    expect([...snap.range()].every(([, v]) => dec(v) === 'v1')).toBe(true);
    expect(dec(snap.get(nkey(3))!)).toBe('v1');
    expect(tree.get(nkey(3))).toBeUndefined();
    const c = snap.cursor();
    expect(c.seekLast() && dec(c.key)).toBe('000299');
    snap.release();
    snap.release();
    await expectCode('CLOSED', () => snap.get(nkey(1)));
    tree.flush();
    expect(tree.verify()).toEqual([]);
  });

  it('holds pages back until released, then the next flush frees them', async () => {
    const { tree, store } = smallTree();
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc('a'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const snap = tree.snapshot();
    for (let i = 0; i < 300; i++) tree.put(nkey(i), enc('b'));
    tree.flush();
    await store.checkpoint(lsn(2));
    const heldFree = store.stats().freePageCount;
    snap.release();
    tree.flush();
    await store.checkpoint(lsn(3));
    expect(store.stats().freePageCount).toBeGreaterThan(heldFree);
  });
});

describe('bulk load', () => {
  it('builds a valid tree with full leaves from sorted input', async () => {
    const { tree, store, backing } = smallTree();
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 5000; i++) entries.push([nkey(i), enc(`value ${i}`)]);
    entries.push([enc('zz-big'), new Uint8Array(2000).fill(1)]);
    tree.load(entries);
    expect(tree.verify()).toEqual([]);
    expect(tree.count()).toBe(5001);
    const loadedLeaves = tree.stats().leafNodes;
    const { tree: other } = smallTree();
    for (const [k, v] of entries) other.put(k, v);
    expect(loadedLeaves).toBeLessThan(other.stats().leafNodes);
    tree.flush();
    await store.checkpoint(lsn(1));
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(plain(again.range())).toEqual(plain(entries));
    expect(again.verify()).toEqual([]);
  });

  it('loads every size from 1 to 300 entries into a valid tree', () => {
    for (let n = 1; n <= 300; n += 7) {
      const { tree } = smallTree();
      tree.load(Array.from({ length: n }, (_, i) => [nkey(i), new Uint8Array(i % 40)] as [Uint8Array, Uint8Array]));
      expect(tree.verify()).toEqual([]);
      expect(tree.count()).toBe(n);
    }
  });

  it('refuses unsorted or duplicate input and a non-empty tree with INVALID_ARGUMENT, changing nothing', async () => {
    const { tree } = smallTree();
    await expectCode('INVALID_ARGUMENT', () => tree.load([[enc('b'), enc('')], [enc('a'), enc('')]]));
    await expectCode('INVALID_ARGUMENT', () => tree.load([[enc('a'), enc('')], [enc('a'), enc('')]]));
    await expectCode('INVALID_ARGUMENT', () => tree.load(42 as unknown as []));
    expect(tree.count()).toBe(0);
    tree.put(enc('x'), enc(''));
    await expectCode('INVALID_ARGUMENT', () => tree.load([[enc('a'), enc('')]]));
  });
});

describe('batches and redo', () => {
  it('re-applying a batch (redo on recovery) gives the same state', () => {
    const ops: BatchOp[] = [];
    for (let i = 0; i < 200; i++) ops.push({ type: 'put', key: nkey(i % 50), value: enc(`v${i}`) });
    for (let i = 0; i < 50; i += 3) ops.push({ type: 'delete', key: nkey(i) });
    const { tree } = smallTree();
    tree.apply(ops);
    const once = plain(tree.range());
    tree.apply(decodeRedo(encodeRedo(ops)));
    expect(plain(tree.range())).toEqual(once);
    expect(tree.verify()).toEqual([]);
  });

  it('validates the whole batch before applying any of it', async () => {
    const { tree } = smallTree();
    await expectCode('TOO_LARGE', () => tree.apply([{ type: 'put', key: enc('a'), value: enc('') }, { type: 'put', key: new Uint8Array(500), value: enc('') }]));
    await expectCode('INVALID_ARGUMENT', () => tree.apply([{ type: 'nope' } as unknown as BatchOp]));
    await expectCode('INVALID_ARGUMENT', () => tree.apply('x' as unknown as BatchOp[]));
    expect(tree.count()).toBe(0);
  });
});

describe('catalog, drop and several trees', () => {
  it('keeps several named trees in one store', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    const store = new MemoryPageStore(backing);
    const a = BTree.open(store, 'a');
    const b = BTree.open(store, 'b');
    for (let i = 0; i < 300; i++) {
      a.put(nkey(i), enc('a'));
      b.put(nkey(i), enc('b'));
    }
    a.flush();
    b.flush();
    await store.checkpoint(lsn(1));
    const s2 = new MemoryPageStore(backing);
    expect(s2.catalogNames()).toEqual(['a', 'b']);
    expect(dec(BTree.open(s2, 'a').get(nkey(5))!)).toBe('a');
    expect(dec(BTree.open(s2, 'b').get(nkey(5))!)).toBe('b');
  });

  it('drop frees every page and removes the catalog entry, after its snapshots are released', async () => {
    const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
    const store = new MemoryPageStore(backing);
    const keep = BTree.open(store, 'keep');
    keep.put(enc('k'), enc('v'));
    keep.flush();
    const t = BTree.open(store, 'gone');
    for (let i = 0; i < 300; i++) t.put(nkey(i), new Uint8Array(i % 3 === 0 ? 400 : 10));
    t.flush();
    await store.checkpoint(lsn(1));
    const snap = t.snapshot();
    t.drop();
    expect(store.catalogNames()).toEqual(['keep']);
    expect(snap.count()).toBe(300);
    expect(snap.get(nkey(3))!.length).toBe(400);
    await expectCode('CLOSED', () => t.get(nkey(1)));
    snap.release();
    await store.checkpoint(lsn(2));
    const st = store.stats();
    expect(st.pageCount - 2 - st.freePageCount).toBe(1);
  });
});

describe('pager cache and inspection', () => {
  it('serves hot lookups from the cache without decoding', async () => {
    const { tree, store } = smallTree();
    for (let i = 0; i < 1000; i++) tree.put(nkey(i), enc('v'));
    tree.flush();
    await store.checkpoint(lsn(1));
    tree.get(nkey(500));
    const before = tree.stats().cacheMisses;
    for (let i = 0; i < 100; i++) tree.get(nkey(500));
    expect(tree.stats().cacheMisses).toBe(before);
  });

  it('evicts decoded nodes beyond cacheNodes and still reads correctly', async () => {
    const { tree, store, backing } = smallTree(512);
    for (let i = 0; i < 1000; i++) tree.put(nkey(i), enc('v'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const small = BTree.open(new MemoryPageStore(backing), 't', { cacheNodes: 3 });
    // Lookups spread evenly fill the cache, then search pages in place (no leaf is wanted more
    // than those cached); a leaf looked up again and again is decoded and cached, evicting one.
    for (let round = 0; round < 2; round++) for (let i = 0; i < 1000; i += 37) expect(dec(small.get(nkey(i))!)).toBe('v');
    expect(small.stats().cachedNodes).toBeLessThanOrEqual(3);
    const evictions = small.stats().cacheEvictions;
    for (let n = 0; n < 6; n++) expect(dec(small.get(nkey(500))!)).toBe('v');
    expect(small.stats().cachedNodes).toBeLessThanOrEqual(3);
    expect(small.stats().cacheEvictions).toBeGreaterThan(evictions);
  });

  it('counts the nodes made dirty since the last flush: copies and split halves, reset by flush', async () => {
    const { tree, store } = smallTree(4096);
    for (let i = 0; i < 2000; i++) tree.put(nkey(i), enc('v'));
    tree.flush();
    await store.checkpoint(lsn(1));
    expect(tree.dirtyNodesSinceFlush).toBe(0);
    expect(tree.stats().depth).toBe(2);
    tree.put(nkey(5), enc('w'));
    expect(tree.dirtyNodesSinceFlush).toBe(2); // the root and one leaf, copied
    tree.put(nkey(6), enc('w'));
    expect(tree.dirtyNodesSinceFlush).toBe(2); // the same two, changed in place
    const leaves = tree.stats().leafNodes;
    for (let i = 0; i < 400; i++) tree.put(enc(`000005-${String(i).padStart(3, '0')}`), enc('x'.repeat(20))); // all into one leaf
    const split = tree.stats().leafNodes - leaves;
    expect(split).toBeGreaterThan(0);
    expect(tree.dirtyNodesSinceFlush).toBe(2 + split);
    expect(tree.dirtyNodesSinceFlush).toBeGreaterThanOrEqual(tree.stats().dirtyNodes);
    tree.flush();
    expect(tree.dirtyNodesSinceFlush).toBe(0);
  });

  it('caches a leaf on its first lookup while the cache has room, and once it is full only a leaf probed twice and wanted more than the one it displaces', async () => {
    const { tree, store, backing } = smallTree(512);
    for (let i = 0; i < 2000; i++) tree.put(nkey(i), enc('v'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const leaves = tree.stats().leafNodes;
    // Room for every node: one pass decodes and caches each leaf, the next reads none.
    const roomy = BTree.open(new MemoryPageStore(backing), 't', { cacheNodes: 10 * leaves });
    for (let i = 0; i < 2000; i += 3) expect(dec(roomy.get(nkey(i))!)).toBe('v');
    const misses = roomy.stats().cacheMisses;
    expect(roomy.stats().cachedNodes).toBeGreaterThan(leaves / 2);
    for (let i = 0; i < 2000; i += 3) roomy.get(nkey(i));
    expect(roomy.stats().cacheMisses).toBe(misses);
    // A small cache over a two-level tree (root and leaves), full after the first leaves:
    // one-off lookups of other leaves search their pages in place and evict nothing; a leaf
    // looked up twice (more than the cached leaves' one each) is admitted.
    const two = smallTree(4096);
    // (6,000 keys: flush packs the leaves 90% full, and the test needs more than 10 of them.)
    for (let i = 0; i < 6000; i++) two.tree.put(nkey(i), enc('v'));
    two.tree.flush();
    await two.store.checkpoint(lsn(1));
    expect(two.tree.stats().depth).toBe(2);
    // One key from each leaf, found through the writer's tree.
    const leafOf = (k: Uint8Array): number | null => two.tree.path(k).at(-1)!.pageId;
    const byLeaf = new Map<number | null, Uint8Array>();
    for (let i = 0; i < 6000; i++) if (!byLeaf.has(leafOf(nkey(i)))) byLeaf.set(leafOf(nkey(i)), nkey(i));
    const oneEach = [...byLeaf.values()];
    expect(oneEach.length).toBeGreaterThan(10);
    const tight = BTree.open(new MemoryPageStore(two.backing), 't', { cacheNodes: 4 });
    for (const k of oneEach.slice(0, 3)) tight.get(k);
    expect(tight.stats().cachedNodes).toBe(4);
    const evictions = tight.stats().cacheEvictions;
    const others = oneEach.slice(3);
    for (const k of others) expect(dec(tight.get(k)!)).toBe('v');
    expect(tight.stats().cacheEvictions).toBe(evictions);
    tight.get(others[0]);
    expect(tight.stats().cacheEvictions).toBe(evictions + 1);
    // Now make the cached leaves hot (6 lookups each): another leaf probed twice is not wanted
    // more than they are, so it is searched in place; it gets in once it has been looked up more
    // often than the leaf it would displace (every second probe is a candidate).
    for (let n = 0; n < 6; n++) for (const k of [...oneEach.slice(0, 3), others[0]]) tight.get(k);
    const hot = tight.stats().cacheEvictions;
    const cold = others[1];
    for (let n = 0; n < 2; n++) expect(dec(tight.get(cold)!)).toBe('v');
    expect(tight.stats().cacheEvictions).toBe(hot);
    for (let n = 0; n < 10; n++) tight.get(cold);
    expect(tight.stats().cacheEvictions).toBeGreaterThan(hot);
  });

  it('leaves ascending inserts about 3/4 full (uneven split when appending), random ones at least half', () => {
    const value = new Uint8Array(20);
    const seq = smallTree(1024).tree;
    for (let i = 0; i < 5000; i++) seq.put(nkey(i), value);
    const rnd = smallTree(1024).tree;
    const order = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    for (const i of order) rnd.put(nkey(i), value);
    const perLeaf = (t: BTree): number => t.stats().entries / t.stats().leafNodes;
    // A 1 KiB page's payload holds about 30 such entries.
    expect(perLeaf(seq)).toBeGreaterThan(20);
    expect(perLeaf(rnd)).toBeGreaterThan(14);
    expect(perLeaf(seq)).toBeGreaterThan(perLeaf(rnd));
    expect(seq.verify()).toEqual([]);
    expect(rnd.verify()).toEqual([]);
    // Descending inserts are not appends: they split at the midpoint, and stay valid.
    const desc = smallTree(1024).tree;
    for (let i = 4999; i >= 0; i--) desc.put(nkey(i), value);
    expect(desc.verify()).toEqual([]);
  });

  it('counts a shared key prefix once when deciding whether a leaf fits (puts and bulk load)', () => {
    // 16-byte keys sharing their first 12 bytes, 40-byte values: 59 logical bytes an entry with
    // whole keys, 47 with the prefix counted once.
    const key = (i: number): Uint8Array => {
      const k = new Uint8Array(16);
      new DataView(k.buffer).setUint32(12, i);
      return k;
    };
    const value = new Uint8Array(40).fill(7);
    const n = 4000;
    const loaded = smallTree(1024).tree;
    loaded.load(Array.from({ length: n }, (_, i) => [key(i), value] as [Uint8Array, Uint8Array]));
    const random = smallTree(1024).tree;
    for (let i = 0; i < n; i++) random.put(key((i * 7919) % n), value);
    const perLeaf = (t: BTree): number => t.stats().entries / t.stats().leafNodes;
    const payload = 1024 - 64; // at least this much of a 1 KiB page is payload
    // Whole keys would allow at most (payload) / 59 entries a leaf; loaded leaves hold more.
    expect(perLeaf(loaded)).toBeGreaterThan(payload / 59 + 1);
    expect(perLeaf(random)).toBeGreaterThan(0.69 * (payload / 59) * 1.1);
    expect(loaded.verify()).toEqual([]);
    expect(random.verify()).toEqual([]);
    for (let i = 0; i < n; i += 97) expect(random.get(key(i))).toEqual(value);
  });

  it('bounds the cache by node memory with cacheBytes, counting what it holds', async () => {
    const { tree, store, backing } = smallTree(512);
    for (let i = 0; i < 3000; i++) tree.put(nkey(i), enc('value-' + i));
    tree.flush();
    await store.checkpoint(lsn(1));
    const budget = 16 * 1024;
    const small = BTree.open(new MemoryPageStore(backing), 't', { cacheBytes: budget, cacheNodes: 1 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i += 7) expect(dec(small.get(nkey(i))!)).toBe('value-' + i);
    }
    const s = small.stats();
    expect(s.cachedBytes).toBeLessThanOrEqual(budget);
    expect(s.cachedBytes).toBeGreaterThan(budget / 2);
    expect(s.cachedNodes).toBeGreaterThan(1); // cacheNodes is ignored when cacheBytes is given
    expect(s.cacheEvictions).toBeGreaterThan(0);
    expect(small.verify()).toEqual([]);
    // Everything fits in a large budget: the second round of reads decodes nothing.
    const big = BTree.open(new MemoryPageStore(backing), 't', { cacheBytes: 1 << 30 });
    for (let i = 0; i < 3000; i++) big.get(nkey(i));
    const misses = big.stats().cacheMisses;
    for (let i = 0; i < 3000; i++) big.get(nkey(i));
    expect(big.stats().cacheMisses).toBe(misses);
    expect(big.stats().cachedBytes).toBeGreaterThan(0);
    await expectCode('INVALID_ARGUMENT', () => BTree.open(new MemoryPageStore(backing), 't', { cacheBytes: 0 }));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(new MemoryPageStore(backing), 't', { cacheBytes: 1.5 }));
  });

  it('path() lists the nodes a lookup visits, root first', async () => {
    const { tree, store } = smallTree();
    for (let i = 0; i < 2000; i++) tree.put(nkey(i), enc('v'));
    const dirty = tree.path(nkey(1234));
    expect(dirty.length).toBe(tree.stats().depth);
    expect(dirty[0].pageId).toBeNull();
    tree.flush();
    await store.checkpoint(lsn(1));
    const steps = tree.path(nkey(1234));
    expect(steps.map((s) => s.level)).toEqual(Array.from({ length: steps.length }, (_, i) => steps.length - 1 - i));
    const leaf = steps[steps.length - 1];
    expect(leaf.kind).toBe('leaf');
    expect(dec(leaf.keys[leaf.index])).toBe('001234');
    expect(typeof steps[0].pageId).toBe('number');
  });

  it('verify() reports a corrupt page as a problem and reads throw CORRUPTION', async () => {
    const { tree, store, backing } = smallTree();
    for (let i = 0; i < 500; i++) tree.put(nkey(i), enc('v'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const leafId = tree.path(nkey(250)).at(-1)!.pageId!;
    const page = backing.pages.get(leafId)!;
    page[0] = 9;
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(again.verify().some((p) => p.includes(`page ${leafId}`))).toBe(true);
    await expectCode('CORRUPTION', () => again.get(nkey(250)));
  });
});

describe('bad input and options', () => {
  it('rejects bad options, names and descriptors with typed codes', async () => {
    const store = new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: 512 }));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(store, ''));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(store, 't', { maxKeyBytes: 10_000 }));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(store, 't', { cacheNodes: 0 }));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(store, 't', { maxValueBytes: -1 }));
    await expectCode('INVALID_ARGUMENT', () => BTree.open(new MemoryPageStore(createMemoryPageStoreBacking({ pageSizeBytes: 128 })), 't'));
    store.setCatalog('junk', enc('not a tree'));
    await expectCode('CORRUPTION', () => BTree.open(store, 'junk'));
  });

  it('enforces maxKeyBytes and maxValueBytes with TOO_LARGE', async () => {
    const { tree } = smallTree(512, { maxKeyBytes: 16, maxValueBytes: 100 });
    tree.put(new Uint8Array(16), new Uint8Array(100));
    await expectCode('TOO_LARGE', () => tree.put(new Uint8Array(17), enc('')));
    await expectCode('TOO_LARGE', () => tree.put(enc('k'), new Uint8Array(101)));
    await expectCode('TOO_LARGE', () => tree.get(new Uint8Array(17)));
    expect(tree.count()).toBe(1);
  });

  it('rejects malformed range options with INVALID_ARGUMENT', async () => {
    const { tree } = smallTree();
    await expectCode('INVALID_ARGUMENT', () => tree.range({ gt: enc('a'), gte: enc('a') }));
    await expectCode('INVALID_ARGUMENT', () => tree.range({ lt: 'z' as unknown as Uint8Array }));
    await expectCode('INVALID_ARGUMENT', () => tree.count({ limit: 1.5 }));
    await expectCode('INVALID_ARGUMENT', () => tree.range({ reverse: 1 as unknown as boolean }));
    await expectCode('INVALID_ARGUMENT', () => tree.range(5 as unknown as object));
  });
});
