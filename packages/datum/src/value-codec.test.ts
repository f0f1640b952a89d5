import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MAX_DEPTH, decodeValue, encodeValue, getField, time } from './index.js';
import type { Datum } from './index.js';
import { exactEqual, fromHex } from '../test/helpers/exact.js';

describe('encodeValue / decodeValue', () => {
  it('round-trips -0, binary, times with their offset and the key order of objects', () => {
    const d: Datum = { z: -0, a: new Uint8Array([0, 255]), t: time(1714557600000.5, -330), '10': 1, '2': 2, nested: [{ y: 1, x: 2 }] };
    const back = decodeValue(encodeValue(d));
    expect(exactEqual(back, d)).toBe(true);
    expect(Object.keys(back as object)).toEqual(Object.keys(d));
  });

  it('round-trips long and non-ASCII strings and every integer width', () => {
    for (const s of ['x'.repeat(100_000), 'é'.repeat(40), '\u{1f600}'.repeat(17), 'a\0b', 'é'.repeat(15) + 'x']) expect(decodeValue(encodeValue(s))).toBe(s);
    for (const n of [0, 127, 128, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, -33, -32, 1e300, Number.MIN_VALUE]) expect(decodeValue(encodeValue(n))).toBe(n);
  });

  it('is smaller than JSON text for a typical document', () => {
    const d = { id: 1042, name: 'Ada Lovelace', email: 'ada@example.com', active: true, score: 97.5, tags: ['admin', 'math'] };
    expect(encodeValue(d).length).toBeLessThan(JSON.stringify(d).length);
  });

  it('keeps a __proto__ key as an own property and leaves Object.prototype alone', () => {
    const d = decodeValue(encodeValue(JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}'))) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('encodes nesting at MAX_DEPTH and rejects one more level', async () => {
    let v: Datum = 1;
    for (let i = 0; i < MAX_DEPTH; i++) v = [v];
    expect(exactEqual(decodeValue(encodeValue(v)), v)).toBe(true);
    await expectCode('INVALID_ARGUMENT', () => encodeValue([v]));
  });

  it('throws TOO_LARGE above maxBytes and passes a value at the limit', async () => {
    const v = 'x'.repeat(100);
    const size = encodeValue(v).length;
    expect(encodeValue(v, { maxBytes: size }).length).toBe(size);
    await expectCode('TOO_LARGE', () => encodeValue(v, { maxBytes: size - 1 }));
    await expectCode('TOO_LARGE', () => encodeValue(new Uint8Array(1 << 20), { maxBytes: 1000 }));
  });

  it('refuses another format version with UNSUPPORTED_VERSION', async () => {
    await expectCode('UNSUPPORTED_VERSION', () => decodeValue(fromHex('02c0')));
  });

  it('rejects hostile bytes with CORRUPTION before allocating', async () => {
    const cases = [
      '', // no bytes
      '01', // no value
      '01 c8 ffffffff0f', // array of 2^32 - 1 elements in 0 bytes
      '01 c6 ffffffffffffff0f', // string of 2^53 - 1 bytes
      '01 c4 ffffffffffffffff7f', // varint longer than 8 bytes
      '01 c4 8080808080808010', // varint above 2^53 - 1
      '01 c3 000000000000f07f', // +Infinity
      '01 c3 000000000000f87f', // NaN
      '01 cb', // reserved tag
      '01 82 ff00', // invalid UTF-8
      '01 b2 0161 01 0161 02', // repeated key
      '01 ca 0000000000000000 c04f', // time offset out of range
      '01 c0 c0', // trailing bytes
      '01' + 'a1'.repeat(MAX_DEPTH + 1) + '00', // too deep
    ];
    for (const c of cases) await expectCode('CORRUPTION', () => decodeValue(fromHex(c)));
  });
});

describe('getField', () => {
  const doc = { a: 1, big: { deep: [1, 2, { x: 'y' }], s: 'text' }, name: 'Ada', t: time(3, 60) };
  const bytes = encodeValue(doc);

  it('reads one field of an encoded object, and undefined for a missing one', () => {
    expect(getField(bytes, 'name')).toBe('Ada');
    expect(getField(bytes, 'big')).toEqual(doc.big);
    expect(getField(bytes, 't')).toEqual(time(3, 60));
    expect(getField(bytes, 'nope')).toBeUndefined();
    expect(getField(bytes, '\ud800')).toBeUndefined();
  });

  it('refuses a value that is not an object with INVALID_ARGUMENT', async () => {
    await expectCode('INVALID_ARGUMENT', () => getField(encodeValue([1]), 'a'));
  });

  it('reports damage before the field with CORRUPTION', async () => {
    const damaged = bytes.slice(0, 6);
    await expectCode('CORRUPTION', () => getField(damaged, 'name'));
  });
});
