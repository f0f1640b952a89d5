/**
 * fast-check arbitraries for datums, biased towards the edges that matter for order and
 * encoding: -0, subnormals, ±MAX_VALUE, integer/float boundaries of the value format, NUL,
 * BMP characters above the surrogates, astral characters, `__proto__` keys, nested arrays.
 */
import fc from 'fast-check';
import { MAXVAL, MINVAL, time } from '@photondb/datum';
import type { Datum, DatumBound } from '@photondb/datum';

const edgeNumbers = [0, -0, 1, -1, 127, 128, -32, -33, 0.5, -0.5, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, -(2 ** 53), 2 ** 31, -(2 ** 31), Number.EPSILON];

export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...edgeNumbers),
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const unitArb = fc.oneof(
  fc.constantFrom('a', 'b', 'z', '\0', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Well-formed strings (no lone surrogates). */
export const stringArb: fc.Arbitrary<string> = fc.string({ unit: unitArb, maxLength: 8 });

export const keyNameArb: fc.Arbitrary<string> = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '', 'a', 'b', '1', '10'), stringArb);

export const binaryArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 6 }),
  fc.constantFrom(new Uint8Array([0]), new Uint8Array([0, 0]), new Uint8Array([0xff]), new Uint8Array([0, 0xff]), new Uint8Array([])),
);

export const timeArb = fc
  .record({
    ms: fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }), fc.constantFrom(0, -1, 1)),
    offset: fc.integer({ min: -1439, max: 1439 }),
  })
  .map(({ ms, offset }) => time(ms, offset));

export const scalarArb: fc.Arbitrary<Datum> = fc.oneof(fc.constant(null), fc.boolean(), numberArb, stringArb, binaryArb, timeArb);

/** Any datum, up to a few levels deep. */
export const datumArb: fc.Arbitrary<Datum> = fc.letrec<{ datum: Datum; array: Datum[]; object: Record<string, Datum> }>((tie) => ({
  datum: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('array'), tie('object')),
  array: fc.array(tie('datum'), { maxLength: 4 }),
  object: fc.dictionary(keyNameArb, tie('datum'), { maxKeys: 4, noNullPrototype: true }),
})).datum;

/** Datums drawn from a small domain, so equal and nearly equal pairs are common. */
export const smallDatumArb: fc.Arbitrary<Datum> = fc.letrec<{ datum: Datum }>((tie) => ({
  datum: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<Datum>(null, false, true, 0, -0, 1, -1, 2.5, '', 'a', 'ab', 'a\0', '\uffff', '\u{10000}', new Uint8Array([]), new Uint8Array([0]), time(0), time(0, 60), time(1)),
    fc.array(tie('datum'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', ''), tie('datum'), { maxKeys: 2, noNullPrototype: true }),
  ),
})).datum;

/** Datums and range bounds: MINVAL/MAXVAL at the top or inside arrays. */
export const boundArb: fc.Arbitrary<DatumBound> = fc.oneof(
  smallDatumArb,
  fc.constantFrom<DatumBound>(MINVAL, MAXVAL),
  fc.array(fc.oneof(smallDatumArb, fc.constantFrom<DatumBound>(MINVAL, MAXVAL)), { maxLength: 3 }),
);
