/**
 * The value codec (format: format.ts, "Value encoding"): a compact binary form of a datum that
 * round-trips exactly (-0, binary, time offsets and the key order of objects included), is
 * smaller than JSON text and faster to write and read than JSON.stringify + TextEncoder and
 * TextDecoder + JSON.parse (bench/codec.bench.ts). `getField` reads one top-level field without
 * decoding the others.
 *
 * Decoding trusts nothing: every length and count is checked against the bytes left before
 * anything is allocated, nesting is bounded, and objects are built so that a `__proto__` key is
 * an own property, never a prototype change.
 */
import { PhotonError, copyBytes, formatCount, isPhotonError } from '@photondb/contracts';
import { VALUE_FIXCOUNT_MAX, VALUE_FIXSTR_MAX, VALUE_FORMAT_VERSION, VALUE_TAG, VALUE_VARINT_MAX_BYTES } from './format.js';
import { acquireWriter, releaseWriter } from './internal/byte-writer.js';
import type { ByteWriter } from './internal/byte-writer.js';
import { LONE_SURROGATE, readUtf8, readUtf8Cached, writeUtf8 } from './internal/utf8.js';
import { MAX_DEPTH, MAX_VALUE_BYTES } from './limits.js';
import { PhotonTime, isPlainObject, isTime, timeFieldsProblem } from './types.js';
import type { Datum } from './types.js';
import { isWellFormedString, throwInvalid } from './validate.js';

/** Thrown by the fast path when the input is not a datum; replaced by a precise error. */
class NotADatum extends Error {}
const NOT_A_DATUM = new NotADatum('not a datum');

/** Options for `encodeValue`. */
export interface EncodeValueOptions {
  /** Largest encoding allowed, in bytes; default MAX_VALUE_BYTES (16 MiB). */
  readonly maxBytes?: number;
}

// ---------------------------------------------------------------- encoding

