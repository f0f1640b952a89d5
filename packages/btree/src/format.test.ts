import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { expectCode, fcRuns } from '@photondb/contracts/testing';
import {
  decodeDescriptor,
  decodeHeldList,
  decodeNode,
  decodeNodeBy,
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
import { OverflowRef, STAMP_LIMIT, childRef, makeBranch, makeLeaf, refPageId, refStamp } from './node.js';
import type { Layout } from './node.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
const layout: Layout = { capacityBytes: 480, inlineLimitBytes: 120, underflowBytes: 120, maxKeyBytes: 120, maxValueBytes: 1 << 20 };

describe('node page format v2 (write stamps)', () => {
  it('golden leaf: stamp, prefix-compressed keys, an inline and an overflow value with its chain stamp', () => {
    const leaf = makeLeaf(layout, [enc('apple'), enc('apricot')], [enc('red'), new OverflowRef(300, 5000, 0xabcd)], 1, null);
    const bytes = encodeNode(leaf, 0x012345);
    // kind 4, level 0, count 2, stamp 0x012345, prefix "ap"; "ple" inline "red";
    // "ricot" overflow 5000 bytes at page 300, chain stamp 0xabcd
    expect(hex(bytes)).toBe('04000200' + '452301' + '02' + '6170' + '03706c65' + '0003726564' + '057269636f74' + '01' + '8827' + 'ac02' + 'cdab00');
    const back = decodeNode(bytes, 9, layout, 0x012345);
    expect(back.kind).toBe('leaf');
    expect(back.keys.toArray().map((k) => Buffer.from(k).toString())).toEqual(['apple', 'apricot']);
    expect([back.pageId, back.stamp]).toEqual([9, 0x012345]);
    if (back.kind === 'leaf') {
      expect(hex(back.values.get(0) as Uint8Array)).toBe(hex(enc('red')));
      expect(back.values.get(1)).toEqual(new OverflowRef(300, 5000, 0xabcd));
    }
  });

  it('golden branch: truncated separators, child page ids and their stamps', () => {
    const children = [childRef(2, 7), childRef(3, 8), childRef(200, STAMP_LIMIT - 1)];
    const branch = makeBranch(1, [enc('b'), enc('c')], children, 1, null);
    const bytes = encodeNode(branch, 0x000101);
    expect(hex(bytes)).toBe('05010200' + '010100' + '00' + '02070000' + '016203080000' + '0163c801ffff1f');
    const back = decodeNode(bytes, 5, layout);
    expect(back.kind === 'branch' && back.children).toEqual(children);
    expect(back.kind === 'branch' && back.children.map((c) => [refPageId(c as number), refStamp(c as number)])).toEqual([[2, 7], [3, 8], [200, STAMP_LIMIT - 1]]);
  });

  it('reads a page only as the version its reference names: a stale stamp is CORRUPTION', async () => {
    const page = encodeNode(makeLeaf(layout, [enc('a')], [enc('1')], 1, null), 77);
    expect(decodeNode(page, 4, layout, 77).stamp).toBe(77);
    expect(decodeNode(page, 4, layout, 0).stamp).toBe(77); // 0: not recorded, not checked
    await expectCode('CORRUPTION', () => decodeNode(page, 4, layout, 78));
    expect(thrown(() => decodeNode(page, 4, layout, 78)).message).toMatch(/page 4 is a stale or misplaced version: it carries write stamp 77, its reference expects 78/);
    await expectCode('CORRUPTION', () => searchLeafPayload(page, enc('a'), 4, layout, 78));
    expect(searchLeafPayload(page, enc('a'), 4, layout, 77)).toEqual(enc('1'));
  });

  it('a page and a reference to it agree for any node and stamps; any other stamp is refused (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8, selector: (k) => hex(k) }),
        fc.integer({ min: 1, max: STAMP_LIMIT - 1 }),
        fc.integer({ min: 1, max: STAMP_LIMIT - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: STAMP_LIMIT - 1 })), { minLength: 9, maxLength: 9 }),
        async (raw, stamp, other, refs) => {
          const keys = raw.map((k) => Buffer.from(k)).sort(Buffer.compare).map((k) => Uint8Array.from(k));
          const children = refs.slice(0, keys.length + 1).map(([id, st]) => childRef(id, st === 0 ? 1 : st));
          const leaf = encodeNode(makeLeaf(layout, keys, keys.map(() => enc('v')), 1, null), stamp);
          const branch = encodeNode(makeBranch(1, keys, children, 1, null), stamp);
          const b = decodeNode(branch, 3, layout, stamp);
          expect(b.kind === 'branch' && b.children).toEqual(children);
          expect(decodeNode(leaf, 3, layout, stamp).keys.toArray()).toEqual(keys);
          if (other !== stamp) {
            await expectCode('CORRUPTION', () => decodeNode(leaf, 3, layout, other));
            await expectCode('CORRUPTION', () => decodeNode(branch, 3, layout, other));
          }
        },
      ),
      { numRuns: fcRuns(200) },
    );
  });

  it('refuses malformed node pages with CORRUPTION', async () => {
    const good = encodeNode(makeLeaf(layout, [enc('a'), enc('b')], [enc('1'), enc('2')], 1, null), 5);
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['unknown kind', Uint8Array.of(9, 0, 0, 0, 1, 0, 0, 0)],
      ['leaf with a level', Uint8Array.of(4, 3, 0, 0, 1, 0, 0, 0)],
      ['branch without separators', Uint8Array.of(5, 1, 0, 0, 1, 0, 0, 0, 2, 1, 0, 0)],
      ['stamp zero', Uint8Array.of(4, 0, 0, 0, 0, 0, 0, 0)],
      ['stamp of 2^21', Uint8Array.of(4, 0, 0, 0, 0, 0, 0x20, 0)],
      ['child stamp zero', Uint8Array.of(5, 1, 1, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0x62, 3, 1, 0, 0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['trailing bytes', Uint8Array.of(...good, 0)],
      ['keys out of order', encodeNode(makeLeaf(layout, [enc('b'), enc('a')], [enc('1'), enc('2')], 1, null), 5)],
      ['inline value above the limit', encodeNode(makeLeaf(layout, [enc('a')], [new Uint8Array(200)], 1, null), 5)],
      ['lying key length', Uint8Array.of(4, 0, 1, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)],
      ['v1 lying key length', Uint8Array.of(1, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)],
    ];
    for (const [, bytes] of cases) await expectCode('CORRUPTION', () => decodeNode(bytes, 7, layout));
  });

  it('refuses to write a stamp outside 1 .. 2^21 - 1 (INTERNAL)', async () => {
    const leaf = makeLeaf(layout, [enc('a')], [enc('1')], 1, null);
    for (const bad of [0, STAMP_LIMIT, -1, 1.5]) await expectCode('INTERNAL', () => encodeNode(leaf, bad));
  });
});

