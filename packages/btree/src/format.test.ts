import { describe, it, expect } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import {
  decodeDescriptor,
  decodeHeldList,
  decodeNode,
  decodeOverflowPage,
  decodeRedo,
  encodeDescriptor,
  encodeHeldList,
  encodeNode,
  encodeOverflowPage,
  encodeRedo,
  encodeRedoInto,
  redoBytes,
  searchLeafPayload,
} from './format.js';
import type { BatchOp } from './format.js';
import { OverflowRef, makeBranch, makeLeaf } from './node.js';
import type { Layout } from './node.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const layout: Layout = { capacityBytes: 480, inlineLimitBytes: 120, underflowBytes: 120, maxKeyBytes: 120, maxValueBytes: 1 << 20 };

describe('node page format v1', () => {
  it('golden leaf: prefix-compressed keys, an inline and an overflow value', () => {
    const leaf = makeLeaf(layout, [enc('apple'), enc('apricot')], [enc('red'), new OverflowRef(300, 5000)], 1, null);
    const bytes = encodeNode(leaf);
    // kind 1, level 0, count 2, prefix "ap"; "ple" inline "red"; "ricot" overflow 5000 bytes at page 300
    expect(hex(bytes)).toBe('0100020002' + '6170' + '03706c65' + '0003726564' + '057269636f74' + '01' + '8827' + 'ac02');
    const back = decodeNode(bytes, 9, layout);
    expect(back.kind).toBe('leaf');
    expect(back.keys.toArray().map((k) => Buffer.from(k).toString())).toEqual(['apple', 'apricot']);
    expect(back.pageId).toBe(9);
    if (back.kind === 'leaf') {
      expect(hex(back.values.get(0) as Uint8Array)).toBe(hex(enc('red')));
      expect(back.values.get(1)).toEqual(new OverflowRef(300, 5000));
    }
  });

  it('golden branch: truncated separators and child page ids', () => {
    const branch = makeBranch(1, [enc('b'), enc('c')], [2, 3, 200], 1, null);
    expect(hex(encodeNode(branch))).toBe('0201020000' + '02' + '016203' + '0163c801');
    const back = decodeNode(encodeNode(branch), 5, layout);
    expect(back.kind === 'branch' && back.children).toEqual([2, 3, 200]);
  });

  it('refuses malformed node pages with CORRUPTION', async () => {
    const good = encodeNode(makeLeaf(layout, [enc('a'), enc('b')], [enc('1'), enc('2')], 1, null));
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['unknown kind', Uint8Array.of(9, 0, 0, 0, 0)],
      ['leaf with a level', Uint8Array.of(1, 3, 0, 0, 0)],
      ['branch without separators', Uint8Array.of(2, 1, 0, 0, 0, 2)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['trailing bytes', Uint8Array.of(...good, 0)],
      ['keys out of order', encodeNode(makeLeaf(layout, [enc('b'), enc('a')], [enc('1'), enc('2')], 1, null))],
      ['inline value above the limit', encodeNode(makeLeaf(layout, [enc('a')], [new Uint8Array(200)], 1, null))],
      ['lying key length', Uint8Array.of(1, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)],
    ];
    for (const [, bytes] of cases) await expectCode('CORRUPTION', () => decodeNode(bytes, 7, layout));
  });
});

describe('overflow page format v1', () => {
  it('golden overflow page with and without a next page', () => {
    expect(hex(encodeOverflowPage(4, enc('xy')))).toBe('03000000' + '05000000' + '00000000' + '7879');
    expect(hex(encodeOverflowPage(-1, enc('z')))).toBe('03000000' + '00000000' + '00000000' + '7a');
    expect(decodeOverflowPage(encodeOverflowPage(2 ** 40, enc('q')), 1).next).toBe(2 ** 40);
  });

  it('refuses a page of another kind with CORRUPTION', async () => {
    await expectCode('CORRUPTION', () => decodeOverflowPage(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 3));
  });
});