const textEncoder = new TextEncoder();
/** From this many UTF-16 units, TextEncoder.encodeInto beats the JS loop (bench: long strings). */
const ENCODE_INTO_UNITS = 40;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes a varint at `p` (room already made); returns the new position. */
function putVarint(buf: Uint8Array, p: number, n: number): number {
  while (n >= 0x80) {
    buf[p++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[p++] = n;
  return p;
}

function writeHeader(w: ByteWriter, shortBase: number, longTag: number, count: number): void {
  w.ensure(1 + VALUE_VARINT_MAX_BYTES);
  if (count <= VALUE_FIXCOUNT_MAX) w.buf[w.pos++] = shortBase + count;
  else {
    w.buf[w.pos] = longTag;
    w.pos = putVarint(w.buf, w.pos + 1, count);
  }
}

function writeFloat(w: ByteWriter, v: number): void {
  w.ensure(9);
  w.buf[w.pos] = VALUE_TAG.float64;
  w.view.setFloat64(w.pos + 1, v, true);
  w.pos += 9;
}

function writeNumber(w: ByteWriter, v: number): void {
  if (!Number.isInteger(v)) {
    if (!Number.isFinite(v)) throw NOT_A_DATUM;
    return writeFloat(w, v);
  }
  if (v >= 0) {
    if (v <= VALUE_TAG.fixintMax) {
      if (v === 0 && 1 / v < 0) return writeFloat(w, v); // -0 is kept exactly
      w.ensure(1);
      w.buf[w.pos++] = v;
      return;
    }
    if (v > Number.MAX_SAFE_INTEGER) return writeFloat(w, v);
    w.ensure(1 + VALUE_VARINT_MAX_BYTES);
    w.buf[w.pos] = VALUE_TAG.uint;
    w.pos = putVarint(w.buf, w.pos + 1, v);
    return;
  }
  if (v >= -32) {
    w.ensure(1);
    w.buf[w.pos++] = v + 0x100;
    return;
  }
  if (v < -Number.MAX_SAFE_INTEGER) return writeFloat(w, v);
  w.ensure(1 + VALUE_VARINT_MAX_BYTES);
  w.buf[w.pos] = VALUE_TAG.nint;
  w.pos = putVarint(w.buf, w.pos + 1, -v - 1);
}

/**
 * Writes UTF-8 of `s` preceded by its byte length: as a short-string tag when `tagged` and it
 * fits, else `VALUE_TAG.string` (if tagged) and a varint. The body is written after a header
 * sized for the shortest possible length (UTF-8 bytes >= UTF-16 units, equal for ASCII) and is
 * moved right in the rare case the header comes out longer, so ASCII text is never moved.
 */
function writeStringWithLength(w: ByteWriter, s: string, tagged: boolean): void {
  const n = s.length;
  const tagBytes = tagged ? 1 : 0;
  const guessFixstr = tagged && n <= VALUE_FIXSTR_MAX;
  const headerGuess = guessFixstr ? 1 : tagBytes + varintSize(n);
  w.ensure(tagBytes + VALUE_VARINT_MAX_BYTES + 3 * n);
  const buf = w.buf;
  const start = w.pos;
  const bodyAt = start + headerGuess;
  let end: number;
  if (n < ENCODE_INTO_UNITS) {
    end = writeUtf8(buf, bodyAt, s, false);
    if (end === LONE_SURROGATE) throw NOT_A_DATUM;
  } else {
    if (!isWellFormedString(s)) throw NOT_A_DATUM;
    end = bodyAt + textEncoder.encodeInto(s, buf.subarray(bodyAt)).written;
  }
  const len = end - bodyAt;
  if (guessFixstr && len <= VALUE_FIXSTR_MAX) {
    buf[start] = VALUE_TAG.fixstr + len;
    w.pos = end;
    return;
  }
  const header = tagBytes + varintSize(len);
  if (header !== headerGuess) buf.copyWithin(start + header, bodyAt, end);
  if (tagged) buf[start] = VALUE_TAG.string;
  putVarint(buf, start + tagBytes, len);
  w.pos = start + header + len;
}

function writeValue(w: ByteWriter, v: unknown, depth: number): void {
  switch (typeof v) {
    case 'string':
      return writeStringWithLength(w, v, true);
    case 'number':
      return writeNumber(w, v);
    case 'boolean':
      w.ensure(1);
      w.buf[w.pos++] = v ? VALUE_TAG.true : VALUE_TAG.false;
      return;
    case 'object':
      if (v === null) {
        w.ensure(1);
        w.buf[w.pos++] = VALUE_TAG.null;
        return;
      }
      if (Array.isArray(v)) return writeArray(w, v, depth + 1);
      return writeObjectLike(w, v, depth);
    default:
      throw NOT_A_DATUM;
  }
}

function writeArray(w: ByteWriter, a: readonly unknown[], depth: number): void {
  if (depth > MAX_DEPTH) throw NOT_A_DATUM;
  writeHeader(w, VALUE_TAG.fixarray, VALUE_TAG.array, a.length);
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    if (e === undefined) throw NOT_A_DATUM; // hole or undefined
    writeValue(w, e, depth);
  }
}

/** Binary, time, or a plain object from another realm (checked in that order). */
function writeOtherObject(w: ByteWriter, v: object, depth: number): void {
  if (v instanceof Uint8Array) {
    w.ensure(1 + VALUE_VARINT_MAX_BYTES + v.length);
    w.buf[w.pos] = VALUE_TAG.binary;
    const p = putVarint(w.buf, w.pos + 1, v.length);
    w.buf.set(v, p);
    w.pos = p + v.length;
    return;
  }
  if (isTime(v)) {
    if (timeFieldsProblem(v.epochMs, v.offsetMinutes) !== undefined) throw NOT_A_DATUM;
    w.ensure(10 + VALUE_VARINT_MAX_BYTES);
    w.buf[w.pos] = VALUE_TAG.time;
    w.view.setFloat64(w.pos + 1, v.epochMs, true);
    const zigzag = v.offsetMinutes >= 0 ? 2 * v.offsetMinutes : -2 * v.offsetMinutes - 1;
    w.pos = putVarint(w.buf, w.pos + 9, zigzag);
    return;
  }
  if (!isPlainObject(v) || depth + 1 > MAX_DEPTH) throw NOT_A_DATUM;
  writePlainObject(w, v as Record<string, unknown>, depth);
}

function writeObjectLike(w: ByteWriter, v: object, depth: number): void {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return writeOtherObject(w, v, depth);
  if (depth + 1 > MAX_DEPTH) throw NOT_A_DATUM;
  writePlainObject(w, v as Record<string, unknown>, depth);
}

function writePlainObject(w: ByteWriter, o: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(o);
  writeHeader(w, VALUE_TAG.fixobject, VALUE_TAG.object, keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const e = o[k];
    if (e === undefined) throw NOT_A_DATUM;
    writeStringWithLength(w, k, false);
    writeValue(w, e, depth + 1);
  }
}

/**
 * Encodes a datum in the value format. Returns a new array owned by the caller. Throws
 * `INVALID_ARGUMENT` (with `valuePath`) for a non-datum (see `validateDatum`; MINVAL/MAXVAL are
 * not values) and `TOO_LARGE` when the encoding would exceed `options.maxBytes`
 * (default MAX_VALUE_BYTES). O(size of the value).
 */
export function encodeValue(d: Datum, options?: EncodeValueOptions): Uint8Array {
  const limit = options?.maxBytes ?? MAX_VALUE_BYTES;
  const w = acquireWriter(limit, 'maxBytes');
  try {
    w.ensure(1);
    w.buf[w.pos++] = VALUE_FORMAT_VERSION;
    writeValue(w, d, 0);
    return w.finish();
  } catch (e) {
    if (isPhotonError(e)) throw e;
    return throwInvalid(d, false, e === NOT_A_DATUM ? undefined : e);
  } finally {
    releaseWriter(w);
  }
}

// ---------------------------------------------------------------- decoding

class ValueReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 1;
  }

  corrupt(message: string, offset = this.pos): never {
    throw new PhotonError('CORRUPTION', `invalid datum value at byte ${offset}: ${message}`, { offset });
  }

  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < VALUE_VARINT_MAX_BYTES; i++) {
      if (p >= buf.length) this.corrupt('truncated varint');
      const b = buf[p++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (n > Number.MAX_SAFE_INTEGER) this.corrupt(`varint ${n} exceeds 2^53 - 1`, this.pos);
        this.pos = p;
        return n;
      }
      scale *= 0x80;
    }
    return this.corrupt('varint longer than 8 bytes');
  }

  /** A length or count, checked against the bytes left (each unit takes at least `unitBytes`). */
  length(n: number, unitBytes: number, what: string): number {
    if (n * unitBytes > this.buf.length - this.pos) this.corrupt(`${what} of ${formatCount(n)} does not fit in the ${formatCount(this.buf.length - this.pos)} bytes left`);
    return n;
  }

  string(len: number, cached = false): string {
    const start = this.pos;
    this.length(len, 1, 'string length');
    const s = cached ? readUtf8Cached(this.buf, start, start + len) : readUtf8(this.buf, start, start + len);
    if (s === null) this.corrupt('string is not valid UTF-8', start);
    this.pos = start + len;
    return s;
  }

  float(): number {
    if (this.pos + 8 > this.buf.length) this.corrupt('truncated float64');
    const v = this.view.getFloat64(this.pos, true);
    if (!Number.isFinite(v)) this.corrupt(`float64 ${v} is not a datum`);
    this.pos += 8;
    return v;
  }

  read(depth: number): Datum {
    if (this.pos >= this.buf.length) this.corrupt('unexpected end of value');
    const tag = this.buf[this.pos++];
    if (tag < VALUE_TAG.fixstr) return tag;
    if (tag < VALUE_TAG.fixarray) return this.string(tag - VALUE_TAG.fixstr, true);
    if (tag < VALUE_TAG.fixobject) return this.array(tag - VALUE_TAG.fixarray, depth + 1);
    if (tag < VALUE_TAG.null) return this.object(tag - VALUE_TAG.fixobject, depth + 1);
    if (tag >= VALUE_TAG.negFixint) return tag - 0x100;
    switch (tag) {
      case VALUE_TAG.null:
        return null;
      case VALUE_TAG.false:
        return false;
      case VALUE_TAG.true:
        return true;
      case VALUE_TAG.float64:
        return this.float();
      case VALUE_TAG.uint:
        return this.varint();
      case VALUE_TAG.nint:
        return -this.varint() - 1;
      case VALUE_TAG.string:
        return this.string(this.varint());
      case VALUE_TAG.binary: {
        const len = this.length(this.varint(), 1, 'binary length');
        const out = copyBytes(this.buf, this.pos, this.pos + len);
        this.pos += len;
        return out;
      }
      case VALUE_TAG.array:
        return this.array(this.varint(), depth + 1);
      case VALUE_TAG.object:
        return this.object(this.varint(), depth + 1);
      case VALUE_TAG.time:
        return this.time();
      default:
        return this.corrupt(`unknown tag 0x${tag.toString(16)}`, this.pos - 1);
    }
  }

  time(): PhotonTime {
    const at = this.pos;
    const ms = this.float();
    const z = this.varint();
    const offset = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const problem = timeFieldsProblem(ms, offset);
    if (problem !== undefined) this.corrupt(problem, at);
    return new PhotonTime(ms, offset);
  }

  array(count: number, depth: number): Datum[] {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    this.length(count, 1, 'array count');
    const out = new Array<Datum>(count);
    for (let i = 0; i < count; i++) out[i] = this.read(depth);
    return out;
  }

  object(count: number, depth: number): { [k: string]: Datum } {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    this.length(count, 2, 'object count');
    const out: { [k: string]: Datum } = {};
    for (let i = 0; i < count; i++) {
      const at = this.pos;
      const k = this.string(this.varint(), true);
      const v = this.read(depth);
      if (Object.hasOwn(out, k)) this.corrupt(`key ${JSON.stringify(k)} repeats`, at);
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
    }
    return out;
  }

  /** Moves past one value without building it. */
  skip(depth: number): void {
    if (this.pos >= this.buf.length) this.corrupt('unexpected end of value');
    const tag = this.buf[this.pos++];
    if (tag < VALUE_TAG.fixstr || tag >= VALUE_TAG.negFixint || tag === VALUE_TAG.null || tag === VALUE_TAG.false || tag === VALUE_TAG.true) return;
    if (tag < VALUE_TAG.fixarray) return this.skipBytes(tag - VALUE_TAG.fixstr);
    if (tag < VALUE_TAG.fixobject) return this.skipArray(tag - VALUE_TAG.fixarray, depth + 1);
    if (tag < VALUE_TAG.null) return this.skipObject(tag - VALUE_TAG.fixobject, depth + 1);
    switch (tag) {
      case VALUE_TAG.float64:
        return this.skipBytes(8);
      case VALUE_TAG.uint:
      case VALUE_TAG.nint:
        this.varint();
        return;
      case VALUE_TAG.string:
      case VALUE_TAG.binary:
        return this.skipBytes(this.varint());
      case VALUE_TAG.array:
        return this.skipArray(this.varint(), depth + 1);
      case VALUE_TAG.object:
        return this.skipObject(this.varint(), depth + 1);
      case VALUE_TAG.time:
        this.skipBytes(8);
        this.varint();
        return;
      default:
        this.corrupt(`unknown tag 0x${tag.toString(16)}`, this.pos - 1);
    }
  }

  skipBytes(n: number): void {
    this.length(n, 1, 'length');
    this.pos += n;
  }

  skipArray(count: number, depth: number): void {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    this.length(count, 1, 'array count');
    for (let i = 0; i < count; i++) this.skip(depth);
  }

  skipObject(count: number, depth: number): void {
    if (depth > MAX_DEPTH) this.corrupt(`nesting is deeper than ${MAX_DEPTH}`);
    this.length(count, 2, 'object count');
    for (let i = 0; i < count; i++) {
      this.skipBytes(this.varint());
      this.skip(depth);
    }
  }
}

