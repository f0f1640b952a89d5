/**
 * The keys and the values of one in-memory node, packed: every byte string's bytes in one arena
 * and a typed array of (start, length) pairs, instead of one `Uint8Array` object per entry.
 *
 * Why: a binary search over `Uint8Array[]` follows three dependent pointers per probe (array slot,
 * view object, backing store), and in a cache larger than the CPU's the objects of cold nodes are
 * scattered over the heap: at a million keys that made a leaf search ~2.4 µs against ~0.8 µs over
 * packed keys, and the peers benchmark's fillrandom 1.5x slower. Packed entries also cost 8 bytes
 * of index each rather than a ~100-byte view object, so a decoded node takes about the memory of
 * its page and the cache holds more of them.
 *
 * Invariants:
 *  1. Bytes of an arena below `used` never change once written, so a view returned by `at(i)` or
 *     `get(i)` stays valid for ever (a removed entry's bytes become garbage, reclaimed only by
 *     copying the live entries into a new arena, never by overwriting the old one).
 *  2. A list copied by `clone()` shares its arena with the original. The right to append past
 *     `used` passes to the copy (copy-on-write copies are the ones written next) and the original
 *     is marked full, so it and any later copy of it move to a new arena before appending: at
 *     most one list ever writes into a given region of an arena.
 *  3. Keys are not checked for order here; the node operations keep them sorted.
 *  4. A ValueList entry is bytes in the arena, or out of line: an OverflowRef, or a private copy
 *     of a value longer than OUT_OF_LINE_BYTES (not yet written to its overflow chain), kept in a
 *     side array that exists only while the list holds one (the index slot's start is -1).
 *     `lengthAt` is the value's length either way.
 */
import { OverflowRef } from './overflow-ref.js';
import type { LeafValue } from './overflow-ref.js';

/** Copies `length` bytes of `src` from `from` to `dst` at `at`: a loop for short runs, `set` for long ones. */
function copyInto(dst: Uint8Array, at: number, src: Uint8Array, from: number, length: number): void {
  if (length <= 32) for (let j = 0; j < length; j++) dst[at + j] = src[from + j];
  else dst.set(from === 0 && length === src.length ? src : src.subarray(from, from + length), at);
}

/** `copyInto` for short runs through DataViews of the same two arrays: 4-byte words, then the odd bytes. */
function copyWords(dv: DataView, dst: Uint8Array, at: number, sv: DataView, src: Uint8Array, from: number, length: number): void {
  let j = 0;
  for (; j + 4 <= length; j += 4) dv.setInt32(at + j, sv.getInt32(from + j));
  for (; j < length; j++) dst[at + j] = src[from + j];
}

/** Byte strings packed in one arena; the storage shared by KeyList and ValueList. */
abstract class ByteList {
  /** The arena. */
  protected bytes: Uint8Array;
  /** Arena bytes in use (appends go here). */
  protected used: number;
  /** [start0, length0, start1, length1, ...]: 2 * capacity slots, the first 2 * count in use. */
  protected meta: Int32Array;
  protected count: number;

