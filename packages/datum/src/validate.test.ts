import { describe, expect, it } from '@jest/globals';
import { isPhotonError } from '@photondb/contracts';
import { MAXVAL, MAX_DEPTH, MINVAL, PhotonTime, encodeKey, encodeValue, findDatumProblem, isDatum, time, validateDatum } from './index.js';

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { x: v };
  return v;
}

function rejection(fn: () => unknown): { code: string; valuePath?: string } {
  try {
    fn();
  } catch (e) {
    if (isPhotonError(e)) return { code: e.code, valuePath: e.valuePath };
    throw e;
  }
  throw new Error('did not throw');
}

const bad: [string, () => unknown, string][] = [
  ['NaN', () => ({ a: [1, NaN] }), '$.a[1]'],
  ['Infinity', () => [Infinity], '$[0]'],
  ['-Infinity', () => ({ 'x y': -Infinity }), '$["x y"]'],
  ['a lone surrogate in a string', () => ({ s: 'a\ud800' }), '$.s'],
  ['a lone surrogate in a key', () => ({ ['\udc00']: 1 }), '$["\\udc00"]'],
  ['undefined', () => ({ u: undefined }), '$.u'],
  ['a function', () => [() => 1], '$[0]'],
  ['a symbol', () => [Symbol('s')], '$[0]'],
  ['a BigInt', () => ({ n: 1n }), '$.n'],
  ['a class instance', () => ({ m: new Map() }), '$.m'],
  ['a Date', () => ({ d: new Date(0) }), '$.d'],
  ['another typed array', () => [new Uint16Array(2)], '$[0]'],
  ['a sparse array', () => ({ a: [1, , 3] }), '$.a[1]'], // eslint-disable-line no-sparse-arrays
  ['a cyclic object', () => { const o: Record<string, unknown> = {}; o.self = o; return { o }; }, '$.o.self'],
  ['a getter that throws', () => Object.defineProperty({}, 'g', { enumerable: true, get() { throw new Error('boom'); } }), '$.g'],
  ['a forged time', () => ({ t: Object.assign(Object.create(PhotonTime.prototype), { epochMs: NaN, offsetMinutes: 0 }) }), '$.t'],
  ['nesting deeper than MAX_DEPTH', () => nested(MAX_DEPTH + 1), undefined as never],
];

describe('validation', () => {
  it.each(bad)('rejects %s with INVALID_ARGUMENT and its path, in validateDatum and both encoders', (_name, make, path) => {
    const v = make();
    expect(isDatum(v)).toBe(false);
    for (const fn of [() => validateDatum(v), () => encodeValue(v as never), () => encodeKey(v as never)]) {
      const r = rejection(fn);
      expect(r.code).toBe('INVALID_ARGUMENT');
      if (path !== undefined) expect(r.valuePath).toBe(path);
    }
  });

  it('accepts nesting at exactly MAX_DEPTH, -0, null-prototype objects, Buffers and times', () => {
    const ok = [nested(MAX_DEPTH), -0, Object.assign(Object.create(null), { a: 1 }), Buffer.from('hi'), time(0, 90), { ['__proto__']: 1 }, JSON.parse('{"__proto__": {"x": 1}}')];
    for (const v of ok) {
      expect(findDatumProblem(v)).toBeUndefined();
      expect(() => encodeValue(v)).not.toThrow();
      expect(() => encodeKey(v)).not.toThrow();
    }
  });

  it('accepts MINVAL/MAXVAL only when sentinels are allowed, and only in keys', () => {
    expect(isDatum([MINVAL])).toBe(false);
    expect(isDatum([MINVAL], { allowSentinels: true })).toBe(true);
    expect(rejection(() => encodeValue(MAXVAL as never)).code).toBe('INVALID_ARGUMENT');
    expect(() => encodeKey(['a', MAXVAL])).not.toThrow();
  });

  it('rejects out-of-range times at construction', () => {
    expect(rejection(() => time(8.64e15 + 1)).code).toBe('INVALID_ARGUMENT');
    expect(rejection(() => time(0, 1440)).code).toBe('INVALID_ARGUMENT');
    expect(rejection(() => time(0, 1.5)).code).toBe('INVALID_ARGUMENT');
    expect(time(-0).epochMs).toBe(0);
    expect(Object.is(time(-0).epochMs, -0)).toBe(false);
  });

  it('formats times in their own offset', () => {
    expect(time(0, 120).toISOString()).toBe('1970-01-01T02:00:00.000+02:00');
    expect(time(0, -90).toISOString()).toBe('1969-12-31T22:30:00.000-01:30');
    expect(time(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(PhotonTime.fromDate(new Date(5)).toDate().getTime()).toBe(5);
  });
});