describe('node page format v1 (read, never written)', () => {
  it('golden v1 leaf and branch decode with no stamps (references to them are not checked)', async () => {
    const leaf = Uint8Array.from(Buffer.from('0100020002' + '6170' + '03706c65' + '0003726564' + '057269636f74' + '01' + '8827' + 'ac02', 'hex'));
    const back = decodeNode(leaf, 9, layout);
    expect(back.keys.toArray().map((k) => Buffer.from(k).toString())).toEqual(['apple', 'apricot']);
    expect(back.stamp).toBe(0);
    if (back.kind === 'leaf') expect(back.values.get(1)).toEqual(new OverflowRef(300, 5000, 0));
    expect(searchLeafPayload(leaf, enc('apple'), 9, layout)).toEqual(enc('red'));
    const branch = Uint8Array.from(Buffer.from('0201020000' + '02' + '016203' + '0163c801', 'hex'));
    const b = decodeNode(branch, 5, layout);
    expect(b.kind === 'branch' && b.children).toEqual([2, 3, 200]); // childRef(id, 0) is the id
    // A reference that records a stamp never accepts a v1 page: the page predates the reference.
    await expectCode('CORRUPTION', () => decodeNode(leaf, 9, layout, 5));
    await expectCode('CORRUPTION', () => searchLeafPayload(leaf, enc('apple'), 9, layout, 5));
  });
});