  constructor(bytes: Uint8Array, used: number, meta: Int32Array, count: number) {
    this.bytes = bytes;
    this.used = used;
    this.meta = meta;
    this.count = count;
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  /** Length in bytes of entry `i`. */
  lengthAt(i: number): number {
    return this.meta[2 * i + 1];
  }

  /** Bytes of memory the list's arrays take (the arena, possibly shared with a clone, and the index). */
  memoryBytes(): number {
    return this.bytes.byteLength + this.meta.byteLength;
  }

  /** Sum of the entry lengths. */
  totalBytes(): number {
    let t = 0;
    for (let i = 0; i < this.count; i++) t += this.meta[2 * i + 1];
    return t;
  }

  /** Entry `i`'s bytes as a view of the arena (valid for ever, invariant 1). */
  protected view(i: number): Uint8Array {
    const s = this.meta[2 * i];
    return this.bytes.subarray(s, s + this.meta[2 * i + 1]);
  }

  /** Opens slot `i` (shifting the later ones) and sets it to (start, length). */
  protected openSlot(i: number, start: number, length: number): void {
    if (2 * this.count + 2 > this.meta.length) this.growIndex();
    const m = this.meta;
    if (i < this.count) m.copyWithin(2 * i + 2, 2 * i, 2 * this.count);
    m[2 * i] = start;
    m[2 * i + 1] = length;
    this.count++;
  }

  /** Closes slot `i`. */
  protected closeSlot(i: number): void {
    if (i + 1 < this.count) this.meta.copyWithin(2 * i, 2 * i + 2, 2 * this.count);
    this.count--;
  }

  private growIndex(): void {
    const grown = new Int32Array(Math.max(16, 2 * this.meta.length));
    grown.set(this.meta.subarray(0, 2 * this.count));
    this.meta = grown;
  }

  /** Copies `b` to the end of the arena (moving the live entries to a new one when full). */
  protected append(b: Uint8Array): number {
    return this.appendFrom(b, 0, b.length);
  }

  /** Copies `src[from, from + length)` to the end of the arena; returns where it starts there. */
  protected appendFrom(src: Uint8Array, from: number, length: number): number {
    if (this.used + length > this.bytes.length) this.repack(length);
    const at = this.used;
    copyInto(this.bytes, at, src, from, length);
    this.used = at + length;
    return at;
  }

  /**
   * Appends `src[prefixAt, prefixAt + prefixLen)` followed by `src[suffixAt, suffixAt + suffixLen)`
   * as entry `count` (for decoding a page: the bytes are copied straight from it, with no view).
   */
  protected pushJoinedBytes(src: Uint8Array, prefixAt: number, prefixLen: number, suffixAt: number, suffixLen: number): void {
    const len = prefixLen + suffixLen;
    if (this.used + len > this.bytes.length) this.repack(len);
    const start = this.used;
    copyInto(this.bytes, start, src, prefixAt, prefixLen);
    copyInto(this.bytes, start + prefixLen, src, suffixAt, suffixLen);
    this.used = start + len;
    this.openSlot(this.count, start, len);
  }

  /**
   * Appends entries [from, to) of `src` after the last entry, copying their bytes from its arena
   * (no view per entry); an out-of-line entry (start -1) stays out of line, and its length is kept.
   * The caller keeps the order.
   */
  protected pushRangeOf(src: ByteList, from: number, to: number): void {
    const m = src.meta;
    for (let i = from; i < to; i++) {
      const s = m[2 * i];
      const l = m[2 * i + 1];
      this.openSlot(this.count, s < 0 ? -1 : this.appendFrom(src.bytes, s, l), l);
    }
  }

  /**
   * Moves the entries to a new arena with room for `extra` more bytes and some slack. While at
   * most a quarter of the old arena is garbage (bytes of replaced or removed entries), its used
   * part is copied whole, in one call, and every entry keeps its offset; past that, the live
   * entries are packed one by one and the garbage dropped. (Packing every time cost a copy call
   * per entry on each growth: 25% of random inserts' time in a profile of log replay.)
   */
  private repack(extra: number): void {
    let live = 0;
    const m = this.meta;
    for (let i = 0; i < this.count; i++) if (m[2 * i] >= 0) live += m[2 * i + 1];
    const old = this.bytes;
    const used = this.used;
    const whole = used - live <= used >>> 2;
    // A quarter of slack: dirty leaves are held until a checkpoint, so their slack is memory.
    const need = (whole ? used : live) + extra;
    const bytes = new Uint8Array(Math.max(64, need + Math.max(need >>> 2, 128)));
    if (whole) {
      bytes.set(used === old.length ? old : old.subarray(0, used));
      this.bytes = bytes;
      return;
    }
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const s = m[2 * i];
      if (s < 0) continue;
      const l = m[2 * i + 1];
      copyInto(bytes, at, old, s, l);
      m[2 * i] = at;
      at += l;
    }
    this.bytes = bytes;
    this.used = at;
  }