describe('catalog descriptor format v3', () => {
  const counts = { leafNodes: 200, branchNodes: 3, overflowPages: 1 };

  it('golden descriptor', () => {
    const bytes = encodeDescriptor({ rootPageId: 300, height: 3, entries: 1000, counts });
    expect(hex(bytes)).toBe('50425431' + '03' + 'ac02' + '03' + 'e807' + 'c801' + '03' + '01' + '00' + '00');
    expect(decodeDescriptor(bytes, 't')).toEqual({ rootPageId: 300, height: 3, entries: 1000, counts });
  });

  it('golden descriptor with a held list', () => {
    const one = { leafNodes: 1, branchNodes: 0, overflowPages: 0 };
    const bytes = encodeDescriptor({ rootPageId: 7, height: 1, entries: 2, counts: one, held: { firstPageId: 200, lengthBytes: 5 } });
    expect(hex(bytes)).toBe('50425431' + '03' + '07' + '01' + '02' + '01' + '00' + '00' + '00' + '05' + 'c801');
    expect(decodeDescriptor(bytes, 't')).toEqual({ rootPageId: 7, height: 1, entries: 2, counts: one, held: { firstPageId: 200, lengthBytes: 5 } });
    expect(hex(encodeHeldList([3, 300]))).toBe('02' + '03' + 'ac02');
    expect(decodeHeldList(encodeHeldList([3, 300]), 't')).toEqual([3, 300]);
  });

  it('still reads a version 2 descriptor (no page counts) and a version 1 descriptor (no flags, no held list)', () => {
    const v2 = Uint8Array.from(Buffer.from('50425431' + '02' + '07' + '01' + '02' + '00' + '05' + 'c801', 'hex'));
    expect(decodeDescriptor(v2, 't')).toEqual({ rootPageId: 7, height: 1, entries: 2, held: { firstPageId: 200, lengthBytes: 5 } });
    // A tree not yet counted (opened from v1/v2) keeps writing v2.
    expect(encodeDescriptor({ rootPageId: 7, height: 1, entries: 2, held: { firstPageId: 200, lengthBytes: 5 } })).toEqual(v2);
    const v1 = Uint8Array.from(Buffer.from('50425431' + '01' + 'ac02' + '03' + 'e807', 'hex'));
    expect(decodeDescriptor(v1, 't')).toEqual({ rootPageId: 300, height: 3, entries: 1000 });
  });

  it('refuses a bad magic, an unknown version, bad counts, flags, trailing bytes and bad held lists with CORRUPTION', async () => {
    const good = encodeDescriptor({ rootPageId: 2, height: 1, entries: 0, counts: { leafNodes: 1, branchNodes: 0, overflowPages: 0 } });
    // magic(4) version(1) root(1) height(1) entries(1) leaves(1) branches(1) overflows(1) flags(1) held(1)
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(0, ...good.subarray(1)), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 4), 4, ...good.subarray(5)), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 4), 0, ...good.subarray(5)), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 8), 0, ...good.subarray(9)), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 8), 1, 1, ...good.subarray(10)), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 11), 1, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 11), 0, 2), 't'));
    await expectCode('CORRUPTION', () => decodeHeldList(Uint8Array.of(200, 1, 2), 't'));
    await expectCode('CORRUPTION', () => decodeHeldList(Uint8Array.of(1, 2, 3), 't'));
  });
});

describe('redo payload format v1', () => {
  const ops: BatchOp[] = [
    { type: 'put', key: enc('k'), value: enc('vv') },
    { type: 'delete', key: enc('gone') },
    { type: 'put', key: new Uint8Array(0), value: new Uint8Array(0) },
  ];

  it('golden redo payload round-trips', () => {
    const bytes = encodeRedo(ops);
    expect(hex(bytes)).toBe('01' + '03' + '01016b027676' + '0204676f6e65' + '010000');
    expect(decodeRedo(bytes)).toEqual(ops);
  });

  it('encodes a redo payload in place at an offset, sized exactly by redoBytes', () => {
    const big: BatchOp[] = [...ops, { type: 'put', key: new Uint8Array(200).fill(7), value: new Uint8Array(20_000).fill(9) }];
    const size = redoBytes(big);
    expect(size).toBe(encodeRedo(big).length);
    const target = new Uint8Array(size + 10).fill(0xee);
    expect(encodeRedoInto(target, 3, big)).toBe(3 + size);
    expect(target.subarray(3, 3 + size)).toEqual(encodeRedo(big));
    expect([...target.subarray(0, 3), ...target.subarray(3 + size)]).toEqual(new Array(10).fill(0xee));
    expect(decodeRedo(target.subarray(3, 3 + size))).toEqual(big);
  });

  it('refuses malformed payloads with CORRUPTION', async () => {
    const good = encodeRedo(ops);
    for (let cut = 0; cut < good.length; cut++) await expectCode('CORRUPTION', () => decodeRedo(good.subarray(0, cut)));
    await expectCode('CORRUPTION', () => decodeRedo(Uint8Array.of(...good, 0)));
    await expectCode('CORRUPTION', () => decodeRedo(Uint8Array.of(2, 0)));
    await expectCode('CORRUPTION', () => decodeRedo(Uint8Array.of(1, 1, 7, 0)));
    await expectCode('CORRUPTION', () => decodeRedo(Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff, 0x0f)));
  });
});

describe('searchLeafPayload (point lookups without decoding)', () => {
  const leaf = makeLeaf(layout, [enc('apple'), enc('apricot'), enc('apt')], [enc('red'), new OverflowRef(300, 5000), enc('x')], 1, null);
  const page = encodeNode(leaf);

  it('finds inline and overflow values and misses absent keys on either side and between', () => {
    expect(searchLeafPayload(page, enc('apple'), 9, layout)).toEqual(enc('red'));
    expect(searchLeafPayload(page, enc('apricot'), 9, layout)).toEqual(new OverflowRef(300, 5000));
    expect(searchLeafPayload(page, enc('apt'), 9, layout)).toEqual(enc('x'));
    for (const absent of ['a', 'ap', 'apples', 'apricots', 'apu', 'b', 'aa', '']) expect(searchLeafPayload(page, enc(absent), 9, layout)).toBeUndefined();
  });

  it('declines a branch page (null) and reports a truncated leaf as CORRUPTION', async () => {
    const branch = encodeNode(makeBranch(1, [enc('b')], [2, 3], 1, null));
    expect(searchLeafPayload(branch, enc('b'), 5, layout)).toBeNull();
    await expectCode('CORRUPTION', () => searchLeafPayload(page.subarray(0, page.length - 3), enc('apt'), 9, layout));
  });
});
