/**
 * UTF-8 for the codecs: a writer that rejects lone surrogates (TextEncoder would silently write
 * U+FFFD) and can escape NUL for the key format, and a strict reader that rejects invalid UTF-8
 * (overlong forms, surrogates, code points above U+10FFFF, truncated sequences). Not API.
 */

/** Returned by `writeUtf8` when the string has a lone surrogate. */
export const LONE_SURROGATE = -1;

/**
 * Writes `s` as UTF-8 into `buf` at `pos` (the caller made room for 3 bytes per UTF-16 unit) and
 * returns the new position, or LONE_SURROGATE. With `escapeNul`, U+0000 is written 0x00 0xFF.
 */
export function writeUtf8(buf: Uint8Array, pos: number, s: string, escapeNul: boolean): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
      if (c === 0 && escapeNul) buf[pos++] = 0xff;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c >= 0xe000) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      const lo = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || lo < 0xdc00 || lo > 0xdfff) return LONE_SURROGATE;
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
      buf[pos++] = 0xf0 | (c >> 18);
      buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * Up to this many bytes a JS loop plus String.fromCharCode beats TextDecoder, whose call costs
 * ~60 ns whatever the length (measured on Node 20 with the string-length probe noted in
 * bench/codec.bench.ts's README entry).
 */
const SHORT_STRING_BYTES = 16;

/** Returned by `readUtf8` for invalid UTF-8. */
export const INVALID_UTF8 = null;

/** Decodes `buf[start, end)` strictly; INVALID_UTF8 (null) when it is not valid UTF-8. */
export function readUtf8(buf: Uint8Array, start: number, end: number): string | null {
  const len = end - start;
  if (len === 0) return '';
  if (len > SHORT_STRING_BYTES) {
    try {
      return fatalDecoder.decode(buf.subarray(start, end));
    } catch {
      return INVALID_UTF8;
    }
  }
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const b = buf[i++];
    if (b < 0x80) {
      units.push(b);
      continue;
    }
    if (b < 0xc2 || b > 0xf4) return INVALID_UTF8; // continuation byte, overlong 2-byte, >U+10FFFF
    if (b < 0xe0) {
      if (i >= end) return INVALID_UTF8;
      const b1 = buf[i++];
      if ((b1 & 0xc0) !== 0x80) return INVALID_UTF8;
      units.push(((b & 0x1f) << 6) | (b1 & 0x3f));
    } else if (b < 0xf0) {
      if (i + 1 >= end) return INVALID_UTF8;
      const b1 = buf[i++];
      const b2 = buf[i++];
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return INVALID_UTF8;
      const c = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return INVALID_UTF8;
      units.push(c);
    } else {
      if (i + 2 >= end) return INVALID_UTF8;
      const b1 = buf[i++];
      const b2 = buf[i++];
      const b3 = buf[i++];
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return INVALID_UTF8;
      const c = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (c < 0x10000 || c > 0x10ffff) return INVALID_UTF8;
      units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
    }
  }
  return String.fromCharCode.apply(null, units);
}

/** Entries in the decoded-key cache (direct-mapped by a hash of the bytes). */
const KEY_CACHE_SIZE = 4096;
/** Only keys up to this many bytes are cached. */
const KEY_CACHE_MAX_BYTES = 32;
const cacheBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_CACHE_SIZE).fill(undefined);
const cacheStrings: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');

/**
 * Like `readUtf8`, but remembers short results: object keys repeat across documents, and a hit
 * costs a hash and a byte compare instead of building a string (bench/codec.bench.ts, decode).
 */
export function readUtf8Cached(buf: Uint8Array, start: number, end: number): string | null {
  const len = end - start;
  if (len > KEY_CACHE_MAX_BYTES || len === 0) return readUtf8(buf, start, end);
  let h = len;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x9e3779b1);
  const slot = (h >>> 20) & (KEY_CACHE_SIZE - 1);
  const cached = cacheBytes[slot];
  if (cached !== undefined && cached.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (cached[i] !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cacheStrings[slot];
  }
  const s = readUtf8(buf, start, end);
  if (s !== null) {
    cacheBytes[slot] = buf.slice(start, end);
    cacheStrings[slot] = s;
  }
  return s;
}
