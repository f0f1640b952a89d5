import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MAXVAL, MINVAL, compareBytes, compareDatum, compareStrings, datumType, equalsDatum, time } from './index.js';
import type { DatumBound } from './index.js';

/** One datum per type, listed in RethinkDB's order, and the tricky in-type neighbours. */
const ascending: DatumBound[] = [
  MINVAL,
  [],
  [MINVAL],
  [[]],
  [[], 1],
  [false],
  [null],
  [1],
  [1, 'a'],
  [1, 'b'],
  [2],
  ['a'],
  false,
  true,
  null,
  -Number.MAX_VALUE,
  -1,
  -Number.MIN_VALUE,
  0,
  Number.MIN_VALUE,
  1,
  Number.MAX_VALUE,
  {},
  { a: -1 },
  { a: 1 },
  { a: 1, b: 0 },
  { a: 2 },
  { b: 0 },
  new Uint8Array([]),
  new Uint8Array([0]),
  new Uint8Array([0, 0]),
  new Uint8Array([1]),
  new Uint8Array([0xff]),
  time(-5),
  time(0),
  time(1.5),
  '',
  '\0',
  'a',
  'a\0',
  'ab',
  'b',
  '\ud7ff',
  '\ue000',
  '\uffff',
  '\u{10000}',
  '\u{10ffff}',
  MAXVAL,
];

describe('compareDatum', () => {
  it('orders one value of each type and tricky neighbours as RethinkDB does', () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        expect([i, j, compareDatum(ascending[i], ascending[j])]).toEqual([i, j, Math.sign(i - j)]);
      }
    }
  });

  it('treats -0 as 0 and times by instant only', () => {
    expect(compareDatum(-0, 0)).toBe(0);
    expect(compareDatum([-0], [0])).toBe(0);
    expect(equalsDatum(time(1000, 60), time(1000, -300))).toBe(true);
  });

  it('compares objects by sorted pairs whatever their insertion order', () => {
    expect(compareDatum({ b: 1, a: 2 }, { a: 2, b: 1 })).toBe(0);
    expect(compareDatum({ b: 0, a: 1 }, { a: 1, c: 0 })).toBe(-1);
  });

  it('orders astral characters above BMP characters above the surrogates, unlike JS <', () => {
    expect('\u{10000}' < '\uffff').toBe(true); // UTF-16 unit order
    expect(compareStrings('\u{10000}', '\uffff')).toBe(1);
    expect(compareDatum('\u{1f600}x', '\ue000')).toBe(1);
  });

  it('puts MINVAL below the empty array and empty string, MAXVAL above everything', () => {
    expect(compareDatum(MINVAL, [])).toBe(-1);
    expect(compareDatum(MINVAL, '')).toBe(-1);
    expect(compareDatum([], '')).toBe(-1);
    expect(compareDatum('\u{10ffff}'.repeat(3), MAXVAL)).toBe(-1);
    expect(compareDatum(MINVAL, MINVAL)).toBe(0);
  });

  it('rejects NaN and non-datums with INVALID_ARGUMENT', async () => {
    await expectCode('INVALID_ARGUMENT', () => compareDatum(NaN, 1));
    await expectCode('INVALID_ARGUMENT', () => compareDatum(new Date() as never, 1));
    await expectCode('INVALID_ARGUMENT', () => compareDatum(undefined as never, 1));
  });

  it('names the type of every datum', () => {
    expect(ascending.map((d) => datumType(d))).toContain('binary');
    expect(datumType(new Map())).toBeUndefined();
    expect(datumType(MAXVAL)).toBe('maxval');
  });
});

describe('compareBytes', () => {
  it('compares unsigned and puts a proper prefix first', () => {
    expect(compareBytes(new Uint8Array([0x7f]), new Uint8Array([0x80]))).toBe(-1);
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(-1);
    expect(compareBytes(new Uint8Array([2]), new Uint8Array([1, 0]))).toBe(1);
    expect(compareBytes(new Uint8Array([]), new Uint8Array([]))).toBe(0);
  });
});

describe('compare and equals (the names the issue uses)', () => {
  it('are compareDatum and equalsDatum', async () => {
    const { compare, equals } = await import('./index.js');
    expect(compare).toBe(compareDatum);
    expect(equals).toBe(equalsDatum);
    expect(compare([1], true)).toBeLessThan(0);
    expect(equals({ a: -0 }, { a: 0 })).toBe(true);
  });
});