describe('overflow page format v2', () => {
  it('golden overflow page with and without a next page', () => {
    expect(hex(encodeOverflowPage(4, enc('xy'), 0x1abcde))).toBe('06debc1a' + '05000000' + '00000000' + '7879');
    expect(hex(encodeOverflowPage(-1, enc('z'), 1))).toBe('06010000' + '00000000' + '00000000' + '7a');
    expect(decodeOverflowPage(encodeOverflowPage(2 ** 40, enc('q'), 9), 1, 9).next).toBe(2 ** 40);
  });

  it('still reads a v1 page (kind 3, no stamp) where no stamp is recorded', async () => {
    const v1 = Uint8Array.from(Buffer.from('03000000' + '05000000' + '00000000' + '7879', 'hex'));
    const { next, data } = decodeOverflowPage(v1, 2);
    expect([next, hex(data)]).toEqual([4, '7879']);
    await expectCode('CORRUPTION', () => decodeOverflowPage(v1, 2, 7));
  });

  it('refuses a page of another kind, a bad stamp, or a stamp other than the chain’s with CORRUPTION', async () => {
    await expectCode('CORRUPTION', () => decodeOverflowPage(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 3));
    await expectCode('CORRUPTION', () => decodeOverflowPage(Uint8Array.of(3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 3));
    await expectCode('CORRUPTION', () => decodeOverflowPage(Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 3));
    await expectCode('CORRUPTION', () => decodeOverflowPage(Uint8Array.of(6, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 1), 3));
    await expectCode('CORRUPTION', () => decodeOverflowPage(encodeOverflowPage(-1, enc('z'), 5), 3, 6));
    expect(thrown(() => decodeOverflowPage(encodeOverflowPage(-1, enc('z'), 5), 3, 6)).message).toMatch(/overflow page 3 is a stale or misplaced version/);
  });
});

describe('catalog descriptor format v4', () => {
  const counts = { leafNodes: 200, branchNodes: 3, overflowPages: 1 };

  it('golden descriptor', () => {
    const d = { rootPageId: 300, rootStamp: 0x012345, height: 3, entries: 1000, counts };
    const bytes = encodeDescriptor(d);
    expect(hex(bytes)).toBe('50425431' + '04' + 'ac02' + '452301' + '03' + 'e807' + '01' + 'c801' + '03' + '01' + '00');
    expect(decodeDescriptor(bytes, 't')).toEqual(d);
  });

  it('golden descriptor with a held list, and without the counts', () => {
    const one = { leafNodes: 1, branchNodes: 0, overflowPages: 0 };
    const held = { firstPageId: 200, lengthBytes: 5, stamp: 2 };
    const bytes = encodeDescriptor({ rootPageId: 7, rootStamp: 1, height: 1, entries: 2, counts: one, held });
    expect(hex(bytes)).toBe('50425431' + '04' + '07' + '010000' + '01' + '02' + '01' + '01' + '00' + '00' + '05' + 'c801' + '020000');
    expect(decodeDescriptor(bytes, 't')).toEqual({ rootPageId: 7, rootStamp: 1, height: 1, entries: 2, counts: one, held });
    const uncounted = encodeDescriptor({ rootPageId: 7, rootStamp: 1, height: 1, entries: 2, held });
    expect(hex(uncounted)).toBe('50425431' + '04' + '07' + '010000' + '01' + '02' + '00' + '05' + 'c801' + '020000');
    expect(decodeDescriptor(uncounted, 't')).toEqual({ rootPageId: 7, rootStamp: 1, height: 1, entries: 2, held });
    expect(hex(encodeHeldList([3, 300]))).toBe('02' + '03' + 'ac02');
    expect(decodeHeldList(encodeHeldList([3, 300]), 't')).toEqual([3, 300]);
  });

  it('still reads versions 3, 2 and 1, with every stamp 0 (not recorded)', () => {
    const v3 = Uint8Array.from(Buffer.from('50425431' + '03' + 'ac02' + '03' + 'e807' + 'c801' + '03' + '01' + '00' + '00', 'hex'));
    expect(decodeDescriptor(v3, 't')).toEqual({ rootPageId: 300, rootStamp: 0, height: 3, entries: 1000, counts });
    const v3held = Uint8Array.from(Buffer.from('50425431' + '03' + '07' + '01' + '02' + '01' + '00' + '00' + '00' + '05' + 'c801', 'hex'));
    expect(decodeDescriptor(v3held, 't').held).toEqual({ firstPageId: 200, lengthBytes: 5, stamp: 0 });
    const v2 = Uint8Array.from(Buffer.from('50425431' + '02' + '07' + '01' + '02' + '00' + '05' + 'c801', 'hex'));
    expect(decodeDescriptor(v2, 't')).toEqual({ rootPageId: 7, rootStamp: 0, height: 1, entries: 2, held: { firstPageId: 200, lengthBytes: 5, stamp: 0 } });
    const v1 = Uint8Array.from(Buffer.from('50425431' + '01' + 'ac02' + '03' + 'e807', 'hex'));
    expect(decodeDescriptor(v1, 't')).toEqual({ rootPageId: 300, rootStamp: 0, height: 3, entries: 1000 });
    // A root still on a v1 page has no stamp to record: v4 writes 0 for it.
    expect(hex(encodeDescriptor({ rootPageId: 300, rootStamp: 0, height: 3, entries: 1000 }))).toBe('50425431' + '04' + 'ac02' + '000000' + '03' + 'e807' + '00' + '00');
  });

  it('refuses a bad magic, an unknown version, bad counts, flags, stamps, trailing bytes and bad held lists with CORRUPTION', async () => {
    const good = encodeDescriptor({ rootPageId: 2, rootStamp: 1, height: 1, entries: 0, counts: { leafNodes: 1, branchNodes: 0, overflowPages: 0 } });
    // magic(0-3) version(4) root(5) rootStamp(6-8) height(9) entries(10) flags(11) leaves(12) branches(13) overflows(14) held(15)
    const at = (i: number, ...b: number[]): Uint8Array => Uint8Array.of(...good.subarray(0, i), ...b, ...good.subarray(i + b.length));
    expect(hex(good)).toBe('50425431' + '04' + '02' + '010000' + '01' + '00' + '01' + '01' + '00' + '00' + '00');
    await expectCode('CORRUPTION', () => decodeDescriptor(at(0, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(4, 5), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(4, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(6, 0xff, 0xff, 0xff), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(9, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(11, 3), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(12, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(at(12, 1, 1), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 15), 1, 2, 0, 0, 0), 't'));
    await expectCode('CORRUPTION', () => decodeDescriptor(Uint8Array.of(...good.subarray(0, 15), 1, 2, 1), 't'));
    expect(decodeDescriptor(Uint8Array.of(...good.subarray(0, 15), 1, 2, 1, 0, 0), 't').held).toEqual({ firstPageId: 2, lengthBytes: 1, stamp: 1 });
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

  it('decodes to copies by default and to views of the payload on request, the same ops either way', () => {
    const bytes = encodeRedo(ops);
    const copies = decodeRedo(bytes);
    const views = decodeRedo(bytes, true);
    expect(views).toEqual(copies);
    const put = views[0] as { key: Uint8Array; value: Uint8Array };
    expect(put.key.buffer).toBe(bytes.buffer);
    expect(put.value.buffer).toBe(bytes.buffer);
    bytes.fill(0);
    expect(copies).toEqual(ops); // the copies did not change with the payload
    expect(put.value).toEqual(new Uint8Array(put.value.length));
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
  const leaf = makeLeaf(layout, [enc('apple'), enc('apricot'), enc('apt')], [enc('red'), new OverflowRef(300, 5000, 3), enc('x')], 1, null);
  const page = encodeNode(leaf, 11);

  it('finds inline and overflow values and misses absent keys on either side and between', () => {
    expect(searchLeafPayload(page, enc('apple'), 9, layout)).toEqual(enc('red'));
    expect(searchLeafPayload(page, enc('apricot'), 9, layout, 11)).toEqual(new OverflowRef(300, 5000, 3));
    expect(searchLeafPayload(page, enc('apt'), 9, layout)).toEqual(enc('x'));
    for (const absent of ['a', 'ap', 'apples', 'apricots', 'apu', 'b', 'aa', '']) expect(searchLeafPayload(page, enc(absent), 9, layout)).toBeUndefined();
  });

  it('checks the values it steps over: a bad tag, an inline value above the limit or an overflow length out of range is CORRUPTION', async () => {
    const badTag = Uint8Array.from(page);
    expect(badTag[14]).toBe(0); // the tag of "apple"'s value, stepped over on the way to "apricot"
    badTag[14] = 7;
    expect(thrown(() => searchLeafPayload(badTag, enc('apricot'), 9, layout)).message).toMatch(/unknown value tag 7/);
    await expectCode('CORRUPTION', () => searchLeafPayload(page, enc('apt'), 9, { ...layout, inlineLimitBytes: 7 }));
    await expectCode('CORRUPTION', () => searchLeafPayload(page, enc('apt'), 9, { ...layout, maxValueBytes: 100 }));
    expect(searchLeafPayload(page, enc('apt'), 9, layout)).toEqual(enc('x'));
  });

  it('declines a branch page (null) and reports a truncated leaf as CORRUPTION', async () => {
    const branch = encodeNode(makeBranch(1, [enc('b')], [2, 3], 1, null), 4);
    expect(searchLeafPayload(branch, enc('b'), 5, layout)).toBeNull();
    await expectCode('CORRUPTION', () => searchLeafPayload(page.subarray(0, page.length - 3), enc('apt'), 9, layout));
  });
});

describe('searchLeafPayload agrees with decoding (properties)', () => {
  const roomy: Layout = { capacityBytes: 4000, inlineLimitBytes: 120, underflowBytes: 1000, maxKeyBytes: 120, maxValueBytes: 1 << 20 };
  const leafArb = fc
    .uniqueArray(fc.uint8Array({ maxLength: 12 }), { maxLength: 30, selector: (k) => Buffer.from(k).toString('hex') })
    .chain((keys) => {
      const sorted = keys.sort((a, b) => Buffer.compare(a, b));
      const value = (k: Uint8Array) =>
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }) as fc.Arbitrary<Uint8Array | OverflowRef>,
          fc
            .tuple(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: roomy.inlineLimitBytes - k.length + 1, max: 5000 }), fc.integer({ min: 1, max: STAMP_LIMIT - 1 }))
            .map(([page, length, stamp]) => new OverflowRef(page, length, stamp)),
        );
      return fc.tuple(fc.constant(sorted), fc.tuple(...sorted.map(value)), fc.integer({ min: 1, max: STAMP_LIMIT - 1 }));
    });
  const expected = (keys: Uint8Array[], values: (Uint8Array | OverflowRef)[], probe: Uint8Array) => {
    const i = keys.findIndex((k) => Buffer.compare(k, probe) === 0);
    return i < 0 ? undefined : values[i];
  };

  it('finds every key and misses every absent one, with the value decoding gives', () => {
    fc.assert(
      fc.property(leafArb, fc.array(fc.uint8Array({ maxLength: 13 }), { maxLength: 20 }), ([keys, values, stamp], extra) => {
        const page = encodeNode(makeLeaf(roomy, keys, values, 1, null), stamp);
        const probes = [...keys, ...extra, ...keys.map((k) => Uint8Array.of(...k, 0)), ...keys.filter((k) => k.length > 0).map((k) => k.subarray(0, k.length - 1))];
        for (const probe of probes) expect(searchLeafPayload(page, probe, 7, roomy, stamp)).toEqual(expected(keys, values, probe));
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('on a truncated page, answers as on the whole page or throws CORRUPTION, never anything else', () => {
    fc.assert(
      fc.property(leafArb, fc.nat(), fc.nat(), ([keys, values, stamp], cutSeed, probeSeed) => {
        const page = encodeNode(makeLeaf(roomy, keys, values, 1, null), stamp);
        const cut = page.subarray(0, 8 + (cutSeed % Math.max(1, page.length - 8)));
        const probe = keys.length > 0 ? keys[probeSeed % keys.length] : Uint8Array.of(probeSeed & 255);
        let got: unknown;
        try {
          got = searchLeafPayload(cut, probe, 7, roomy, stamp);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('CORRUPTION');
          return;
        }
        expect(got).toEqual(expected(keys, values, probe));
      }),
      { numRuns: fcRuns(300) },
    );
  });
});

describe('leaf decoding (property)', () => {
  // A large page with a high inline limit, so inline values above OUT_OF_LINE_BYTES (1024, kept
  // out of the arena in memory) occur next to small ones and overflow references.
  const big: Layout = { capacityBytes: 60000, inlineLimitBytes: 3000, underflowBytes: 1000, maxKeyBytes: 120, maxValueBytes: 1 << 20 };
  const leafArb = fc
    .uniqueArray(fc.uint8Array({ maxLength: 20 }), { maxLength: 25, selector: (k) => Buffer.from(k).toString('hex') })
    .chain((keys) => {
      const sorted = keys.sort((a, b) => Buffer.compare(a, b));
      const value = (k: Uint8Array) =>
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }) as fc.Arbitrary<Uint8Array | OverflowRef>,
          fc.uint8Array({ minLength: 1000, maxLength: big.inlineLimitBytes - k.length }) as fc.Arbitrary<Uint8Array | OverflowRef>,
          fc
            .tuple(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: big.inlineLimitBytes - k.length + 1, max: 50000 }), fc.integer({ min: 1, max: STAMP_LIMIT - 1 }))
            .map(([page, length, stamp]) => new OverflowRef(page, length, stamp)),
        );
      return fc.tuple(fc.constant(sorted), fc.tuple(...sorted.map(value)), fc.integer({ min: 1, max: STAMP_LIMIT - 1 }));
    });

  it('gives back every key and value, and the decoded lists take changes without disturbing the others', () => {
    fc.assert(
      fc.property(leafArb, fc.uint8Array({ maxLength: 200 }), ([keys, values, stamp], extra) => {
        const page = encodeNode(makeLeaf(big, keys, values, 1, null), stamp);
        const node = decodeNode(page, 9, big, stamp);
        expect(node.kind).toBe('leaf');
        if (node.kind !== 'leaf') return;
        expect(node.keys.toArray().map((k) => Buffer.from(k))).toEqual(keys.map((k) => Buffer.from(k)));
        expect(node.values.toArray()).toEqual(values);
        // Values are views of the node's own arena, not of the page: changing the page changes nothing.
        page.fill(0xee);
        expect(node.values.toArray()).toEqual(values);
        // An appended value moves the live ones to a new arena; every earlier value reads the same.
        node.values.insert(node.values.length, extra);
        node.values.set(0 % Math.max(1, node.values.length), extra);
        const after = node.values.toArray();
        expect(after.slice(1, values.length)).toEqual(values.slice(1));
        expect(after[0]).toEqual(extra);
        expect(after[after.length - 1]).toEqual(extra);
      }),
      { numRuns: fcRuns(200) },
    );
  });
});

describe('quick leaf decoding agrees with the general decoder (properties)', () => {
  // Inline values only, at most OUT_OF_LINE_BYTES (1024): the pages the quick path takes. Keys
  // share prefixes of varied length, as keys of one leaf do; a few values need 2-byte varints.
  const roomy: Layout = { capacityBytes: 16000, inlineLimitBytes: 1100, underflowBytes: 1000, maxKeyBytes: 120, maxValueBytes: 1 << 20 };
  const leafArb = fc
    .tuple(fc.uint8Array({ maxLength: 20 }), fc.uniqueArray(fc.uint8Array({ maxLength: 6 }), { maxLength: 40, selector: (k) => hex(k) }))
    .chain(([prefix, suffixes]) => {
      const keys = suffixes.map((s) => Uint8Array.of(...prefix, ...s)).sort((a, b) => Buffer.compare(a, b));
      const value = fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 130 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 900, maxLength: 1024 }) });
      return fc.tuple(fc.constant(keys), fc.tuple(...keys.map(() => value)), fc.integer({ min: 1, max: STAMP_LIMIT - 1 }));
    });
  const same = (a: unknown, b: unknown) => {
    if (a === undefined || b === undefined) return expect(a).toBe(b);
    const x = a as import('./node.js').LeafNode;
    const y = b as import('./node.js').LeafNode;
    expect(x.kind).toBe(y.kind);
    expect(x.keys.toArray().map(hex)).toEqual(y.keys.toArray().map(hex));
    expect(x.values.toArray().map((v) => hex(v as Uint8Array))).toEqual(y.values.toArray().map((v) => hex(v as Uint8Array)));
    expect([x.sizeBytes, x.prefixLen, x.stamp, x.pageId, x.epoch]).toEqual([y.sizeBytes, y.prefixLen, y.stamp, y.pageId, y.epoch]);
  };

  it('takes every such page and gives the node the general decoder gives; the lists then take changes', () => {
    fc.assert(
      fc.property(leafArb, fc.uint8Array({ maxLength: 30 }), ([keys, values, stamp], extra) => {
        const page = encodeNode(makeLeaf(roomy, keys, values, 1, null), stamp);
        const quick = decodeNodeBy(page, 9, roomy, stamp, 'quick');
        expect(quick).toBeDefined();
        same(quick, decodeNodeBy(page, 9, roomy, stamp, 'general'));
        if (quick?.kind !== 'leaf') return;
        // The key arena is exactly full: an insert moves the keys to a new one, and views of
        // the old keys still read the same (keys.ts, invariant 1).
        const before = quick.keys.toArray();
        const copies = before.map(hex);
        const at = quick.keys.lowerBound(extra);
        if (at < quick.keys.length && Buffer.compare(quick.keys.at(at), extra) === 0) return;
        quick.keys.insert(at, extra);
        quick.values.insert(at, extra);
        expect(before.map(hex)).toEqual(copies);
        expect(hex(quick.keys.at(at))).toBe(hex(extra));
        expect(quick.keys.toArray().map(hex)).toEqual([...copies.slice(0, at), hex(extra), ...copies.slice(at)]);
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('declines keys that repeat or descend, which decodeNode reports as CORRUPTION', () => {
    for (const keys of [[enc('kab'), enc('kab')], [enc('kac'), enc('kab')], [enc('kab'), enc('ka')], [enc('a'), enc('b'), enc('b')]]) {
      const page = encodeNode(makeLeaf(roomy, keys, keys.map(() => enc('v')), 1, null), 5);
      expect(decodeNodeBy(page, 9, roomy, 5, 'quick')).toBeUndefined();
      const error = thrown(() => decodeNode(page, 9, roomy, 5)) as Error & { code?: string };
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(/is not above key/);
    }
  });

  it('on a damaged page, declines or agrees: decodeNode throws the general error, or returns its node', () => {
    fc.assert(
      fc.property(leafArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), ([keys, values, stamp], where, byte, cut) => {
        const whole = encodeNode(makeLeaf(roomy, keys, values, 1, null), stamp);
        const page = cut ? whole.slice(0, 8 + (where % Math.max(1, whole.length - 8))) : whole.slice();
        if (!cut) page[8 + (where % Math.max(1, page.length - 8))] = byte;
        let general: unknown;
        let error: unknown;
        try {
          general = decodeNodeBy(page, 9, roomy, stamp, 'general');
        } catch (e) {
          error = e;
        }
        let quick: unknown;
        try {
          quick = decodeNodeBy(page, 9, roomy, stamp, 'quick');
        } catch (e) {
          // The header is read by both paths alike.
          expect((e as Error).message).toBe((error as Error | undefined)?.message);
          return;
        }
        if (error !== undefined) {
          expect(quick).toBeUndefined();
          expect(thrown(() => decodeNode(page, 9, roomy, stamp)).message).toBe((error as Error).message);
          return;
        }
        if (quick !== undefined) same(quick, general);
        same(decodeNode(page, 9, roomy, stamp), general);
      }),
      { numRuns: fcRuns(500) },
    );
  });
});
