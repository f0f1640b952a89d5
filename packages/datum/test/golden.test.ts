/**
 * Golden bytes: pins both formats (src/format.ts). A change that makes one of these fail changes
 * stored data: bump the value format version (or define a new key format), keep old bytes
 * readable, and say so in a changeset.
 */
import { describe, expect, it } from '@jest/globals';
import { MAXVAL, MINVAL, decodeKeyBound, decodeValue, encodeKey, encodeValue, time } from '@photondb/datum';
import type { Datum, DatumBound } from '@photondb/datum';
import { exactEqual, fromHex, hex } from './helpers/exact.js';

const keyGolden: [string, DatumBound, string][] = [
  ['MINVAL', MINVAL, '10'],
  ['empty array', [], '20 00'],
  ['false', false, '30'],
  ['true', true, '31'],
  ['null', null, '40'],
  ['0', 0, '50 8000000000000000'],
  ['1', 1, '50 bff0000000000000'],
  ['-1', -1, '50 400fffffffffffff'],
  ['empty object', {}, '60 00'],
  ['{a: 1}', { a: 1 }, '60 01 6100 50bff0000000000000 00'],
  ['binary 00 01', new Uint8Array([0, 1]), '70 00ff 01 00'],
  ['time 0 (offset dropped)', time(0), '80 8000000000000000'],
  ['empty string', '', '90 00'],
  ['"a\\0b"', 'a\0b', '90 61 00ff 62 00'],
  ['"é"', 'é', '90 c3a9 00'],
  ['["user", 1]', ['user', 1], '20 90 7573657200 50bff0000000000000 00'],
  ['MAXVAL', MAXVAL, 'f0'],
];

const valueGolden: [string, Datum, string][] = [
  ['null', null, '01 c0'],
  ['false', false, '01 c1'],
  ['true', true, '01 c2'],
  ['0', 0, '01 00'],
  ['127', 127, '01 7f'],
  ['128', 128, '01 c4 8001'],
  ['-1', -1, '01 ff'],
  ['-32', -32, '01 e0'],
  ['-33', -33, '01 c5 20'],
  ['-0', -0, '01 c3 0000000000000080'],
  ['1.5', 1.5, '01 c3 000000000000f83f'],
  ['2^53 - 1', 2 ** 53 - 1, '01 c4 ffffffffffffff0f'],
  ['empty string', '', '01 80'],
  ['"hi"', 'hi', '01 82 6869'],
  ['32-byte string', 'x'.repeat(32), '01 c6 20' + '78'.repeat(32)],
  ['binary', new Uint8Array([1, 2, 3]), '01 c7 03 010203'],
  ['[1, []]', [1, []], '01 a2 01 a0'],
  ['{a: 1, b: "c"}', { a: 1, b: 'c' }, '01 b2 0161 01 0162 8163'],
  ['time 1000 ms at -01:00', time(1000, -60), '01 ca 0000000000408f40 77'],
  ['16-element array', new Array<Datum>(16).fill(0), '01 c8 10' + '00'.repeat(16)],
];

describe('golden bytes', () => {
  it.each(keyGolden)('key format v1 pins %s', (_name, d, bytes) => {
    expect(hex(encodeKey(d))).toBe(bytes.replace(/\s+/g, ''));
    expect(hex(encodeKey(decodeKeyBound(fromHex(bytes))))).toBe(bytes.replace(/\s+/g, ''));
  });

  it.each(valueGolden)('value format v1 pins %s', (_name, d, bytes) => {
    expect(hex(encodeValue(d))).toBe(bytes.replace(/\s+/g, ''));
    expect(exactEqual(decodeValue(fromHex(bytes)), d)).toBe(true);
  });
});