function openReader(bytes: Uint8Array, fn: string): ValueReader {
  if (!(bytes instanceof Uint8Array)) throw new PhotonError('INVALID_ARGUMENT', `${fn} needs a Uint8Array; got ${typeof bytes}`);
  if (bytes.length === 0) throw new PhotonError('CORRUPTION', 'invalid datum value: no bytes', { offset: 0 });
  if (bytes[0] !== VALUE_FORMAT_VERSION) {
    throw new PhotonError('UNSUPPORTED_VERSION', `datum value format version ${bytes[0]} is not supported; this reader knows version ${VALUE_FORMAT_VERSION}`, { offset: 0, actual: bytes[0] });
  }
  return new ValueReader(bytes);
}

/**
 * Decodes bytes made by `encodeValue`. Returns fresh values the caller owns (binary values are
 * copies). Throws `UNSUPPORTED_VERSION` for another format version, `CORRUPTION` (with `offset`)
 * for bytes no datum encodes to. Allocates at most in proportion to `bytes.length`. O(bytes).
 */
export function decodeValue(bytes: Uint8Array): Datum {
  const r = openReader(bytes, 'decodeValue');
  const d = r.read(0);
  if (r.pos !== bytes.length) r.corrupt(`${bytes.length - r.pos} bytes follow the value`);
  return d;
}