  /**
   * Entries [from, to) packed into a new arena and index, with slack for a quarter more, or room
   * for `reserveBytes` of entries (and as many more entries, at their average size) when larger.
   */
  protected packed(from: number, to: number, reserveBytes = 0): { bytes: Uint8Array; used: number; meta: Int32Array } {
    const n = to - from;
    let total = 0;
    for (let i = from; i < to; i++) if (this.meta[2 * i] >= 0) total += this.meta[2 * i + 1];
    const room = Math.max(total + (total >>> 2), reserveBytes);
    const slots = reserveBytes > total && total > 0 ? Math.ceil((n * reserveBytes) / total) : n + (n >>> 2);
    const bytes = new Uint8Array(Math.max(16, room));
    const meta = new Int32Array(2 * Math.max(8, slots));
    let at = 0;
    for (let i = 0; i < n; i++) {
      const s = this.meta[2 * (from + i)];
      const l = this.meta[2 * (from + i) + 1];
      meta[2 * i + 1] = l;
      if (s < 0) {
        meta[2 * i] = -1;
        continue;
      }
      copyInto(bytes, at, this.bytes, s, l);
      meta[2 * i] = at;
      at += l;
    }
    return { bytes, used: at, meta };
  }

  /**
   * The arena, the append position and a copy of the index, for a clone that takes over the right
   * to append; this list is marked full (invariant 2). The index copy has room to grow a little.
   */
  protected shared(): { bytes: Uint8Array; used: number; meta: Int32Array } {
    const used = this.used;
    this.used = this.bytes.length;
    const meta = new Int32Array(2 * Math.max(8, this.count + (this.count >>> 2) + 1));
    meta.set(this.meta.subarray(0, 2 * this.count));
    return { bytes: this.bytes, used, meta };
  }
}

/**
 * Carves the index and the arena of a list out of `buffer` at `offset` (a multiple of 4): `slots`
 * entries of index, then `arenaBytes` of arena. Returns the two views and the offset after them.
 * Decoding puts a node's keys and values in one allocation this way.
 */
export function carve(buffer: ArrayBuffer, offset: number, slots: number, arenaBytes: number): { meta: Int32Array; bytes: Uint8Array; end: number } {
  const meta = new Int32Array(buffer, offset, 2 * slots);
  const bytes = new Uint8Array(buffer, offset + 8 * slots, arenaBytes);
  return { meta, bytes, end: offset + 8 * slots + ((arenaBytes + 3) & ~3) };
}

/** Bytes `carve` takes for `slots` entries and `arenaBytes` of arena. */
export function carvedBytes(slots: number, arenaBytes: number): number {
  return 8 * slots + ((arenaBytes + 3) & ~3);
}

/** The sorted keys of one node, packed (see the file comment). Keys compare as unsigned bytes. */
export class KeyList extends ByteList {
  /** An empty list over carved storage (`carve`). */
  static over(meta: Int32Array, bytes: Uint8Array): KeyList {
    return new KeyList(bytes, 0, meta, 0);
  }

