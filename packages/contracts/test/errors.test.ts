import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ERROR_CODES, PhotonError, hasErrorCode, invariant, isPhotonError, lsn, ownedCopy, pageId } from '@photondb/contracts';

describe('PhotonError', () => {
  it('carries a stable code, context fields and a cause', () => {
    const cause = new Error('disk');
    const e = new PhotonError('CORRUPTION', 'bad page', { path: '/x', pageId: 7, offset: 57344 }, { cause });
    expect(e.code).toBe('CORRUPTION');
    expect(e.pageId).toBe(7);
    expect(e.offset).toBe(57344);
    expect(e.path).toBe('/x');
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('PhotonError');
    expect(e instanceof Error).toBe(true);
  });

  it('is recognised by its brand, also on an object from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { code: 'IO' });
    Object.defineProperty(foreign, Symbol.for('photondb.error'), { value: true });
    expect(isPhotonError(foreign)).toBe(true);
    expect(isPhotonError(new Error('x'))).toBe(false);
    expect(isPhotonError(null)).toBe(false);
    expect(isPhotonError({ code: 'IO' })).toBe(false);
    expect(hasErrorCode(new PhotonError('IO', 'x'), 'IO')).toBe(true);
    expect(hasErrorCode(new PhotonError('IO', 'x'), 'CLOSED')).toBe(false);
  });

  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('invariant throws INTERNAL only when the condition is false', () => {
    expect(() => invariant(true, 'fine')).not.toThrow();
    try {
      invariant(false, 'broken', { pageId: 3 });
      throw new Error('unreachable');
    } catch (e) {
      expect(hasErrorCode(e, 'INTERNAL')).toBe(true);
      expect((e as PhotonError).pageId).toBe(3);
    }
  });
});

describe('branded id constructors', () => {
  it('accept every non-negative safe integer and return it unchanged', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (n) => pageId(n) === n && lsn(n) === n));
  });

  it('reject negatives, fractions, NaN, unsafe integers and non-numbers with INVALID_ARGUMENT', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, '3', null]) {
      expect(() => pageId(bad as number)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});

describe('ownedCopy', () => {
  it('copies any bytes, a Buffer view of a larger buffer included, into a Buffer of its own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(20), fc.nat(20), (bytes, cutStart, cutEnd) => {
        const backing = Buffer.from(bytes);
        const view = backing.subarray(Math.min(cutStart, bytes.length), Math.max(Math.min(cutStart, bytes.length), bytes.length - cutEnd));
        const expected = Array.from(view);
        const copy = ownedCopy(view);
        expect(Buffer.isBuffer(copy)).toBe(true);
        expect(Array.from(copy)).toEqual(expected);
        // Its own memory: neither side sees the other change.
        backing.fill(0xab);
        expect(Array.from(copy)).toEqual(expected);
        copy.fill(0xcd);
        expect(Array.from(view)).toEqual(expected.map(() => 0xab));
      }),
    );
  });
});