const keyEncoder = new TextEncoder();

/**
 * Reads the field `name` of an encoded object without decoding the other fields: returns the
 * field's value, or undefined when the object has no such key. Earlier fields are skipped
 * without allocation; later ones are not read at all (so damage after the field goes unnoticed:
 * use `decodeValue` to validate a whole value). Throws `INVALID_ARGUMENT` when the value is not
 * an object, `UNSUPPORTED_VERSION` / `CORRUPTION` as `decodeValue` does.
 */
export function getField(bytes: Uint8Array, name: string): Datum | undefined {
  const r = openReader(bytes, 'getField');
  if (r.pos >= bytes.length) r.corrupt('unexpected end of value');
  const tag = bytes[r.pos++];
  let count: number;
  if (tag >= VALUE_TAG.fixobject && tag < VALUE_TAG.null) count = tag - VALUE_TAG.fixobject;
  else if (tag === VALUE_TAG.object) count = r.varint();
  else throw new PhotonError('INVALID_ARGUMENT', 'getField needs an encoded object; this value is another type', { offset: 1 });
  r.length(count, 2, 'object count');
  if (typeof name !== 'string') throw new PhotonError('INVALID_ARGUMENT', `getField needs a string name; got ${typeof name}`);
  if (!isWellFormedString(name)) return undefined; // no stored key has a lone surrogate
  const want = keyEncoder.encode(name);
  for (let i = 0; i < count; i++) {
    const len = r.length(r.varint(), 1, 'key length');
    let same = len === want.length;
    for (let j = 0; same && j < len; j++) same = bytes[r.pos + j] === want[j];
    r.pos += len;
    if (same) return r.read(1);
    r.skip(1);
  }
  return undefined;
}
