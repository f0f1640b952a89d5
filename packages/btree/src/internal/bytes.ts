/**
 * Little byte writer and bounds-checked reader with LEB128 varints, used by format.ts.
 *
 * The reader never trusts its input: every length is checked against the bytes that remain
 * before anything is allocated, and a failure calls the owner's `fail` (which throws a
 * CORRUPTION PhotonError naming the structure). It does not know any format.
 */

/** Bytes a varint of `n` takes (n a non-negative safe integer). */
export function varintBytes(n: number): number {
  let bytes = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
}

/** Writes the LEB128 varint of `n` (a non-negative safe integer) at `at`; returns the offset after it. */
export function putVarint(target: Uint8Array, at: number, n: number): number {
  while (n >= 128) {
    target[at++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  target[at++] = n;
  return at;
}

/** Writes `v` (0 .. 2^24 - 1) as 3 little-endian bytes at `at`; returns the offset after it. */
export function putU24(target: Uint8Array, at: number, v: number): number {
  target[at] = v & 0xff;
  target[at + 1] = (v >>> 8) & 0xff;
  target[at + 2] = (v >>> 16) & 0xff;
  return at + 3;
}

/** The most bytes a varint of a safe integer (< 2^53) takes. */
export const MAX_VARINT_BYTES = 8;

/** A growable byte buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf[this.length++] = v & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
  }

  u24(v: number): void {
    this.ensure(3);
    this.length = putU24(this.buf, this.length, v);
  }

  u32(v: number): void {
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.buf[this.length++] = (v >>> (8 * i)) & 0xff;
  }

  varint(n: number): void {
    this.ensure(MAX_VARINT_BYTES);
    this.length = putVarint(this.buf, this.length, n);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** The bytes written: the writer's buffer itself when full, else a view of it. Write no more after. */
  finish(): Uint8Array {
    return this.length === this.buf.length ? this.buf : this.buf.subarray(0, this.length);
  }
}

/** A bounds-checked reader; `fail(what)` must throw. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  private readonly fail: (what: string, offset: number) => never;

  constructor(buf: Uint8Array, fail: (what: string, offset: number) => never, pos = 0) {
    this.buf = buf;
    this.pos = pos;
    this.fail = fail;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) this.fail(`${what} runs past the end (${n} bytes needed, ${this.remaining} left)`, this.pos);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf[this.pos] | (this.buf[this.pos + 1] << 8);
    this.pos += 2;
    return v;
  }

  u24(what: string): number {
    this.need(3, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 3;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
  }

  varint(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.u8(what);
      result += (byte & 127) * scale;
      if (byte < 128) {
        if (i > 0 && byte === 0) this.fail(`${what} is a non-minimal varint`, this.pos - 1);
        if (!Number.isSafeInteger(result)) this.fail(`${what} is beyond 2^53`, this.pos - 1);
        return result;
      }
      scale *= 128;
    }
    return this.fail(`${what} is a varint longer than ${MAX_VARINT_BYTES} bytes`, this.pos);
  }

  /** Steps over the next `n` bytes, checking that they are there; returns where they start. */
  skip(n: number, what: string): number {
    this.need(n, what);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }

  /** A view (not a copy) of the next `n` bytes. */
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
