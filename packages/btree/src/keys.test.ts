import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { KeyList, ValueList } from './keys.js';
import { OverflowRef } from './overflow-ref.js';
import type { LeafValue } from './overflow-ref.js';

const runs = Math.max(1, Number(process.env.PHOTON_FC_RUNS ?? 200));

function cmp(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
const hex = (list: KeyList): string[] => list.toArray().map((k) => Buffer.from(k).toString('hex'));
const hexAll = (keys: Uint8Array[]): string[] => keys.map((k) => Buffer.from(k).toString('hex'));
/** Index of the first model key >= key (or > key when `upper`). */
function bound(model: Uint8Array[], key: Uint8Array, upper: boolean): number {
  let i = 0;
  while (i < model.length && (upper ? cmp(model[i], key) <= 0 : cmp(model[i], key) < 0)) i++;
  return i;
}
function sharedPrefix(keys: Uint8Array[]): number {
  if (keys.length === 0) return 0;
  const a = keys[0];
  const b = keys[keys.length - 1];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

// Keys over a small alphabet with a common head, so prefixes, equal keys and proper prefixes occur.
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 6, max: 3 }).map((tail) => Uint8Array.from([7, 7, ...tail]));
const op = fc.oneof(
  fc.record({ t: fc.constant('insert' as const), key: keyArb }),
  fc.record({ t: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('set' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('split' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('clone' as const) }),
  fc.record({ t: fc.constant('slice' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ t: fc.constant('concat' as const), key: keyArb }),
);

describe('KeyList (packed node keys)', () => {
  it('agrees with a sorted array under inserts, removals, replacements, splits, clones and slices', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.array(keyArb, { maxLength: 8 }), (ops, probes) => {
        let list = KeyList.empty(1, 4); // tiny, so the index and the arena both grow
        let model: Uint8Array[] = [];
        const views: { view: Uint8Array; hex: string }[] = [];
        let clones = 0;
        for (const o of ops) {
          if (o.t === 'insert') {
            const i = bound(model, o.key, false);
            if (i < model.length && cmp(model[i], o.key) === 0) continue;
            expect(list.lowerBound(o.key)).toBe(i);
            list.insert(i, o.key);
            model.splice(i, 0, Uint8Array.from(o.key));
          } else if (model.length === 0) {
            continue;
          } else if (o.t === 'remove') {
            const i = o.at % model.length;
            list.removeAt(i);
            model.splice(i, 1);
          } else if (o.t === 'set') {
            // A replacement keeps the order: the key itself, rebuilt in a new buffer.
            const i = o.at % model.length;
            list.set(i, Uint8Array.from(model[i]));
          } else if (o.t === 'split') {
            const i = o.at % (model.length + 1);
            const tail = list.splitOff(i);
            expect(hex(tail)).toEqual(hexAll(model.slice(i)));
            model = model.slice(0, i);
          } else if (o.t === 'clone') {
            // The copy and the original are independent from now on.
            const before = hex(list);
            const copy = list.clone();
            const added = Uint8Array.from([9, clones++]); // above every key so far
            copy.insert(copy.length, added);
            // A second copy of the same original writes elsewhere too (invariant 2).
            const second = list.clone();
            second.insert(second.length, Uint8Array.from([9, 255, 255]));
            list.insert(0, Uint8Array.from([1]));
            expect(hex(second)).toEqual([...before, '09ffff']);
            expect(hex(copy)).toEqual([...before, Buffer.from(added).toString('hex')]);
            list.removeAt(0);
            expect(hex(list)).toEqual(before);
            list = copy;
            model.push(added);
          } else if (o.t === 'slice') {
            const a = o.a % (model.length + 1);
            const b = a + (o.b % (model.length - a + 1));
            expect(hex(list.slice(a, b))).toEqual(hexAll(model.slice(a, b)));
          } else {
            // concat with a middle key that sorts after everything present
            const middle = Uint8Array.from([8, ...o.key]);
            const other = KeyList.from([Uint8Array.from([10])]);
            if (model.length > 0 && cmp(model[model.length - 1], middle) >= 0) continue;
            const joined = list.concat(other, middle);
            expect(hex(joined)).toEqual(hexAll([...model, middle, Uint8Array.from([10])]));
          }
          expect(list.length).toBe(model.length);
          expect(hex(list)).toEqual(hexAll(model));
          if (model.length > 0) {
            const i = model.length - 1;
            views.push({ view: list.at(i), hex: Buffer.from(model[i]).toString('hex') });
          }
        }
        // Views handed out earlier never change (invariant 1).
        for (const v of views) expect(Buffer.from(v.view).toString('hex')).toBe(v.hex);
        // Searches, with and without skipping the shared prefix.
        const p = sharedPrefix(model);
        for (const probe of [...probes, ...model]) {
          expect(list.lowerBound(probe)).toBe(bound(model, probe, false));
          expect(list.upperBound(probe)).toBe(bound(model, probe, true));
          const shares = model.length > 0 && probe.length >= p && cmp(probe.subarray(0, p), model[0].subarray(0, p)) === 0;
          if (shares) {
            expect(list.lowerBound(probe, p)).toBe(bound(model, probe, false));
            expect(list.upperBound(probe, p)).toBe(bound(model, probe, true));
          }
          for (let i = 0; i < model.length; i++) expect(Math.sign(list.compareAt(i, probe))).toBe(Math.sign(cmp(model[i], probe)));
        }
        for (let i = 1; i < model.length; i++) expect(list.compareKeysAt(i - 1, i)).toBeLessThan(0);
      }),
      { numRuns: runs },
    );
  });

  it('packs joined prefix and suffix keys, growing the arena', () => {
    const list = KeyList.empty(1, 1);
    // The source page: a prefix at 2..5, then two bytes of each key's suffix from 7 on.
    const src = Uint8Array.from([9, 9, 1, 2, 3, 9, 9, ...Array.from({ length: 50 }, (_, i) => [i, i]).flat()]);
    for (let i = 0; i < 50; i++) list.pushJoined(src, 2, 3, 7 + 2 * i, 2);
    expect(list.length).toBe(50);
    expect(Array.from(list.at(49))).toEqual([1, 2, 3, 49, 49]);
    expect(list.lengthAt(0)).toBe(5);
    expect(list.byteAt(10, 3)).toBe(10);
    expect(list.totalBytes()).toBe(250);
    expect(list.lowerBound(Uint8Array.from([1, 2, 3, 20]), 3)).toBe(20);
    expect(list.upperBound(Uint8Array.from([1, 2, 3, 20, 20]), 3)).toBe(21);
  });

  it('ValueList agrees with an array of inline values and overflow references', () => {
    const valueArb = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ minLength: 1020, maxLength: 1030 }), // around OUT_OF_LINE_BYTES
      fc.record({ page: fc.nat(1000), len: fc.integer({ min: 1, max: 1 << 20 }) }).map(({ page, len }) => new OverflowRef(page, len)),
    );
    const vop = fc.oneof(
      fc.record({ t: fc.constant('insert' as const), at: fc.nat(), v: valueArb }),
      fc.record({ t: fc.constant('set' as const), at: fc.nat(), v: valueArb }),
      fc.record({ t: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ t: fc.constant('split' as const), at: fc.nat() }),
      fc.record({ t: fc.constant('clone' as const), v: valueArb }),
      fc.record({ t: fc.constant('slice' as const), a: fc.nat(), b: fc.nat() }),
      fc.record({ t: fc.constant('concat' as const), v: valueArb }),
    );
    const show = (v: LeafValue): string => (v instanceof OverflowRef ? `ref:${v.firstPageId}:${v.lengthBytes}` : `b:${Buffer.from(v).toString('hex')}`);
    const len = (v: LeafValue): number => (v instanceof OverflowRef ? v.lengthBytes : v.length);
    fc.assert(
      fc.property(fc.array(vop, { maxLength: 100 }), (ops) => {
        let list = ValueList.empty(1, 4);
        let model: LeafValue[] = [];
        const views: { view: LeafValue; shown: string }[] = [];
        for (const o of ops) {
          if (o.t === 'insert') {
            const i = o.at % (model.length + 1);
            list.insert(i, o.v);
            model.splice(i, 0, o.v instanceof OverflowRef ? o.v : Uint8Array.from(o.v));
            if (o.v instanceof Uint8Array) o.v.fill(0xee); // the list kept a copy
          } else if (o.t === 'clone') {
            const before = list.toArray().map(show);
            const copy = list.clone();
            copy.insert(copy.length, o.v);
            const second = list.clone();
            second.insert(0, Uint8Array.of(4, 5));
            list.insert(0, Uint8Array.of(1, 2, 3));
            expect(second.toArray().map(show)).toEqual([show(Uint8Array.of(4, 5)), ...before]);
            expect(copy.toArray().map(show)).toEqual([...before, show(o.v)]);
            list.removeAt(0);
            expect(list.toArray().map(show)).toEqual(before);
            list = copy;
            model.push(o.v);
          } else if (o.t === 'concat') {
            const other = ValueList.from([o.v]);
            expect(list.concat(other).toArray().map(show)).toEqual([...model, o.v].map(show));
          } else if (model.length === 0) {
            continue;
          } else if (o.t === 'set') {
            const i = o.at % model.length;
            list.set(i, o.v);
            model[i] = o.v instanceof OverflowRef ? o.v : Uint8Array.from(o.v);
            if (o.v instanceof Uint8Array) o.v.fill(0xee);
          } else if (o.t === 'remove') {
            const i = o.at % model.length;
            list.removeAt(i);
            model.splice(i, 1);
          } else if (o.t === 'split') {
            const i = o.at % (model.length + 1);
            expect(list.splitOff(i).toArray().map(show)).toEqual(model.slice(i).map(show));
            model = model.slice(0, i);
          } else {
            const a = o.a % (model.length + 1);
            const b = a + (o.b % (model.length - a + 1));
            expect(list.slice(a, b).toArray().map(show)).toEqual(model.slice(a, b).map(show));
          }
          expect(list.length).toBe(model.length);
          expect(list.toArray().map(show)).toEqual(model.map(show));
          for (let i = 0; i < model.length; i++) {
            expect(list.lengthAt(i)).toBe(len(model[i]));
            expect(list.isRef(i)).toBe(model[i] instanceof OverflowRef);
          }
          if (model.length > 0) views.push({ view: list.get(0), shown: show(model[0]) });
        }
        for (const v of views) expect(show(v.view)).toBe(v.shown);
      }),
      { numRuns: runs },
    );
  });
});
