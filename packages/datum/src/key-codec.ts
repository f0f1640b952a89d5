/**
 * The order-preserving key codec (format: format.ts, "Key encoding"): datums to byte strings
 * whose unsigned lexicographic order is RethinkDB's datum order, so a B-tree that compares raw
 * bytes sorts keys exactly as `compareDatum` does. Also the compound-key helpers: the byte range
 * of all array keys that start with given elements.
 *
 * Round trip: decodeKey(encodeKey(d)) equals d with -0 folded to 0, time offsets folded to 0 and
 * object keys in code point order; every pair that compares equal encodes to the same bytes.
 * Size limits are the caller's (the engine checks its configured maximum key size; range bounds
 * have none); `checkKeySize` is provided for other callers.
 */
import { PhotonError, copyBytes, formatCount, invariant, isPhotonError } from '@photondb/contracts';
import { compareStrings, sortedKeys } from './compare.js';
import { KEY_END, KEY_ESCAPE, KEY_NUMBER_BYTES, KEY_PAIR, KEY_TAG } from './format.js';
import { acquireWriter, releaseWriter } from './internal/byte-writer.js';
import type { ByteWriter } from './internal/byte-writer.js';
import { LONE_SURROGATE, readUtf8, writeUtf8 } from './internal/utf8.js';
import { MAX_DEPTH, MAX_KEY_BYTES } from './limits.js';
import { MAXVAL, MINVAL, PhotonTime, isPlainObject, isSentinel, isTime, isMinSentinel, MAX_EPOCH_MS } from './types.js';
import type { Datum, DatumBound } from './types.js';
import { throwInvalid } from './validate.js';

/** Thrown by the fast path when the input is not a datum; replaced by a precise error. */
class NotADatum extends Error {}
const NOT_A_DATUM = new NotADatum('not a datum');

// ---------------------------------------------------------------- encoding

function writeOrderedDouble(w: ByteWriter, tag: number, v: number): void {
  w.ensure(1 + KEY_NUMBER_BYTES);
  const p = w.pos;
  const buf = w.buf;
  buf[p] = tag;
  w.view.setFloat64(p + 1, v === 0 ? 0 : v, false); // folds -0
  if (buf[p + 1] & 0x80) {
    for (let i = p + 1; i <= p + KEY_NUMBER_BYTES; i++) buf[i] ^= 0xff;
  } else {
    buf[p + 1] ^= 0x80;
  }
  w.pos = p + 1 + KEY_NUMBER_BYTES;
}

/** Writes `s` UTF-8 escaped and terminated (no tag). */
function writeEscapedString(w: ByteWriter, s: string): void {
  w.ensure(3 * s.length + 1);
  const p = writeUtf8(w.buf, w.pos, s, true);
  if (p === LONE_SURROGATE) throw NOT_A_DATUM;
  w.buf[p] = KEY_END;
  w.pos = p + 1;
}

function writeEscapedBytes(w: ByteWriter, bytes: Uint8Array): void {
  w.ensure(2 * bytes.length + 1);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    buf[p++] = b;
    if (b === 0) buf[p++] = KEY_ESCAPE;
  }
  buf[p++] = KEY_END;
  w.pos = p;
}

function writeTag(w: ByteWriter, tag: number): void {
  w.ensure(1);
  w.buf[w.pos++] = tag;
}

function writeKey(w: ByteWriter, v: unknown, depth: number): void {
  switch (typeof v) {
    case 'string':
      writeTag(w, KEY_TAG.string);
      return writeEscapedString(w, v);
    case 'number':
      if (!Number.isFinite(v)) throw NOT_A_DATUM;
      return writeOrderedDouble(w, KEY_TAG.number, v);
    case 'boolean':
      return writeTag(w, v ? KEY_TAG.true : KEY_TAG.false);
    case 'object':
      if (v === null) return writeTag(w, KEY_TAG.null);
      return writeKeyObject(w, v, depth);
    default:
      throw NOT_A_DATUM;
  }
}

function writeKeyObject(w: ByteWriter, v: object, depth: number): void {
  if (Array.isArray(v)) {
    if (depth >= MAX_DEPTH) throw NOT_A_DATUM;
    writeTag(w, KEY_TAG.array);
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (e === undefined) throw NOT_A_DATUM; // hole or undefined
      writeKey(w, e, depth + 1);
    }
    return writeTag(w, KEY_END);
  }
  if (v instanceof Uint8Array) {
    writeTag(w, KEY_TAG.binary);
    return writeEscapedBytes(w, v);
  }
  if (isTime(v)) {
    if (!Number.isFinite(v.epochMs) || Math.abs(v.epochMs) > MAX_EPOCH_MS) throw NOT_A_DATUM;
    return writeOrderedDouble(w, KEY_TAG.time, v.epochMs);
  }
  if (isSentinel(v)) return writeTag(w, isMinSentinel(v) ? KEY_TAG.minval : KEY_TAG.maxval);
  if (!isPlainObject(v) || depth >= MAX_DEPTH) throw NOT_A_DATUM;
  writeTag(w, KEY_TAG.object);
  const o = v as Record<string, unknown>;
  for (const k of sortedKeys(o)) {
    writeTag(w, KEY_PAIR);
    writeEscapedString(w, k);
    const e = o[k];
    if (e === undefined) throw NOT_A_DATUM;
    writeKey(w, e, depth + 1);
  }
  writeTag(w, KEY_END);
}

