import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { compareDatum, compareStrings, equalsDatum } from './index.js';
import { boundArb, datumArb, smallDatumArb, stringArb } from '../test/helpers/arbitraries.js';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('compareDatum is a total order', () => {
  it('is reflexive and antisymmetric', () => {
    fc.assert(
      fc.property(boundArb, boundArb, (a, b) => {
        expect(compareDatum(a, a)).toBe(0);
        expect(sign(compareDatum(a, b)) + sign(compareDatum(b, a))).toBe(0);
        expect(equalsDatum(a, b)).toBe(compareDatum(a, b) === 0);
      }),
      { numRuns: fcRuns(2000) },
    );
  });

  it('is transitive on random triples', () => {
    fc.assert(
      fc.property(smallDatumArb, smallDatumArb, smallDatumArb, (a, b, c) => {
        if (compareDatum(a, b) <= 0 && compareDatum(b, c) <= 0) expect(compareDatum(a, c)).toBeLessThanOrEqual(0);
        if (compareDatum(a, b) === 0 && compareDatum(b, c) === 0) expect(compareDatum(a, c)).toBe(0);
      }),
      { numRuns: fcRuns(2000) },
    );
  });

  it('leaves a sorted sample ordered between every pair, not just neighbours', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(datumArb, smallDatumArb), { maxLength: 20 }), (list) => {
        const sorted = [...list].sort(compareDatum);
        for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) expect(compareDatum(sorted[i], sorted[j])).toBeLessThanOrEqual(0);
      }),
      { numRuns: fcRuns(200) },
    );
  });

  it('orders strings as their UTF-8 bytes do', () => {
    fc.assert(
      fc.property(stringArb, stringArb, (a, b) => {
        expect(compareStrings(a, b)).toBe(sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
      { numRuns: fcRuns(2000) },
    );
  });
});
