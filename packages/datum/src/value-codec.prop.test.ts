import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { isPhotonError } from '@photondb/contracts';
import { decodeValue, encodeValue, getField } from './index.js';
import { datumArb, keyNameArb } from '../test/helpers/arbitraries.js';
import { exactEqual } from '../test/helpers/exact.js';

describe('value codec properties', () => {
  it('round-trips every datum exactly, -0, times, binary and key order included', () => {
    fc.assert(
      fc.property(datumArb, (d) => {
        expect(exactEqual(decodeValue(encodeValue(d)), d)).toBe(true);
      }),
      { numRuns: fcRuns(2000) },
    );
  });

  it('reads any field with getField exactly as a full decode does', () => {
    fc.assert(
      fc.property(fc.dictionary(keyNameArb, datumArb, { maxKeys: 6, noNullPrototype: true }), keyNameArb, (o, name) => {
        const bytes = encodeValue(o);
        const expected = Object.hasOwn(o, name) ? o[name] : undefined;
        expect(exactEqual(getField(bytes, name), expected)).toBe(true);
      }),
      { numRuns: fcRuns(1000) },
    );
  });

  it('decodes random and mutated bytes to a datum or a typed error, never anything else', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => {
        const out = new Uint8Array(b.length + 1);
        out[0] = 1;
        out.set(b, 1);
        return out;
      }),
      fc.tuple(datumArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([d, at, byte]) => {
        const b = encodeValue(d);
        b[at % b.length] = byte;
        return b;
      }),
      fc.tuple(datumArb, fc.nat()).map(([d, cut]) => encodeValue(d).subarray(0, cut % 1000)),
    );
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        try {
          const d = decodeValue(bytes);
          expect(exactEqual(decodeValue(encodeValue(d)), d)).toBe(true);
        } catch (e) {
          expect(isPhotonError(e) && ['CORRUPTION', 'UNSUPPORTED_VERSION'].includes(e.code)).toBe(true);
        }
      }),
      { numRuns: fcRuns(3000) },
    );
  });
});