  /**
   * The keys of a decoded leaf page, built straight into carved storage (`carve`) sized exactly:
   * key i is `src[prefixAt, +prefixLen)` followed by `src[spans[4i], +spans[4i + 1])`. `bytes`
   * must hold count * prefixLen + the sum of the suffix lengths; it is left full, so the first
   * insert into the list moves its keys to an arena with room (invariant 1 holds either way).
   */
  static joinedFrom(meta: Int32Array, bytes: Uint8Array, src: Uint8Array, prefixAt: number, prefixLen: number, spans: Int32Array, count: number): KeyList {
    // Four bytes at a time through DataViews: 2.4x faster than a byte loop for 16-byte keys.
    const from = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const to = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const suffixAt = spans[4 * i];
      const suffixLen = spans[4 * i + 1];
      meta[2 * i] = at;
      meta[2 * i + 1] = prefixLen + suffixLen;
      copyWords(to, bytes, at, from, src, prefixAt, prefixLen);
      copyWords(to, bytes, at + prefixLen, from, src, suffixAt, suffixLen);
      at += prefixLen + suffixLen;
    }
    return new KeyList(bytes, at, meta, count);
  }

  /** A list of no keys with room for `capacity` (and `arenaBytes` of key bytes) before it grows. */
  static empty(capacity = 8, arenaBytes = 256): KeyList {
    return new KeyList(new Uint8Array(arenaBytes), 0, new Int32Array(2 * Math.max(1, capacity)), 0);
  }

  /** A packed copy of `keys` (which must already be sorted). */
  static from(keys: readonly Uint8Array[]): KeyList {
    let total = 0;
    for (const k of keys) total += k.length;
    const list = KeyList.empty(keys.length, Math.max(16, total));
    for (let i = 0; i < keys.length; i++) list.openSlot(i, list.append(keys[i]), keys[i].length);
    return list;
  }

  /** Key `i` as a view of the arena (valid for ever, invariant 1). Do not modify it. */
  at(i: number): Uint8Array {
    return this.view(i);
  }

  /** Byte `j` of key `i` (j < lengthAt(i)). */
  byteAt(i: number, j: number): number {
    return this.bytes[this.meta[2 * i] + j];
  }

  /** The first difference of `key[0, n)` from key 0's first `n` bytes (negative, 0 or positive); n <= both lengths. */
  compareHead(key: Uint8Array, n: number): number {
    const b = this.bytes;
    const s = this.meta[0];
    for (let j = 0; j < n; j++) {
      const d = key[j] - b[s + j];
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Every key, as views (for cold paths: encoding, verification, tests). */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.view(i);
    return out;
  }

  /**
   * Compares key `i` with `key`, both known to share their first `from` bytes: negative if key i
   * sorts first, 0 if equal, positive if after.
   */
  compareAt(i: number, key: Uint8Array, from = 0): number {
    const b = this.bytes;
    const s = this.meta[2 * i];
    const l = this.meta[2 * i + 1];
    const kl = key.length;
    const n = l < kl ? l : kl;
    for (let j = from; j < n; j++) {
      const d = b[s + j] - key[j];
      if (d !== 0) return d;
    }
    return l - kl;
  }

  /** Compares key `i` with key `j` (negative, 0 or positive, as compareAt); both share their first `from` bytes. */
  compareKeysAt(i: number, j: number, from = 0): number {
    const b = this.bytes;
    const si = this.meta[2 * i];
    const li = this.meta[2 * i + 1];
    const sj = this.meta[2 * j];
    const lj = this.meta[2 * j + 1];
    const n = li < lj ? li : lj;
    for (let k = from; k < n; k++) {
      const d = b[si + k] - b[sj + k];
      if (d !== 0) return d;
    }
    return li - lj;
  }


  /** Index of the first key >= `key` (count when none); every key shares `key`'s first `from` bytes. */
  lowerBound(key: Uint8Array, from = 0): number {
    const b = this.bytes;
    const m = this.meta;
    const kl = key.length;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = m[2 * mid];
      const l = m[2 * mid + 1];
      const n = l < kl ? l : kl;
      let d = 0;
      for (let j = from; j < n; j++) {
        d = b[s + j] - key[j];
        if (d !== 0) break;
      }
      if (d === 0) d = l - kl;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key` (a branch's child index); same precondition as lowerBound. */
  upperBound(key: Uint8Array, from = 0): number {
    const b = this.bytes;
    const m = this.meta;
    const kl = key.length;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = m[2 * mid];
      const l = m[2 * mid + 1];
      const n = l < kl ? l : kl;
      let d = 0;
      for (let j = from; j < n; j++) {
        d = b[s + j] - key[j];
        if (d !== 0) break;
      }
      if (d === 0) d = l - kl;
      if (d <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts `key` (copied) at index `i`, shifting the keys from i on. */
  insert(i: number, key: Uint8Array): void {
    this.openSlot(i, this.append(key), key.length);
  }

  /** Replaces key `i` with `key` (copied). */
  set(i: number, key: Uint8Array): void {
    const at = this.append(key);
    this.meta[2 * i] = at;
    this.meta[2 * i + 1] = key.length;
  }

  /**
   * Appends the key made of `src[prefixAt, +prefixLen)` and `src[suffixAt, +suffixLen)` (copied)
   * after the last key; the caller keeps the order.
   */
  pushJoined(src: Uint8Array, prefixAt: number, prefixLen: number, suffixAt: number, suffixLen: number): void {
    this.pushJoinedBytes(src, prefixAt, prefixLen, suffixAt, suffixLen);
  }

  /** Removes key `i`. */
  removeAt(i: number): void {
    this.closeSlot(i);
  }

  /** Appends keys [from, to) of `src` (copied) after the last key; the caller keeps the order. */
  pushFrom(src: KeyList, from: number, to: number): void {
    this.pushRangeOf(src, from, to);
  }

  /** Removes keys [from, length) and returns them as a new list (with room as `slice`). */
  splitOff(from: number, reserveBytes = 0): KeyList {
    const tail = this.slice(from, this.count, reserveBytes);
    this.count = from;
    return tail;
  }

  /** A packed copy of keys [from, to), with room for `reserveBytes` of keys if given. */
  slice(from = 0, to = this.count, reserveBytes = 0): KeyList {
    const { bytes, used, meta } = this.packed(from, to, reserveBytes);
    return new KeyList(bytes, used, meta, to - from);
  }

  /** A copy for copy-on-write (invariant 2). */
  clone(): KeyList {
    const { bytes, used, meta } = this.shared();
    return new KeyList(bytes, used, meta, this.count);
  }

  /** A packed list of this list's keys followed by `middle` (if any) and then `other`'s keys. */
  concat(other: KeyList, middle?: Uint8Array): KeyList {
    const keys = this.toArray();
    if (middle !== undefined) keys.push(middle);
    for (let i = 0; i < other.count; i++) keys.push(other.view(i));
    return KeyList.from(keys);
  }
}

/** Values longer than this are kept out of the arena (invariant 4), so a large value is never copied twice. */
export const OUT_OF_LINE_BYTES = 1024;

/** The values of one leaf, in key order, packed (see the file comment). */
export class ValueList extends ByteList {
  /** Slot i holds entry i when it is out of line (undefined for arena entries); null when none. */
  private refs: (LeafValue | undefined)[] | null = null;

  /** An empty list over carved storage (`carve`). */
  static over(meta: Int32Array, bytes: Uint8Array): ValueList {
    return new ValueList(bytes, 0, meta, 0);
  }

  /**
   * An empty list over carved storage whose arena is filled at once with `src[from, from +
   * bytes.length)` (a page's entries, copied in one call): its values are then added by where
   * they lie in it (`pushCopied`), with no copy per value. The arena counts as full, so a later
   * append moves the live values to a new one (invariant 1).
   */
  static overCopyOf(meta: Int32Array, bytes: Uint8Array, src: Uint8Array, from: number): ValueList {
    bytes.set(src.subarray(from, from + bytes.length));
    return new ValueList(bytes, bytes.length, meta, 0);
  }

  /**
   * The values of a decoded leaf page: the arena is filled at once with `src[from, from +
   * bytes.length)` as in `overCopyOf`, and value i is `src[spans[4i + 2], +spans[4i + 3])`, each
   * within that range and at most OUT_OF_LINE_BYTES long (the caller checks both).
   */
  static spansOf(meta: Int32Array, bytes: Uint8Array, src: Uint8Array, from: number, spans: Int32Array, count: number): ValueList {
    bytes.set(src.subarray(from, from + bytes.length));
    for (let i = 0; i < count; i++) {
      meta[2 * i] = spans[4 * i + 2] - from;
      meta[2 * i + 1] = spans[4 * i + 3];
    }
    return new ValueList(bytes, bytes.length, meta, count);
  }

  /** A list of no values with room for `capacity` (and `arenaBytes` of value bytes). */
  static empty(capacity = 8, arenaBytes = 512): ValueList {
    return new ValueList(new Uint8Array(arenaBytes), 0, new Int32Array(2 * Math.max(1, capacity)), 0);
  }

  /** A packed copy of `values`. */
  static from(values: readonly LeafValue[]): ValueList {
    let total = 0;
    for (const v of values) if (v instanceof Uint8Array) total += v.length;
    const list = ValueList.empty(values.length, Math.max(16, total));
    for (let i = 0; i < values.length; i++) list.insert(i, values[i]);
    return list;
  }

  /** Entry `i`: its bytes (valid for ever; do not modify them) or its OverflowRef. */
  get(i: number): LeafValue {
    if (this.meta[2 * i] < 0) return (this.refs as LeafValue[])[i];
    return this.view(i);
  }

  /** True when entry `i` is an OverflowRef. */
  isRef(i: number): boolean {
    return this.meta[2 * i] < 0 && (this.refs as LeafValue[])[i] instanceof OverflowRef;
  }

  /** Every value (for cold paths). */
  toArray(): LeafValue[] {
    const out: LeafValue[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.get(i);
    return out;
  }

  /** Inserts `v` at index `i` (bytes are copied). */
  insert(i: number, v: LeafValue): void {
    const outOfLine = outOfLineForm(v);
    if (outOfLine !== undefined) {
      this.openSlot(i, -1, outOfLine instanceof OverflowRef ? outOfLine.lengthBytes : outOfLine.length);
      this.refs ??= new Array<LeafValue | undefined>(this.count - 1).fill(undefined);
      this.refs.splice(i, 0, outOfLine);
      return;
    }
    const bytes = v as Uint8Array;
    this.openSlot(i, this.append(bytes), bytes.length);
    this.refs?.splice(i, 0, undefined);
  }

  /** Replaces entry `i` with `v` (bytes are copied). */
  set(i: number, v: LeafValue): void {
    const outOfLine = outOfLineForm(v);
    if (outOfLine !== undefined) {
      this.refs ??= new Array<LeafValue | undefined>(this.count).fill(undefined);
      this.refs[i] = outOfLine;
      this.meta[2 * i] = -1;
      this.meta[2 * i + 1] = outOfLine instanceof OverflowRef ? outOfLine.lengthBytes : outOfLine.length;
      return;
    }
    const bytes = v as Uint8Array;
    const at = this.append(bytes);
    this.meta[2 * i] = at;
    this.meta[2 * i + 1] = bytes.length;
    if (this.refs !== null) this.refs[i] = undefined;
  }

  /** Appends the value at arena offset `at` (see `overCopyOf`) after the last entry (for decoding). */
  pushCopied(at: number, length: number): void {
    if (length > OUT_OF_LINE_BYTES) {
      this.insert(this.count, this.bytes.subarray(at, at + length));
      return;
    }
    this.openSlot(this.count, at, length);
    this.refs?.push(undefined);
  }

  /** Removes entry `i`. */
  removeAt(i: number): void {
    this.closeSlot(i);
    this.refs?.splice(i, 1);
  }

  /**
   * Appends entries [from, to) of `src` after the last entry: arena bytes are copied, out-of-line
   * entries (OverflowRefs, long values not yet written) are moved by reference.
   */
  pushFrom(src: ValueList, from: number, to: number): void {
    const start = this.count;
    this.pushRangeOf(src, from, to);
    if (src.refs === null && this.refs === null) return;
    const refs = (this.refs ??= new Array<LeafValue | undefined>(start).fill(undefined));
    for (let i = from; i < to; i++) refs.push(src.refs === null ? undefined : src.refs[i]);
  }

  /** Removes entries [from, length) and returns them as a new list (with room as `slice`). */
  splitOff(from: number, reserveBytes = 0): ValueList {
    const tail = this.slice(from, this.count, reserveBytes);
    this.count = from;
    this.refs?.splice(from);
    return tail;
  }

  /** A packed copy of entries [from, to), with room for `reserveBytes` of values if given. */
  slice(from = 0, to = this.count, reserveBytes = 0): ValueList {
    const { bytes, used, meta } = this.packed(from, to, reserveBytes);
    const out = new ValueList(bytes, used, meta, to - from);
    if (this.refs !== null) out.refs = this.refs.slice(from, to);
    return out;
  }

  /** A copy for copy-on-write (invariant 2). */
  clone(): ValueList {
    const { bytes, used, meta } = this.shared();
    const out = new ValueList(bytes, used, meta, this.count);
    if (this.refs !== null) out.refs = this.refs.slice(0, this.count);
    return out;
  }

  /** A packed list of this list's values followed by `other`'s. */
  concat(other: ValueList): ValueList {
    return ValueList.from([...this.toArray(), ...other.toArray()]);
  }
}

/** How `v` is kept out of line (invariant 4): itself for an OverflowRef, a copy for a long value. */
function outOfLineForm(v: LeafValue): LeafValue | undefined {
  if (v instanceof OverflowRef) return v;
  // Uint8Array's slice copies (Buffer's would be a view).
  return v.length > OUT_OF_LINE_BYTES ? Uint8Array.prototype.slice.call(v) : undefined;
}
