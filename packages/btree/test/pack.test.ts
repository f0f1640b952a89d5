/**
 * Packing at flush (pack.ts): runs of neighbouring leaves changed since the last flush are cut
 * anew to `packFill` of a page before they are written. The content never changes, verify()
 * holds, nodes a snapshot or cursor can see are never repacked, and random fills take
 * measurably fewer pages.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MemoryPageStore, expectCode, fcRuns } from '@photondb/contracts/testing';
import { lsn } from '@photondb/contracts';
import { BTree } from '@photondb/btree';
import type { TreeOptions } from '@photondb/btree';
import { nkey, plain, smallTree, sortedEntries, hex } from './helpers/trees.js';

/** `n` keys in a scrambled order (a fixed permutation), each with a value of `valueBytes`. */
function randomFill(tree: BTree, n: number, valueBytes: number): Map<string, Uint8Array> {
  const model = new Map<string, Uint8Array>();
  for (let j = 0; j < n; j++) {
    const i = (j * 7919) % n;
    const v = new Uint8Array(valueBytes).fill(i & 0xff);
    tree.put(nkey(i, 8), v);
    model.set(hex(nkey(i, 8)), v);
  }
  return model;
}

function filled(n: number, options?: TreeOptions): { tree: BTree; store: MemoryPageStore; model: Map<string, Uint8Array> } {
  const { tree, store } = smallTree(4096, options);
  const model = randomFill(tree, n, 100);
  return { tree, store, model };
}

