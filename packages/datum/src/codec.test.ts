import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MINVAL, datumKeyCodec, datumValueCodec, decodeKey, encodeKey, rawCodec, resolveCodec } from './index.js';
import type { Codec } from './index.js';

describe('resolveCodec', () => {
  it('resolves each built-in name, datum by role', () => {
    expect(resolveCodec('raw', 'key').name).toBe('raw');
    expect(resolveCodec('utf8', 'value').name).toBe('utf8');
    expect(resolveCodec('json', 'value').name).toBe('json');
    expect(resolveCodec('datum', 'key').name).toBe('datumKey');
    expect(resolveCodec('datum', 'value').name).toBe('datumValue');
  });

  it('returns a valid user codec as it is and rejects a malformed one', async () => {
    const mine: Codec<unknown> = { name: 'mine', encode: () => new Uint8Array(), decode: () => 1 };
    expect(resolveCodec(mine, 'value')).toBe(mine);
    await expectCode('INVALID_ARGUMENT', () => resolveCodec({ name: 'x', encode: () => new Uint8Array() } as never, 'key'));
    await expectCode('INVALID_ARGUMENT', () => resolveCodec(null as never, 'key'));
  });

  it('rejects an unknown name with INVALID_ARGUMENT listing the allowed ones', () => {
    expect(() => resolveCodec('msgpack' as never, 'key')).toThrow(/raw, utf8, json, datum/);
    let code: unknown;
    try {
      resolveCodec('msgpack' as never, 'key');
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('INVALID_ARGUMENT');
  });
});

describe('built-in codecs', () => {
  it('raw keeps the bytes as they are (decoding to a copy) and rejects anything else', async () => {
    const raw = resolveCodec('raw', 'key');
    const b = new Uint8Array([1, 2]);
    expect(raw.encode(b)).toBe(b);
    expect(raw.decode(b)).toEqual(b);
    expect(raw.decode(b)).not.toBe(b); // a copy the caller owns
    await expectCode('INVALID_ARGUMENT', () => raw.encode('x'));
  });

  it('utf8 round-trips text, rejects lone surrogates and invalid bytes', async () => {
    const c = resolveCodec('utf8', 'value');
    expect(c.decode(c.encode('héllo \u{1f600}'))).toBe('héllo \u{1f600}');
    await expectCode('INVALID_ARGUMENT', () => c.encode('\ud800'));
    await expectCode('INVALID_ARGUMENT', () => c.encode(5));
    await expectCode('CORRUPTION', () => c.decode(new Uint8Array([0xff])));
  });

  it('json round-trips JSON values and rejects what JSON cannot hold', async () => {
    const c = resolveCodec('json', 'value');
    expect(c.decode(c.encode({ a: [1, 'x', null] }))).toEqual({ a: [1, 'x', null] });
    await expectCode('INVALID_ARGUMENT', () => c.encode(undefined));
    await expectCode('INVALID_ARGUMENT', () => c.encode(10n));
    await expectCode('CORRUPTION', () => c.decode(new TextEncoder().encode('{nope')));
  });

  it('datum codecs are the key and value codecs, and the key codec takes range bounds', () => {
    expect(datumKeyCodec.decode(datumKeyCodec.encode(['a', 1]))).toEqual(['a', 1]);
    expect(datumValueCodec.decode(datumValueCodec.encode({ a: -0 }))).toEqual({ a: -0 });
    expect(datumKeyCodec.encode([MINVAL] as never)).toEqual(encodeKey([MINVAL]));
    expect(decodeKey(datumKeyCodec.encode('x'))).toBe('x');
  });
});

describe('raw codec ownership', () => {
  it('decodes to a copy, so the caller may change what it read without changing the source', () => {
    const stored = Uint8Array.of(1, 2, 3);
    const got = rawCodec.decode(stored);
    expect(got).toEqual(stored);
    got[0] = 9;
    expect(stored[0]).toBe(1);
  });
});