/**
 * Encodes a datum (or a range bound with MINVAL/MAXVAL anywhere) as an order-preserving key.
 * Returns a new array owned by the caller. Throws `INVALID_ARGUMENT` (with `valuePath`) for a
 * non-datum: see `validateDatum`. No size limit is applied; see `checkKeySize`. O(size + sorting
 * of object keys).
 */
export function encodeKey(d: DatumBound): Uint8Array {
  const w = acquireWriter(Infinity, 'key');
  try {
    writeKey(w, d, 0);
    return w.finish();
  } catch (e) {
    if (isPhotonError(e)) throw e;
    return throwInvalid(d, true, e === NOT_A_DATUM ? undefined : e);
  } finally {
    releaseWriter(w);
  }
}

/**
 * Throws `TOO_LARGE` when an encoded key is longer than `maxBytes` (default MAX_KEY_BYTES);
 * returns the key otherwise.
 */
export function checkKeySize(key: Uint8Array, maxBytes: number = MAX_KEY_BYTES): Uint8Array {
  if (key.length > maxBytes) {
    throw new PhotonError('TOO_LARGE', `key is ${formatCount(key.length)} bytes after encoding; at most ${formatCount(maxBytes)} are allowed (MAX_KEY_BYTES)`, { limit: maxBytes, actual: key.length });
  }
  return key;
}

// ---------------------------------------------------------------- decoding

class KeyReader {
  readonly buf: Uint8Array;
  pos = 0;
  readonly view: DataView;
  readonly allowSentinels: boolean;

