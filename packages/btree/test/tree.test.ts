import { describe, it, expect } from '@jest/globals';
import { MemoryPageStore, expectCode } from '@photondb/contracts/testing';
import { lsn } from '@photondb/contracts';
import { BTree } from '@photondb/btree';
import { dec, enc, nkey, plain, smallTree } from './helpers/trees.js';

describe('BTree basic operations', () => {
  it('puts, gets, replaces and deletes keys', () => {
    const { tree } = smallTree();
    expect(tree.get(enc('a'))).toBeUndefined();
    tree.put(enc('a'), enc('1'));
    tree.put(enc('b'), enc('2'));
    tree.put(enc('a'), enc('3'));
    expect(dec(tree.get(enc('a'))!)).toBe('3');
    expect(tree.has(enc('b'))).toBe(true);
    expect(tree.count()).toBe(2);
    expect(tree.delete(enc('a'))).toBe(true);
    expect(tree.delete(enc('a'))).toBe(false);
    expect(tree.count()).toBe(1);
    expect(tree.verify()).toEqual([]);
  });

  it('accepts the empty key', () => {
    const { tree } = smallTree();
    tree.put(new Uint8Array(0), enc('empty'));
    tree.put(enc('a'), enc('x'));
    expect(dec(tree.get(new Uint8Array(0))!)).toBe('empty');
    expect(dec(tree.first()![0])).toBe('');
  });

  it('copies keys and values on put so callers may reuse their buffers', () => {
    const { tree } = smallTree();
    const k = enc('key');
    const v = enc('val');
    tree.put(k, v);
    k[0] = 0;
    v[0] = 0;
    expect(dec(tree.get(enc('key'))!)).toBe('val');
  });

  it('grows to several levels with small pages and stays valid through splits and merges', () => {
    const { tree } = smallTree();
    for (let i = 0; i < 3000; i++) tree.put(nkey((i * 7919) % 3000), enc(`v${i}`));
    expect(tree.stats().depth).toBeGreaterThanOrEqual(3);
    expect(tree.verify()).toEqual([]);
    for (let i = 0; i < 3000; i += 2) expect(tree.delete(nkey(i))).toBe(true);
    expect(tree.verify()).toEqual([]);
    for (let i = 1; i < 3000; i += 2) expect(tree.delete(nkey(i))).toBe(true);
    expect(tree.verify()).toEqual([]);
    expect(tree.count()).toBe(0);
    expect(tree.stats().depth).toBe(1);
  });

  it('scans ranges with bounds, limit and reverse', () => {
    const { tree } = smallTree();
    for (let i = 0; i < 500; i++) tree.put(nkey(i), nkey(i));
    const keys = (o: Parameters<BTree['range']>[0]): string[] => [...tree.range(o)].map(([k]) => dec(k));
    expect(keys({ gte: nkey(10), lt: nkey(13) })).toEqual(['000010', '000011', '000012']);
    expect(keys({ gt: nkey(10), lte: nkey(13) })).toEqual(['000011', '000012', '000013']);
    expect(keys({ gt: nkey(10), lte: nkey(13), reverse: true })).toEqual(['000013', '000012', '000011']);
    expect(keys({ reverse: true, limit: 2 })).toEqual(['000499', '000498']);
    expect(keys({ gte: nkey(498), limit: 5 })).toEqual(['000498', '000499']);
    expect(keys({ gt: nkey(20), lt: nkey(20) })).toEqual([]);
    expect(tree.count({ gte: nkey(100), lt: nkey(200) })).toBe(100);
    expect([...tree.range()].length).toBe(500);
  });

  it('iterates prefixes forwards and backwards', () => {
    const { tree } = smallTree();
    for (const k of ['a', 'ab', 'abc', 'abd', 'ac', 'b']) tree.put(enc(k), enc(k));
    tree.put(Uint8Array.of(0x61, 0xff), enc('x'));
    tree.put(Uint8Array.of(0x61, 0xff, 0xff), enc('x'));
    expect([...tree.prefix(enc('ab'))].map(([k]) => dec(k))).toEqual(['ab', 'abc', 'abd']);
    expect([...tree.prefix(enc('ab'), { reverse: true, limit: 2 })].map(([k]) => dec(k))).toEqual(['abd', 'abc']);
    expect([...tree.prefix(Uint8Array.of(0x61, 0xff))].length).toBe(2);
    expect([...tree.prefix(new Uint8Array(0))].length).toBe(8);
  });

  it('flushes, checkpoints and reopens with the same content', async () => {
    const { tree, store, backing } = smallTree();
    for (let i = 0; i < 1000; i++) tree.put(nkey(i), enc(`value-${i}`));
    tree.flush();
    await store.checkpoint(lsn(1));
    expect(tree.stats().dirtyNodes).toBe(0);
    const again = BTree.open(new MemoryPageStore(backing), 't');
    expect(again.count()).toBe(1000);
    expect(dec(again.get(nkey(777))!)).toBe('value-777');
    expect(plain(again.range())).toEqual(plain(tree.range()));
    expect(again.verify()).toEqual([]);
  });

  it('frees replaced pages so a rewritten tree does not grow the store', async () => {
    const { tree, store } = smallTree();
    for (let i = 0; i < 500; i++) tree.put(nkey(i), enc('x'));
    tree.flush();
    await store.checkpoint(lsn(1));
    const pages = store.stats().pageCount;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 500; i += 7) tree.put(nkey(i), enc(`r${round}`));
      tree.flush();
      await store.checkpoint(lsn(2 + round));
    }
    expect(store.stats().pageCount).toBeLessThan(pages * 2);
    expect(tree.verify()).toEqual([]);
  });

  it('rejects bad keys and values with typed errors', async () => {
    const { tree } = smallTree();
    await expectCode('INVALID_ARGUMENT', () => tree.put('a' as unknown as Uint8Array, enc('x')));
    await expectCode('INVALID_ARGUMENT', () => tree.put(enc('a'), null as unknown as Uint8Array));
    await expectCode('TOO_LARGE', () => tree.put(new Uint8Array(tree.layout.maxKeyBytes + 1), enc('x')));
    await expectCode('INVALID_ARGUMENT', () => tree.range({ limit: -1 }));
    expect(tree.count()).toBe(0);
  });
});

describe('BTree range bounds', () => {
  it('keeps the bounds a range, a prefix scan or a snapshot range was given when the caller reuses its buffers', () => {
    const { tree } = smallTree();
    for (const k of ['a', 'b', 'c', 'd', 'e']) tree.put(enc(k), enc(k));
    const names = (it: Iterable<[Uint8Array, Uint8Array]>): string => [...it].map(([k]) => dec(k)).join(',');
    const lo = enc('b');
    const hi = enc('d');
    const range = tree.range({ gte: lo, lt: hi });
    lo.set(enc('a'));
    hi.set(enc('z'));
    expect(names(range)).toBe('b,c');
    const p = enc('c');
    const byPrefix = tree.prefix(p);
    p.set(enc('a'));
    expect(names(byPrefix)).toBe('c');
    const snap = tree.snapshot();
    const bound = enc('c');
    const snapRange = snap.range({ lte: bound });
    bound.set(enc('z'));
    expect(names(snapRange)).toBe('a,b,c');
    snap.release();
  });
});
