import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { checksum, checksumSkipping } from './checksum.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The bit-at-a-time definition of CRC-32 (IEEE), to check the native one against. */
function crc32Bitwise(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('checksum (CRC-32)', () => {
  it('matches the standard check value and known vectors (as Python zlib.crc32 gives them)', () => {
    expect(checksum(ascii('123456789'))).toBe(0xcbf43926);
    expect(checksum(new Uint8Array(0))).toBe(0);
    expect(checksum(new Uint8Array(32))).toBe(0x190a55ad);
    expect(checksum(new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
    expect(checksum(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x91267e8a);
    expect(checksum(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x9ab0ef72);
    expect(checksum(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('returns an unsigned 32-bit integer', () => {
    const c = checksum(ascii('123456789'));
    expect(c).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(c)).toBe(true);
  });

  it('equals the bitwise definition at every length and alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(16), fc.nat(), (bytes, skip, seed) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(checksum(view, seed >>> 0)).toBe(crc32Bitwise(view, seed >>> 0));
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('continues from a seed: checksum(b, checksum(a)) equals checksum(a ++ b)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (a, b) => {
        const ab = new Uint8Array(a.length + b.length);
        ab.set(a);
        ab.set(b, a.length);
        expect(checksum(b, checksum(a))).toBe(checksum(ab));
      }),
      { numRuns: fcRuns(200) },
    );
  });

  it('detects every single bit flip in a 4 KiB page', () => {
    const page = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) & 0xff);
    const good = checksum(page);
    for (let bit = 0; bit < page.length * 8; bit += 61) {
      page[bit >> 3] ^= 1 << (bit & 7);
      expect(checksum(page)).not.toBe(good);
      page[bit >> 3] ^= 1 << (bit & 7);
    }
  });
});

describe('checksumSkipping', () => {
  it('equals the checksum of a copy with the skipped range zeroed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(700), fc.nat(100), fc.nat(), (bytes, offset, length, seed) => {
        const zeroed = bytes.slice();
        zeroed.fill(0, Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
        expect(checksumSkipping(bytes, offset, length, seed >>> 0)).toBe(checksum(zeroed, seed >>> 0));
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('ignores whatever the skipped field holds, so a page can carry its own checksum', () => {
    const page = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
    const before = checksumSkipping(page, 8, 4);
    new DataView(page.buffer).setUint32(8, before, true);
    expect(checksumSkipping(page, 8, 4)).toBe(before);
    page[100] ^= 1;
    expect(checksumSkipping(page, 8, 4)).not.toBe(before);
  });

  it('does not modify its input', () => {
    const page = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    const copy = page.slice();
    checksumSkipping(page, 4, 8);
    expect(page).toEqual(copy);
  });

  it('rejects a negative range with RangeError', () => {
    expect(() => checksumSkipping(new Uint8Array(8), -1, 2)).toThrow(RangeError);
    expect(() => checksumSkipping(new Uint8Array(8), 0, -2)).toThrow(RangeError);
  });
});
