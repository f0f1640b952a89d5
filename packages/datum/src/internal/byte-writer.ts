/**
 * A growable output buffer shared by the encoders. One module-level writer is reused across
 * calls (the encoders are synchronous), so a typical encode allocates only its result; a
 * re-entrant call (a getter that encodes) gets a private writer. Not API.
 */
import { PhotonError, formatCount } from '@photondb/contracts';

const INITIAL_BYTES = 8192;
/** A shared buffer that grew past this is dropped after use, so one huge value is not kept. */
const KEEP_BYTES = 1 << 20;

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /** Encoded size above which `ensure` throws TOO_LARGE. */
  limit = Infinity;
  /** What the limit is called in the error message. */
  limitName = '';

  constructor(size = INITIAL_BYTES) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(min: number): void {
    if (min > this.limit + 16 && this.pos > this.limit) {
      throw new PhotonError('TOO_LARGE', `encoded datum exceeds ${formatCount(this.limit)} bytes (${this.limitName})`, { limit: this.limit, actual: this.pos });
    }
    const size = Math.max(min, this.buf.length * 2);
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A copy of the bytes written; the caller owns it. */
  finish(): Uint8Array {
    if (this.pos > this.limit) {
      throw new PhotonError('TOO_LARGE', `encoded datum is ${formatCount(this.pos)} bytes; at most ${formatCount(this.limit)} are allowed (${this.limitName})`, { limit: this.limit, actual: this.pos });
    }
    return this.buf.slice(0, this.pos);
  }
}

let shared: ByteWriter | undefined;
let sharedBusy = false;

/** The shared writer, reset, or a fresh one when it is in use. Pair with `releaseWriter`. */
export function acquireWriter(limit: number, limitName: string): ByteWriter {
  let w: ByteWriter;
  if (sharedBusy) w = new ByteWriter(256);
  else {
    sharedBusy = true;
    w = shared ??= new ByteWriter();
    w.pos = 0;
  }
  w.limit = limit;
  w.limitName = limitName;
  return w;
}

/** Returns a writer from `acquireWriter`. */
export function releaseWriter(w: ByteWriter): void {
  if (w !== shared) return;
  sharedBusy = false;
  if (w.buf.length > KEEP_BYTES) shared = undefined;
}
