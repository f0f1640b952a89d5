import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MAXVAL, MAX_DEPTH, MINVAL, checkKeySize, compareBytes, decodeKey, decodeKeyBound, encodeKey, keyRangeForPrefix, prefixSuccessor, time } from './index.js';
import { fromHex, hex } from '../test/helpers/exact.js';
import type { Datum } from './index.js';

const inRange = (k: Uint8Array, r: { gte: Uint8Array; lt: Uint8Array }): boolean => compareBytes(k, r.gte) >= 0 && compareBytes(k, r.lt) < 0;

describe('encodeKey / decodeKey', () => {
  it('makes a compound key whose bytes start with its prefix minus the terminator', () => {
    const one = encodeKey(['user']);
    const two = encodeKey(['user', 7]);
    expect(hex(two).startsWith(hex(one.subarray(0, one.length - 1)))).toBe(true);
  });

  it('round-trips strings with NUL, astral characters and long text', () => {
    for (const s of ['\0', 'a\0\0b', '\u{1f600}', '\uffff\ue000', 'x'.repeat(100_000), 'é'.repeat(5000)]) {
      expect(decodeKey(encodeKey(s))).toBe(s);
    }
  });

  it('folds -0 to 0 and drops a time offset', () => {
    expect(Object.is(decodeKey(encodeKey(-0)), 0)).toBe(true);
    expect(decodeKey(encodeKey(time(5, 60)))).toEqual(time(5, 0));
    expect(hex(encodeKey(-0))).toBe(hex(encodeKey(0)));
  });

  it('round-trips subnormals and ±MAX_VALUE', () => {
    for (const n of [Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -1074 * 3]) expect(decodeKey(encodeKey(n))).toBe(n);
  });

  it('keeps a __proto__ key as an own property and leaves Object.prototype alone', () => {
    const d = decodeKey(encodeKey(JSON.parse('{"__proto__": {"polluted": 1}}'))) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes range bounds only through decodeKeyBound', async () => {
    expect(decodeKeyBound(encodeKey(['a', MAXVAL]))).toEqual(['a', MAXVAL]);
    expect(decodeKeyBound(encodeKey(MINVAL))).toBe(MINVAL);
    await expectCode('INVALID_ARGUMENT', () => decodeKey(encodeKey(['a', MINVAL])));
  });

  it('rejects bytes no datum encodes to with CORRUPTION', async () => {
    const cases = [
      '', // empty
      '05', // unknown tag
      '20', // unterminated array
      '9061', // unterminated string
      '50 8000', // truncated number
      '50 0007ffffffffffff', // NaN
      '50 7fffffffffffffff', // -0
      '50 fff0000000000000', // +Infinity
      '60 01 6200 40 01 6100 40 00', // keys out of order
      '60 01 6100 40 01 6100 40 00', // repeated key
      '60 02', // bad pair marker
      '90 ff00', // invalid UTF-8
      '90 eda08000', // UTF-8 of a surrogate
      '40 40', // trailing bytes
      '20'.repeat(MAX_DEPTH + 1) + '00'.repeat(MAX_DEPTH + 1), // too deep
    ];
    for (const c of cases) await expectCode('CORRUPTION', () => decodeKey(fromHex(c)));
  });

  it('rejects a non-Uint8Array with INVALID_ARGUMENT', async () => {
    await expectCode('INVALID_ARGUMENT', () => decodeKey('abc' as never));
  });
});

describe('keyRangeForPrefix', () => {
  it("matches ['user'], ['user', 1] and ['user', 'x', 2] but not ['users'] or 'user'", () => {
    const r = keyRangeForPrefix(['user']);
    expect(inRange(encodeKey(['user']), r)).toBe(true);
    expect(inRange(encodeKey(['user', 1]), r)).toBe(true);
    expect(inRange(encodeKey(['user', 'x', 2]), r)).toBe(true);
    expect(inRange(encodeKey(['user', MAXVAL]), r)).toBe(true);
    expect(inRange(encodeKey(['users']), r)).toBe(false);
    expect(inRange(encodeKey(['usen', 1]), r)).toBe(false);
    expect(inRange(encodeKey('user'), r)).toBe(false);
  });

  it('covers every array for the empty prefix', () => {
    const r = keyRangeForPrefix([]);
    expect(inRange(encodeKey([]), r)).toBe(true);
    expect(inRange(encodeKey([[MAXVAL]]), r)).toBe(true);
    expect(inRange(encodeKey(false), r)).toBe(false);
    expect(inRange(encodeKey(MINVAL), r)).toBe(false);
  });

  it('rejects a prefix that is not an array with INVALID_ARGUMENT', async () => {
    await expectCode('INVALID_ARGUMENT', () => keyRangeForPrefix('user' as never));
  });

  it('finds the successor of a byte prefix, and none for all 0xFF', () => {
    expect(hex(prefixSuccessor(fromHex('01ff'))!)).toBe('02');
    expect(prefixSuccessor(fromHex('ffff'))).toBeUndefined();
    expect(prefixSuccessor(new Uint8Array())).toBeUndefined();
  });
});

describe('checkKeySize', () => {
  it('throws TOO_LARGE above MAX_KEY_BYTES and passes keys at the limit', async () => {
    const atLimit = encodeKey('x'.repeat(1024 - 2));
    expect(atLimit.length).toBe(1024);
    expect(checkKeySize(atLimit)).toBe(atLimit);
    await expectCode('TOO_LARGE', () => checkKeySize(encodeKey('x'.repeat(1024 - 1))));
    await expectCode('TOO_LARGE', () => checkKeySize(encodeKey('xy'), 3));
  });
});

describe('Buffer inputs', () => {
  it('decodes numbers from a pooled Buffer view without changing its bytes', () => {
    const encoded = encodeKey([1.5, -2, 'x', new Uint8Array([7])]);
    const pool = Buffer.alloc(encoded.length + 5, 0x11);
    pool.set(encoded, 5);
    const view = pool.subarray(5);
    const before = Buffer.from(view);
    expect(decodeKey(view)).toEqual([1.5, -2, 'x', new Uint8Array([7])]);
    expect(Buffer.compare(view, before)).toBe(0);
  });
});

describe('keyRangeForPrefix and escaped runs (regression: fast-check seed -402773255)', () => {
  it('does not match a key whose last prefix element only continues with an escaped zero', () => {
    const inside = (prefix: Datum[], key: Datum[]): boolean => {
      const { gte, lt } = keyRangeForPrefix(prefix);
      const k = encodeKey(key);
      return compareBytes(k, gte) >= 0 && compareBytes(k, lt) < 0;
    };
    expect(inside([new Uint8Array([])], [new Uint8Array([0])])).toBe(false);
    expect(inside(['a'], ['a\u0000'])).toBe(false);
    expect(inside(['a'], ['a', '\u0000'])).toBe(true);
    expect(inside([new Uint8Array([])], [new Uint8Array([]), 1])).toBe(true);
  });
});
