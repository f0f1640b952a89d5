/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the one checksum of every page and log
 * record in PhotonDB.
 *
 * Table-driven slicing-by-8: eight table lookups per 8 input bytes, no allocation, no copying.
 * `checksumSkipping` checksums a region as if one field inside it were zero, so a page can carry
 * its own checksum without being copied (the zero run is folded in from a table as well).
 *
 * Why not `zlib.crc32`: it computes CRC-32 (IEEE), not CRC-32C, and the page and record formats of
 * slab and wal pin CRC-32C (`0xE3069283` for "123456789"). Measured in `bench/checksum.bench.ts`.
 */

/** The reflected CRC-32C polynomial. */
const POLY = 0x82f63b78;

/** T[k * 256 + b]: the CRC of byte b followed by k zero bytes (slicing-by-8 tables). */
const TABLE: Int32Array = (() => {
  const t = new Int32Array(256 * 8);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + b];
      t[k * 256 + b] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
})();

/** Advances the (pre-inverted) register `c` over bytes [start, end) of `bytes`. */
function update(c: number, bytes: Uint8Array, start: number, end: number): number {
  const t = TABLE;
  let i = start;
  // Slicing-by-8: the hot loop of every page read and log record (bench/checksum.bench.ts).
  for (const last = end - 8; i <= last; i += 8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** Advances the register over `count` zero bytes without touching memory. */
function updateZeros(c: number, count: number): number {
  const t = TABLE;
  let n = count;
  for (; n >= 8; n -= 8) {
    c =
      t[1792 + (c & 0xff)] ^ t[1536 + ((c >>> 8) & 0xff)] ^ t[1280 + ((c >>> 16) & 0xff)] ^ t[1024 + (c >>> 24)] ^
      t[768] ^ t[512] ^ t[256] ^ t[0];
  }
  for (; n > 0; n--) c = t[c & 0xff] ^ (c >>> 8);
  return c;
}

/**
 * CRC-32C of `bytes`, continuing from `seed` (the checksum of the bytes before them, or 0).
 * Returns an unsigned 32-bit integer. `checksum(b, checksum(a)) === checksum(a ++ b)`.
 * O(n), no allocation; `bytes` is only read.
 */
export function checksum(bytes: Uint8Array, seed = 0): number {
  return ~update(~seed, bytes, 0, bytes.length) >>> 0;
}

/**
 * CRC-32C of `bytes` with the range [skipOffset, skipOffset + skipLength) read as zero bytes:
 * the checksum of a page or record whose own checksum field lies inside the region it covers.
 * Equal to `checksum` of a copy with that range zeroed, without copying. The range is clipped to
 * `bytes`. Throws `RangeError` for a negative offset or length.
 */
export function checksumSkipping(bytes: Uint8Array, skipOffset: number, skipLength: number, seed = 0): number {
  if (skipOffset < 0 || skipLength < 0) throw new RangeError(`skip range [${skipOffset}, +${skipLength}) is negative`);
  const n = bytes.length;
  const from = Math.min(skipOffset, n);
  const to = Math.min(skipOffset + skipLength, n);
  let c = update(~seed, bytes, 0, from);
  c = updateZeros(c, to - from);
  c = update(c, bytes, to, n);
  return ~c >>> 0;
}