  constructor(buf: Uint8Array, allowSentinels: boolean) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.allowSentinels = allowSentinels;
  }

  corrupt(message: string, offset = this.pos): never {
    throw new PhotonError('CORRUPTION', `invalid datum key at byte ${offset}: ${message}`, { offset });
  }

  read(depth: number): DatumBound {
    if (this.pos >= this.buf.length) this.corrupt('unexpected end of key');
    const at = this.pos;
    const tag = this.buf[this.pos++];
    switch (tag) {
      case KEY_TAG.string:
        return this.readString();
      case KEY_TAG.number:
        return this.readOrderedDouble();
      case KEY_TAG.false:
        return false;
      case KEY_TAG.true:
        return true;
      case KEY_TAG.null:
        return null;
      case KEY_TAG.array:
        return this.readArray(depth + 1);
      case KEY_TAG.object:
        return this.readObject(depth + 1);
      case KEY_TAG.binary:
        return this.readEscaped();
      case KEY_TAG.time: {
        const ms = this.readOrderedDouble();
        if (Math.abs(ms) > MAX_EPOCH_MS) this.corrupt(`time ${ms} ms is out of range`, at);
        return new PhotonTime(ms, 0);
      }
      case KEY_TAG.minval:
      case KEY_TAG.maxval:
        if (!this.allowSentinels) {
          throw new PhotonError('INVALID_ARGUMENT', `key bytes hold a range bound (${tag === KEY_TAG.minval ? 'MINVAL' : 'MAXVAL'}) at byte ${at}, not a key; use decodeKeyBound`, { offset: at });
        }
        return tag === KEY_TAG.minval ? MINVAL : MAXVAL;
      default:
        return this.corrupt(`unknown tag 0x${tag.toString(16).padStart(2, '0')}`, at);
    }
  }

  readOrderedDouble(): number {
    const p = this.pos;
    if (p + KEY_NUMBER_BYTES > this.buf.length) this.corrupt('truncated number');
    const b = copyBytes(this.buf, p, p + KEY_NUMBER_BYTES);
    if (b[0] & 0x80) b[0] ^= 0x80;
    else for (let i = 0; i < KEY_NUMBER_BYTES; i++) b[i] ^= 0xff;
    const v = new DataView(b.buffer, b.byteOffset, KEY_NUMBER_BYTES).getFloat64(0, false);
    if (!Number.isFinite(v) || Object.is(v, -0)) this.corrupt(`number ${String(v)} is never written`, p);
    this.pos = p + KEY_NUMBER_BYTES;
    return v;
  }

  /** Reads an escaped, terminated run; returns its unescaped bytes (a view when unescaped). */
  readEscaped(): Uint8Array {
    const buf = this.buf;
    const start = this.pos;
    let escapes = 0;
    let i = start;
    for (;;) {
      if (i >= buf.length) this.corrupt('unterminated string or binary', start);
      if (buf[i] === KEY_END) {
        if (i + 1 < buf.length && buf[i + 1] === KEY_ESCAPE) {
          escapes++;
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
    this.pos = i + 1;
    if (escapes === 0) return copyBytes(buf, start, i);
    const out = new Uint8Array(i - start - escapes);
    let k = 0;
    for (let j = start; j < i; j++) {
      out[k++] = buf[j];
      if (buf[j] === 0) j++;
    }
    return out;
  }

  readString(): string {
    const at = this.pos;
    const bytes = this.readEscaped();
    const s = readUtf8(bytes, 0, bytes.length);
    if (s === null) this.corrupt('string is not valid UTF-8', at);
    return s;
  }

  readArray(depth: number): DatumBound[] {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    const out: DatumBound[] = [];
    for (;;) {
      if (this.pos >= this.buf.length) this.corrupt('unterminated array');
      if (this.buf[this.pos] === KEY_END) {
        this.pos++;
        return out;
      }
      out.push(this.read(depth));
    }
  }

  readObject(depth: number): Record<string, DatumBound> {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    const out: Record<string, DatumBound> = {};
    let prev: string | undefined;
    for (;;) {
      if (this.pos >= this.buf.length) this.corrupt('unterminated object');
      const marker = this.buf[this.pos++];
      if (marker === KEY_END) return out;
      if (marker !== KEY_PAIR) this.corrupt(`expected an object pair (0x01) or end (0x00), found 0x${marker.toString(16)}`, this.pos - 1);
      const at = this.pos;
      const k = this.readString();
      if (prev !== undefined && compareStrings(prev, k) >= 0) this.corrupt('object keys are not strictly increasing', at);
      prev = k;
      const v = this.read(depth);
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
    }
  }
}

function decode(bytes: Uint8Array, allowSentinels: boolean): DatumBound {
  if (!(bytes instanceof Uint8Array)) throw new PhotonError('INVALID_ARGUMENT', `decodeKey needs a Uint8Array; got ${typeof bytes}`);
  const r = new KeyReader(bytes, allowSentinels);
  const d = r.read(0);
  if (r.pos !== bytes.length) r.corrupt(`${bytes.length - r.pos} bytes follow the key`);
  return d;
}

/**
 * Decodes a key made by `encodeKey` from a datum. Returns fresh values the caller owns (binary
 * values are copies). Throws `CORRUPTION` (with `offset`) for bytes that no datum encodes to,
 * and `INVALID_ARGUMENT` for the bytes of a range bound holding MINVAL/MAXVAL (see
 * `decodeKeyBound`). Never reads past `bytes`; nesting is bounded by MAX_DEPTH. O(bytes).
 */
export function decodeKey(bytes: Uint8Array): Datum {
  return decode(bytes, false) as Datum;
}

/** Like `decodeKey`, but also accepts range bounds: returns MINVAL/MAXVAL where encoded. */
export function decodeKeyBound(bytes: Uint8Array): DatumBound {
  return decode(bytes, true);
}

// ---------------------------------------------------------------- ranges

/**
 * The smallest byte string greater than every string that starts with `bytes`, or undefined when
 * there is none (`bytes` is empty or all 0xFF). Returns a new array.
 */
export function prefixSuccessor(bytes: Uint8Array): Uint8Array | undefined {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = copyBytes(bytes, 0, end);
  out[end - 1]++;
  return out;
}

/**
 * The byte range `[gte, lt)` of every encoded array key whose first elements equal `prefix`
 * (the array equal to `prefix` included): `['user']` matches `['user']`, `['user', 1]` and
 * `['user', 'x', 2]`, not `['users']`. Elements may be MINVAL/MAXVAL. Throws `INVALID_ARGUMENT`
 * when `prefix` is not an array of datums.
 */
export function keyRangeForPrefix(prefix: readonly DatumBound[]): { gte: Uint8Array; lt: Uint8Array } {
  if (!Array.isArray(prefix)) {
    throw new PhotonError('INVALID_ARGUMENT', `keyRangeForPrefix needs an array prefix; got ${prefix === null ? 'null' : typeof prefix}`, { valuePath: '$' });
  }
  const encoded = encodeKey(prefix);
  const gte = encoded.slice(0, encoded.length - 1); // drop the array terminator
  // After the last prefix element a matching key continues with the array terminator (0x00) or
  // the next element's tag (0x10-0xF0). A key whose bytes continue with 0xFF instead is one whose
  // last element only looks like it ended here: an escaped run (0x00 0xFF) of a longer string or
  // binary, e.g. [bin([0])] after the prefix [bin([])]. So the range ends at gte + 0xFF, not at
  // the byte successor of gte.
  const lt = new Uint8Array(gte.length + 1);
  lt.set(gte);
  lt[gte.length] = 0xff;
  return { gte, lt };
}
