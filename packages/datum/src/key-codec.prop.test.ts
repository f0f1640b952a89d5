import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { isPhotonError } from '@photondb/contracts';
import { compareBytes, compareDatum, decodeKey, decodeKeyBound, encodeKey, keyRangeForPrefix } from './index.js';
import type { Datum, DatumBound } from './index.js';
import { boundArb, datumArb, smallDatumArb } from '../test/helpers/arbitraries.js';
import { exactEqual, keyNormalForm } from '../test/helpers/exact.js';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('key codec properties', () => {
  it('round-trips every datum to its normal form', () => {
    fc.assert(
      fc.property(datumArb, (d) => {
        const back = decodeKey(encodeKey(d));
        expect(exactEqual(back, keyNormalForm(d))).toBe(true);
        expect(compareDatum(back, d)).toBe(0);
      }),
      { numRuns: fcRuns(1500) },
    );
  });

  it('orders bytes exactly as compareDatum orders random pairs', () => {
    fc.assert(
      fc.property(datumArb, datumArb, (a, b) => {
        expect(compareBytes(encodeKey(a), encodeKey(b))).toBe(sign(compareDatum(a, b)));
      }),
      { numRuns: fcRuns(1500) },
    );
  });

  it('orders bytes exactly as compareDatum orders near-equal pairs and range bounds', () => {
    fc.assert(
      fc.property(boundArb, boundArb, (a, b) => {
        expect(compareBytes(encodeKey(a), encodeKey(b))).toBe(sign(compareDatum(a, b)));
      }),
      { numRuns: fcRuns(2000) },
    );
  });

  it('sorts random lists the same by bytes and by value', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(datumArb, smallDatumArb), { maxLength: 25 }), (list) => {
        const byValue = [...list].sort(compareDatum);
        const byBytes = list.map((d) => ({ d, k: encodeKey(d) })).sort((x, y) => compareBytes(x.k, y.k));
        for (let i = 0; i < list.length; i++) expect(compareDatum(byBytes[i].d, byValue[i])).toBe(0);
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('encodes equal datums to the same bytes and re-encodes decoded keys byte for byte', () => {
    fc.assert(
      fc.property(boundArb, (d) => {
        const k = encodeKey(d);
        expect(compareBytes(encodeKey(decodeKeyBound(k)), k)).toBe(0);
      }),
      { numRuns: fcRuns(1000) },
    );
  });

  it('puts exactly the arrays that start with a prefix inside keyRangeForPrefix', () => {
    const prefixArb = fc.array(smallDatumArb, { maxLength: 3 });
    const caseArb = fc.oneof(
      fc.tuple(prefixArb, fc.array(smallDatumArb, { maxLength: 3 })).map(([p, rest]) => [p, [...p, ...rest]] as const),
      fc.tuple(prefixArb, fc.array(smallDatumArb, { maxLength: 5 })).map(([p, k]) => [p, k] as const),
      fc.tuple(prefixArb, smallDatumArb).map(([p, k]) => [p, k] as const),
    );
    fc.assert(
      fc.property(caseArb, ([prefix, key]) => {
        const { gte, lt } = keyRangeForPrefix(prefix);
        const k = encodeKey(key);
        const inside = compareBytes(k, gte) >= 0 && compareBytes(k, lt) < 0;
        const starts = Array.isArray(key) && key.length >= prefix.length && prefix.every((p, i) => compareDatum(p, (key as Datum[])[i]) === 0);
        expect(inside).toBe(starts);
      }),
      { numRuns: fcRuns(1500) },
    );
  });

  it('decodes random and mutated bytes to a datum or a typed error, never anything else', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.tuple(datumArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([d, at, byte]) => {
        const b = encodeKey(d);
        b[at % b.length] = byte;
        return b;
      }),
      fc.tuple(datumArb, fc.nat()).map(([d, cut]) => {
        const b = encodeKey(d);
        return b.subarray(0, cut % (b.length + 1));
      }),
    );
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        let decoded: DatumBound;
        try {
          decoded = decodeKeyBound(bytes);
        } catch (e) {
          expect(isPhotonError(e) && (e.code === 'CORRUPTION' || e.code === 'INVALID_ARGUMENT')).toBe(true);
          return;
        }
        expect(compareBytes(encodeKey(decoded), bytes)).toBe(0); // canonical: only encoder output decodes
      }),
      { numRuns: fcRuns(3000) },
    );
  });
});