describe('BTree packing at flush', () => {
  it('validates packFill before opening', async () => {
    const { store } = smallTree(4096);
    for (const bad of [-0.1, 0.2, 0.49, 1.01, 2, Number.NaN, '0.9', null]) {
      await expectCode('INVALID_ARGUMENT', () => BTree.open(store, 't', { packFill: bad as unknown as number }));
    }
    for (const ok of [0, 0.5, 0.75, 1]) expect(() => BTree.open(store, `t${ok}`, { packFill: ok })).not.toThrow();
  });

  it('packs a random fill into about a quarter fewer leaves, with the same content and a sound tree', async () => {
    const unpacked = filled(20_000, { packFill: 0 });
    const packed = filled(20_000);
    const before = packed.tree.stats().leafNodes;
    expect(unpacked.tree.stats().leafNodes).toBe(before);
    unpacked.tree.flush();
    packed.tree.flush();
    await packed.store.checkpoint(lsn(1));
    const plainLeaves = unpacked.tree.stats().leafNodes;
    const packedLeaves = packed.tree.stats().leafNodes;
    // A 4 KiB page holds ~37 entries of 109 bytes at 100%: random splits leave ~69% of that, 0.9 packing ~33.
    expect(packedLeaves).toBeLessThan(plainLeaves * 0.82);
    expect(20_000 / packedLeaves).toBeGreaterThan(30);
    expect(packed.tree.verify()).toEqual([]);
    expect(plain(packed.tree.range())).toEqual(plain(sortedEntries(packed.model)));
    // What was written reads back the same after a reopen, and the store holds only those pages.
    const reopened = BTree.open(packed.store, 't');
    expect(reopened.verify()).toEqual([]);
    expect(reopened.stats().leafNodes).toBe(packedLeaves);
    expect(plain(reopened.range())).toEqual(plain(sortedEntries(packed.model)));
  });

  it('packs to the fill asked for: 1 packs tighter than 0.9, 0.5 not at all past a random fill', () => {
    const leavesAt = (packFill: number): number => {
      const { tree } = filled(10_000, { packFill });
      tree.flush();
      expect(tree.verify()).toEqual([]);
      return tree.stats().leafNodes;
    };
    const none = leavesAt(0);
    const half = leavesAt(0.5);
    const ninety = leavesAt(0.9);
    const full = leavesAt(1);
    expect(full).toBeLessThan(ninety);
    expect(ninety).toBeLessThan(none);
    // Random splits leave leaves above half full: cutting them to half would take more leaves.
    expect(half).toBe(none);
  });

  it('never repacks the nodes a snapshot holds: they are written as they are, and the snapshot reads the same', async () => {
    const { tree, store, model } = filled(8_000);
    const leaves = tree.stats().leafNodes;
    const snap = tree.snapshot();
    tree.flush();
    await store.checkpoint(lsn(1));
    // Every dirty node belongs to the snapshot's epoch now: none was cut anew.
    expect(tree.stats().leafNodes).toBe(leaves);
    expect(plain(snap.range())).toEqual(plain(sortedEntries(model)));
    snap.release();
    // Writes after the snapshot make new copies, which the next flush may pack.
    for (let i = 0; i < 8_000; i += 2) tree.put(nkey(i, 8), new Uint8Array(100).fill(7));
    for (let i = 0; i < 8_000; i += 2) model.set(hex(nkey(i, 8)), new Uint8Array(100).fill(7));
    tree.flush();
    expect(tree.stats().leafNodes).toBeLessThan(leaves * 0.85);
    expect(tree.verify()).toEqual([]);
    expect(plain(tree.range())).toEqual(plain(sortedEntries(model)));
  });

  it('leaves a cursor opened before the flush reading what it saw', () => {
    const { tree, model } = filled(6_000);
    const cursor = tree.cursor();
    expect(cursor.seekFirst()).toBe(true);
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      seen.push(hex(cursor.key));
      cursor.next();
    }
    const leaves = tree.stats().leafNodes;
    tree.flush();
    // The cursor froze the tree's nodes (a new epoch), so the flush wrote them without packing.
    expect(tree.stats().leafNodes).toBe(leaves);
    expect(seen).toEqual([...model.keys()].sort().slice(0, 10));
  });

  it('leaves alone runs packed before whose values were overwritten in place (nothing worth a copy)', () => {
    const { tree } = filled(10_000);
    tree.flush();
    const leaves = tree.stats().leafNodes;
    for (let i = 0; i < 10_000; i++) tree.put(nkey(i, 8), new Uint8Array(100).fill(3));
    tree.flush();
    expect(tree.stats().leafNodes).toBe(leaves);
    expect(tree.verify()).toEqual([]);
  });

  it('moves overflow values and long values not yet written with their entries', async () => {
    const { tree, store } = smallTree(1024);
    const model = new Map<string, Uint8Array>();
    for (let j = 0; j < 3_000; j++) {
      const i = (j * 7919) % 3_000;
      // Every 50th value is larger than a page (an overflow chain), the rest small.
      const v = new Uint8Array(i % 50 === 0 ? 3000 : 20).fill(i & 0xff);
      tree.put(nkey(i, 8), v);
      model.set(hex(nkey(i, 8)), v);
    }
    const unpacked = tree.stats().leafNodes;
    tree.flush();
    await store.checkpoint(lsn(1));
    expect(tree.stats().leafNodes).toBeLessThan(unpacked);
    expect(tree.verify()).toEqual([]);
    const reopened = BTree.open(store, 't');
    expect(plain(reopened.range())).toEqual(plain(sortedEntries(model)));
  });

  it('property: any writes, snapshots and flushes at any fill keep the content and the bounds', async () => {
    let packedAway = 0;
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.integer({ min: 0, max: 3000 }), len: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 100, max: 700 })) }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.integer({ min: 0, max: 3000 }) }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('many' as const), from: fc.integer({ min: 0, max: 3000 }), count: fc.integer({ min: 10, max: 120 }), len: fc.integer({ min: 0, max: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('flush' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('snap' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('release' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0.5, 0.7, 0.9, 1), fc.array(op, { minLength: 1, maxLength: 120 }), async (packFill, randomOps) => {
        const { tree, store } = smallTree(512, { packFill });
        // Every run starts from a tree whose first flush packs (a scrambled burst of 400 keys), so
        // the random operations after it also meet packed leaves.
        const ops: typeof randomOps = [{ t: 'many', from: 0, count: 400, len: 10 }, { t: 'flush' }, ...randomOps];
        const model = new Map<string, Uint8Array>();
        const snaps: { snap: ReturnType<BTree['snapshot']>; rows: [string, string][] }[] = [];
        let n = 1;
        for (const o of ops) {
          if (o.t === 'put') {
            const v = new Uint8Array(o.len).fill(o.k & 0xff);
            tree.put(nkey(o.k), v);
            model.set(hex(nkey(o.k)), v);
          } else if (o.t === 'many') {
            // A burst of puts in scrambled order over a stretch of keys: leaves split at random.
            for (let j = 0; j < o.count; j++) {
              const k = (o.from + ((j * 37) % o.count) * 3) % 3001;
              const v = new Uint8Array(o.len).fill(j & 0xff);
              tree.put(nkey(k), v);
              model.set(hex(nkey(k)), v);
            }
          } else if (o.t === 'del') {
            tree.delete(nkey(o.k));
            model.delete(hex(nkey(o.k)));
          } else if (o.t === 'flush') {
            const leaves = tree.stats().leafNodes;
            tree.flush();
            packedAway += leaves - tree.stats().leafNodes;
            await store.checkpoint(lsn(n++));
            expect(tree.verify()).toEqual([]);
          } else if (o.t === 'snap') {
            snaps.push({ snap: tree.snapshot(), rows: plain(sortedEntries(model)) });
          } else {
            snaps.shift()?.snap.release();
          }
        }
        const leaves = tree.stats().leafNodes;
        tree.flush();
        packedAway += leaves - tree.stats().leafNodes;
        await store.checkpoint(lsn(n++));
        expect(tree.verify()).toEqual([]);
        expect(plain(tree.range())).toEqual(plain(sortedEntries(model)));
        for (const s of snaps) expect(plain(s.snap.range())).toEqual(s.rows);
        const reopened = BTree.open(store, 't');
        expect(reopened.verify()).toEqual([]);
        expect(plain(reopened.range())).toEqual(plain(sortedEntries(model)));
      }),
      { numRuns: fcRuns(60) },
    );
    // The runs did exercise packing (leaves cut anew into fewer), not only flushes with nothing to pack.
    expect(packedAway).toBeGreaterThan(0);
  });
});
