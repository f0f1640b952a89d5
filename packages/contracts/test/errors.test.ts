import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ERROR_CODES, PhotonError, hasErrorCode, invariant, isPhotonError, lsn, pageId } from '@photondb/contracts';

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
