import { describe, expect, it } from '@jest/globals';
import { decodeKey, decodeValue, encodeKey, encodeValue } from '@photondb/datum';
import { UsageError } from '../src/usage-error.js';
import { fromHex, keyFromJson, keyToJson, parseKey, parseValue, renderKey, renderValue, valueFromJson, valueToJson } from '../src/value-format.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('keys typed and shown', () => {
  it('reads utf8, hex and datum keys', () => {
    expect(parseKey('user:1', 'utf8')).toEqual(utf8('user:1'));
    expect(parseKey('00ff', 'hex')).toEqual(new Uint8Array([0, 255]));
    expect(parseKey('["user", 42]', 'datum')).toEqual(encodeKey(['user', 42]));
    expect(parseKey('plain', 'datum')).toEqual(encodeKey('plain'));
    expect(() => parseKey('abc', 'hex')).toThrow(UsageError);
  });

  it('shows text keys as text and other bytes as 0x-hex', () => {
    expect(renderKey(utf8('user:1'), 'utf8')).toBe('user:1');
    expect(renderKey(new Uint8Array([0xff, 0x00]), 'utf8')).toBe('0xff00');
    expect(renderKey(encodeKey(['a', 1]), 'datum')).toBe('["a",1]');
    expect(decodeKey(keyFromJson(['a', 1], 'datum'))).toEqual(['a', 1]);
    expect(keyToJson(utf8('k'), 'utf8')).toBe('k');
  });
});

describe('values typed and shown', () => {
  it('stores JSON input with the datum codec and shows it back', () => {
    const bytes = parseValue('{"a": [1, true, null]}', 'datum');
    expect(decodeValue(bytes)).toEqual({ a: [1, true, null] });
    expect(renderValue(bytes, 'auto')).toBe('{"a":[1,true,null]}');
    expect(renderValue(bytes, 'datum')).toBe('{"a":[1,true,null]}');
  });

  it('keeps JSON text as text with the json encoding', () => {
    const bytes = parseValue('{"a":1}', 'json');
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
    expect(valueToJson(bytes, 'json')).toEqual({ a: 1 });
    expect(() => parseValue('{nope', 'json')).toThrow(/not valid JSON/);
  });

  it('round-trips binary through {"$hex": ...}', () => {
    const bytes = valueFromJson(new Uint8Array([1, 2, 3]), 'datum');
    expect(valueToJson(bytes, 'datum')).toEqual(new Uint8Array([1, 2, 3]));
    expect(renderValue(bytes, 'auto')).toBe('{"$hex":"010203"}');
    expect(fromHex('0x0a0B')).toEqual(new Uint8Array([10, 11]));
  });

  it('guesses datum, JSON text, plain text, then hex in auto mode', () => {
    expect(valueToJson(encodeValue({ n: 1 }), 'auto')).toEqual({ n: 1 });
    expect(valueToJson(utf8('[1,2]'), 'auto')).toEqual([1, 2]);
    expect(valueToJson(utf8('hello world'), 'auto')).toBe('hello world');
    expect(renderValue(new Uint8Array([0xff, 0xfe, 0x00]), 'utf8')).toBe('0xfffe00');
  });
});
