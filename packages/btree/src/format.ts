/**
 * Every byte structure of @photondb/btree: node pages, overflow pages, the catalog descriptor and
 * the logical redo payload. Little-endian; varints are unsigned LEB128, minimal, at most 8 bytes
 * and below 2^53. Readers check every length before using it and throw CORRUPTION (naming the
 * page) on anything malformed; they never assert.
 *
 * Node page, format v2 (the page store's payload; the store adds its own header and checksum):
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     1  kind       4 = leaf, 5 = branch (v1 pages: 1 = leaf, 2 = branch; below)
 *        1     1  level      0 for a leaf; 1..MAX_LEVEL for a branch (1 = parent of leaves)
 *        2     2  count      u16: entries (leaf) or separators (branch, >= 1)
 *        4     3  stamp      u24 write stamp, 1 .. 2^21 - 1 (below)
 *        7     v  prefixLen  varint: bytes shared by every key of the node (prefix compression)
 *        .     p  prefix     those bytes
 *   leaf, count times:
 *        .     v  suffixLen  varint; the key is prefix + suffix
 *        .     s  suffix
 *        .     1  tag        0 = inline value, 1 = overflow value
 *        .     v  valueLen   varint: the value's length in bytes
 *        .     n  value      inline: the value bytes
 *        .     v  firstPage  overflow: varint page id of the chain's first overflow page,
 *        .     3  chainStamp   then the u24 stamp every page of that chain carries
 *   branch: varint child0, u24 stamp0, then count times
 *           { varint suffixLen, suffix, varint child, u24 childStamp }.
 *
 * Keys are strictly ascending; branch separators are truncated to the shortest key that
 * separates the two neighbours (child i holds keys k with sep[i-1] <= k < sep[i]). A value is
 * inline iff keyLen + valueLen <= inline limit (a quarter of the page payload), so an inline
 * flag that disagrees is corruption. Page ids are below 2^32. Valid iff (1) kind and level
 * agree, (2) every length fits, (3) keys strictly ascend, (4) the entries end exactly at the
 * payload's end, (5) the stamp is nonzero and below 2^21, and so is every child and chain stamp.
 *
 * Write stamps detect lost and misdirected writes, which no page checksum can: a page holding an
 * older, valid version of itself. Every node and overflow chain write draws a fresh random stamp
 * (1 .. 2^21 - 1), stored in the page and in the reference to it (the parent's entry, the
 * leaf's overflow entry, the descriptor's root and held list). Pages are written only to freshly
 * allocated ids (copy on write), so a page whose stamp differs from its reference's is a stale
 * version, read as CORRUPTION naming both stamps; a stale page goes unnoticed only when its
 * stamp happens to be equal (1 in 2^21). Stamp 0 in a reference means "not recorded" (a v1 parent
 * or an older descriptor): any stamp, or a v1 page, is accepted there.
 *
 * Node page, format v1 (still read; never written): kinds 1 (leaf) and 2 (branch), no stamp
 * field (prefixLen at offset 4), no chainStamp after an overflow entry's firstPage, and a branch
 * is varint child0 then count times { varint suffixLen, suffix, varint child }.
 *
 * Overflow page, format v2: a value too large to be inline is split over a chain of pages.
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     1  kind       6 = overflow (v1: 3, with bytes 1..3 zero and no stamp)
 *        1     3  stamp      u24: the chain's stamp, the same on each of its pages
 *        4     4  nextLo     low 32 bits of (next page id + 1); 0 = last page of the chain
 *        8     4  nextHi     high bits of the same
 *       12     n  data       this page's part of the value (payload length - 12 bytes)
 *
 * Catalog descriptor, format v4: the value of the tree's catalog entry in the page store.
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     4  magic      "PBT1" (50 42 54 31)
 *        4     1  version    4; versions 1 to 3 are still read (below); any other is CORRUPTION
 *        5     v  root       varint page id of the root node
 *        .     3  rootStamp  u24: the root page's write stamp (1 .. 2^21 - 1), or 0 for a root
 *                            page still in format v1 (not stamped; not checked)
 *        .     v  height     varint: levels, 1 for a lone leaf root
 *        .     v  entries    varint: number of key/value pairs
 *        .     1  flags      bit 0: the page counts follow; other bits zero
 *        .     v  leaves     varint, only with flag bit 0: leaf pages of the tree
 *        .     v  branches   varint, likewise: branch pages
 *        .     v  overflows  varint, likewise: overflow pages of its values (not the held list's)
 *        .     v  heldBytes  varint: length of the held list; 0 = none
 *        .     v  heldFirst  varint, only when heldBytes > 0: first page of the overflow chain
 *                            (format above) holding the held list
 *        .     3  heldStamp  u24, only when heldBytes > 0: that chain's stamp
 *
 * Older versions, read with every stamp taken as 0 (not recorded): v3 (before write stamps) is
 * magic, version, root, height, entries, leaves, branches, overflows, a zero flags byte,
 * heldBytes, heldFirst; v2 the same without the three counts; v1 ends after `entries`.
 * Without counts, `BTree` counts the pages once, at its first `stats()` or `verify()`; until
 * then its flushes write v4 without them (flag bit 0 clear), so an upgrade never walks a tree
 * unasked. Valid iff height is 1..61, leaves >= 1, branches < leaves, stamps are below 2^21
 * (the held list's nonzero), and nothing follows the last field.
 *
 * Held list: varint count, then count varint page ids: pages the tree no longer uses that were
 * not yet freed because a snapshot could still read them when the descriptor was written. No
 * snapshot survives a restart, so `BTree.open` frees them (and the list's own chain) at its first
 * flush, in the same checkpoint as the descriptor that no longer lists them.
 *
 * Logical redo payload, format v1 (stored by the engine in its log; idempotent on replay):
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     1  version    1
 *        1     v  count      varint: operations
 *   count times:
 *        .     1  type       1 = put, 2 = delete
 *        .     v  keyLen     varint, then the key
 *        .     v  valueLen   put only: varint, then the value
 *
 * Valid iff the operations end exactly at the payload's end. Pinned by format.test.ts (golden
 * bytes of every structure, v1 nodes and v1-v3 descriptors included).
 */
import { PhotonError, copyBytes } from '@photondb/contracts';
import { compareKeys } from './compare.js';
import { ByteReader, ByteWriter, MAX_VARINT_BYTES, putVarint, varintBytes } from './internal/bytes.js';
import { KeyList, OUT_OF_LINE_BYTES, ValueList, carve, carvedBytes } from './keys.js';
import { NODE_BASE_BYTES, OVERFLOW_HEADER_BYTES, OverflowRef, STAMP_LIMIT, childRef, makeBranch, makeLeaf, refPageId, refStamp, sharedPrefix, fitsPage } from './node.js';
import type { Child, LeafNode, LeafValue, Layout, TreeNode } from './node.js';

/** Node kind byte of a leaf page (node format v2). */
export const KIND_LEAF = 4;
/** Node kind byte of a branch page (node format v2). */
export const KIND_BRANCH = 5;
/** Kind byte of an overflow page (format v2). */
export const KIND_OVERFLOW = 6;
/** Kind bytes of the v1 formats, read but no longer written. */
export const KIND_LEAF_V1 = 1;
export const KIND_BRANCH_V1 = 2;
export const KIND_OVERFLOW_V1 = 3;
/** Deepest branch level a page may claim (a tree of 2^60 entries is far shallower). */
export const MAX_LEVEL = 60;
export { OVERFLOW_HEADER_BYTES };
/** Catalog descriptor magic, "PBT1". */
export const DESCRIPTOR_MAGIC = Uint8Array.of(0x50, 0x42, 0x54, 0x31);
/** Catalog descriptor format version written. */
export const DESCRIPTOR_VERSION = 4;
/** Descriptor v4 flag: the page counts follow. */
const FLAG_COUNTS = 1;

/** Redo payload format version. */
export const REDO_VERSION = 1;
const REDO_PUT = 1;
const REDO_DELETE = 2;
const TAG_INLINE = 0;
const TAG_OVERFLOW = 1;

/** One write of a batch. */
export type BatchOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: Uint8Array };

function corrupt(what: string, pageId?: number): never {
  throw new PhotonError('CORRUPTION', what, pageId === undefined ? {} : { pageId });
}

function checkStamp(stamp: number): number {
  if (!Number.isInteger(stamp) || stamp < 1 || stamp >= STAMP_LIMIT) throw new PhotonError('INTERNAL', `internal invariant failed: write stamp ${stamp} is not in 1..${STAMP_LIMIT - 1}`);
  return stamp;
}

/**
 * Encodes a node as format v2 with write stamp `stamp`. Leaf values must already be inline-sized
 * bytes or OverflowRefs (the pager writes overflow chains first); children must be references.
 */
export function encodeNode(node: TreeNode, stamp: number): Uint8Array {
  const w = new ByteWriter(node.sizeBytes);
  const keys = node.keys;
  // Sorted keys: the first and last share what every key shares. A lone key is not compressed.
  const p = sharedPrefix(keys);
  w.u8(node.kind === 'leaf' ? KIND_LEAF : KIND_BRANCH);
  w.u8(node.level);
  w.u16(keys.length);
  w.u24(checkStamp(stamp));
  w.varint(p);
  if (p > 0) w.bytes(keys.at(0).subarray(0, p));
  if (node.kind === 'leaf') {
    for (let i = 0; i < keys.length; i++) {
      const k = keys.at(i);
      w.varint(k.length - p);
      w.bytes(k.subarray(p));
      writeValue(w, node.values.get(i));
    }
  } else {
    writeChild(w, node.children[0]);
    for (let i = 0; i < keys.length; i++) {
      const k = keys.at(i);
      w.varint(k.length - p);
      w.bytes(k.subarray(p));
      writeChild(w, node.children[i + 1]);
    }
  }
  return w.finish();
}

function writeChild(w: ByteWriter, c: Child): void {
  const ref = typeof c === 'number' ? c : c.pageId === null ? null : childRef(c.pageId, c.stamp);
  if (ref === null) throw new PhotonError('INTERNAL', 'internal invariant failed: encoding a branch with a dirty child');
  w.varint(refPageId(ref));
  w.u24(refStamp(ref));
}

function writeValue(w: ByteWriter, v: LeafValue): void {
  if (v instanceof Uint8Array) {
    w.u8(TAG_INLINE);
    w.varint(v.length);
    w.bytes(v);
  } else {
    w.u8(TAG_OVERFLOW);
    w.varint(v.lengthBytes);
    w.varint(v.firstPageId);
    w.u24(v.stamp);
  }
}

/** The reference's stamp against the page's: CORRUPTION when the page is not the version referred to. */
function staleCheck(expected: number, found: number, pageId: number, what: string): void {
  if (expected !== 0 && found !== expected) {
    corrupt(
      `B-tree ${what} page ${pageId} is a stale or misplaced version: it carries write stamp ${found === 0 ? 'none (format v1)' : found}, its reference expects ${expected} (a lost or misdirected write)`,
      pageId,
    );
  }
}

/**
 * Decodes a node page (format v2, or v1) into a clean node (pageId and stamp set, epoch 0). Keys
 * (with the prefix put back) and inline values are copied into the node's packed lists
 * (keys.ts); nothing refers to `payload` afterwards. `expectedStamp` is the reference's stamp
 * (0 = not recorded). Throws CORRUPTION, also for a page that is not the version referred to.
 */
export function decodeNode(payload: Uint8Array, pageId: number, layout: Layout, expectedStamp = 0): TreeNode {
  return decodeNodeBy(payload, pageId, layout, expectedStamp, 'auto') as TreeNode;
}

/**
 * `decodeNode` by one path, for tests: 'auto' (as decodeNode), 'general' (never the quick path
 * for leaves), or 'quick' (the quick path only: undefined where it declines).
 */
export function decodeNodeBy(payload: Uint8Array, pageId: number, layout: Layout, expectedStamp: number, path: 'auto' | 'general' | 'quick'): TreeNode | undefined {
  const fail = (what: string, offset: number): never => corrupt(`B-tree page ${pageId}: ${what} (offset ${offset})`, pageId);
  const r = new ByteReader(payload, fail);
  const code = r.u8('kind');
  const level = r.u8('level');
  const count = r.u16('count');
  const v2 = code === KIND_LEAF || code === KIND_BRANCH;
  if (!v2 && code !== KIND_LEAF_V1 && code !== KIND_BRANCH_V1) fail(`unknown node kind ${code}`, 0);
  const isLeaf = code === KIND_LEAF || code === KIND_LEAF_V1;
  if (isLeaf !== (level === 0) || level > MAX_LEVEL) fail(`kind ${code} with level ${level}`, 1);
  if (!isLeaf && count === 0) fail('branch with no separator', 2);
  const stamp = v2 ? r.u24('stamp') : 0;
  if (v2 && (stamp === 0 || stamp >= STAMP_LIMIT)) fail(`write stamp ${stamp} is not in 1..${STAMP_LIMIT - 1}`, 4);
  staleCheck(expectedStamp, stamp, pageId, isLeaf ? 'leaf' : 'branch');
  const p = r.varint('prefix length');
  const prefixAt = r.skip(p, 'prefix');
  if (path !== 'general') {
    const leaf = code === KIND_LEAF ? decodeLeafQuickly(payload, pageId, layout, count, stamp, prefixAt, p) : undefined;
    if (leaf !== undefined || path === 'quick') return leaf;
  }
  // Keys (prefix put back) and values are packed into lists (keys.ts) carved out of one buffer:
  // one allocation per node. The key arena is sized for keys of the prefix plus 16 bytes (it
  // grows if they are longer); value bytes are at most what remains of the page.
  const keyArena = Math.min(count * (p + 16), count * p + r.remaining) + 16;
  const slots = Math.max(1, count);
  const valueArena = isLeaf ? r.remaining : 0;
  const buffer = new ArrayBuffer(carvedBytes(slots, keyArena) + (isLeaf ? carvedBytes(slots, valueArena) : 0));
  const k = carve(buffer, 0, slots, keyArena);
  const keys = KeyList.over(k.meta, k.bytes);
  const readKey = (i: number): void => {
    const s = r.varint('key length');
    keys.pushJoined(payload, prefixAt, p, r.skip(s, 'key'), s);
    if (i > 0 && keys.compareKeysAt(i - 1, i, p) >= 0) fail(`key ${i} is not above key ${i - 1}`, r.pos);
  };
  let node: TreeNode;
  if (isLeaf) {
    // The value arena is a copy of the page from the first entry on, made in one call: each
    // value is then indexed where it lies in it (`pushCopied`), with no copy of its own.
    const v = carve(buffer, k.end, slots, valueArena);
    const base = r.pos;
    const values = ValueList.overCopyOf(v.meta, v.bytes, payload, base);
    for (let i = 0; i < count; i++) {
      readKey(i);
      const v = readValue(r, keys.lengthAt(i), layout, fail, v2);
      if (typeof v === 'number') values.pushCopied(v - base, r.pos - v);
      else values.insert(i, v);
    }
    node = makeLeaf(layout, keys, values, 0, pageId);
  } else {
    const children: Child[] = new Array(count + 1);
    children[0] = readChild(r, v2, fail);
    for (let i = 0; i < count; i++) {
      readKey(i);
      children[i + 1] = readChild(r, v2, fail);
    }
    node = makeBranch(level, keys, children, 0, pageId);
  }
  node.stamp = stamp;
  if (r.remaining !== 0) fail(`${r.remaining} bytes after the last entry`, r.pos);
  if (!fitsPage(layout, node)) fail(`node of ${node.sizeBytes} logical bytes exceeds ${layout.capacityBytes}`, 0);
  return node;
}

/** Per entry of the leaf being decoded: suffix offset, suffix length, value offset, value length. */
let spans = new Int32Array(4 * 512);
/** Where the last `varintAt` ended. */
let varintEnd = 0;

/** The varint at `at` if it is well formed (minimal, at most 8 bytes, below `end`), else -1; its end in `varintEnd`. */
function varintAt(b: Uint8Array, at: number, end: number): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && at < end; i++) {
    const byte = b[at++];
    result += (byte & 127) * scale;
    if (byte < 128) {
      if (i > 0 && byte === 0) return -1;
      varintEnd = at;
      return result;
    }
    scale *= 128;
  }
  return -1;
}

/**
 * The usual case of `decodeNode` in two passes with no per-entry calls: a format-v2 leaf whose
 * values are all inline and at most OUT_OF_LINE_BYTES long. The first pass walks the entries and
 * checks what decodeNode checks (every length within the page, keys strictly ascending, the
 * inline limit, entries ending at the payload's end) while noting where each key suffix and value
 * lies; the second sizes one buffer exactly and fills the key and value lists from the page.
 * Returns undefined, having built nothing, when the page is anything else or breaks a rule: the
 * general decoder then decodes it, or names what is wrong.
 * (Measured on a 1M-key tree of packed 8 KiB leaves: 12-16 us a leaf through the general path,
 * where a cache miss costs ~9 us in all; the key arena was also sized for 16-byte suffixes.)
 */
function decodeLeafQuickly(payload: Uint8Array, pageId: number, layout: Layout, count: number, stamp: number, prefixAt: number, p: number): LeafNode | undefined {
  const end = payload.length;
  let pos = prefixAt + p;
  const base = pos;
  if (spans.length < 4 * count) spans = new Int32Array(4 * count);
  const sp = spans;
  const limit = layout.inlineLimitBytes;
  let suffixBytes = 0;
  let size = NODE_BASE_BYTES;
  for (let i = 0; i < count; i++) {
    const s = varintAt(payload, pos, end);
    if (s < 0) return undefined;
    const sAt = varintEnd;
    pos = sAt + s;
    if (pos >= end || payload[pos] !== TAG_INLINE) return undefined;
    const v = varintAt(payload, pos + 1, end);
    if (v < 0) return undefined;
    const vAt = varintEnd;
    pos = vAt + v;
    const keyBytes = p + s;
    if (pos > end || keyBytes + v > limit || v > OUT_OF_LINE_BYTES) return undefined;
    if (i > 0) {
      // Keys share the prefix: order is the order of the suffixes.
      const prevAt = sp[4 * i - 4];
      const prevLen = sp[4 * i - 3];
      const n = prevLen < s ? prevLen : s;
      let c = 0;
      for (let j = 0; j < n; j++) {
        c = payload[prevAt + j] - payload[sAt + j];
        if (c !== 0) break;
      }
      if ((c === 0 ? prevLen - s : c) >= 0) return undefined;
    }
    sp[4 * i] = sAt;
    sp[4 * i + 1] = s;
    sp[4 * i + 2] = vAt;
    sp[4 * i + 3] = v;
    suffixBytes += s;
    size += varintBytes(keyBytes) + keyBytes + 1 + varintBytes(v) + v;
  }
  if (pos !== end) return undefined;
  const slots = count > 0 ? count : 1;
  const keyArena = count * p + suffixBytes;
  const valueArena = end - base;
  const buffer = new ArrayBuffer(carvedBytes(slots, keyArena) + carvedBytes(slots, valueArena));
  const k = carve(buffer, 0, slots, keyArena);
  const keys = KeyList.joinedFrom(k.meta, k.bytes, payload, prefixAt, p, sp, count);
  const va = carve(buffer, k.end, slots, valueArena);
  const values = ValueList.spansOf(va.meta, va.bytes, payload, base, sp, count);
  const node: LeafNode = { kind: 'leaf', level: 0, keys, values, sizeBytes: size, epoch: 0, pageId, stamp, prefixLen: sharedPrefix(keys) };
  if (!fitsPage(layout, node)) return undefined;
  return node;
}

/**
 * Looks `key` up in a leaf page's payload without decoding the node: walks the entries in place,
 * comparing the shared prefix once and then each suffix, and stops at the first key above `key`.
 * Returns the value slot (an inline value is a view of `payload`: copy it before the page is
 * released), undefined when the key is absent, or null when the payload is not a leaf (the
 * caller then decodes it the usual way, with every check). Bounds are checked (CORRUPTION);
 * key order is trusted here and checked by decoding and by `verify()`.
 */
export function searchLeafPayload(payload: Uint8Array, key: Uint8Array, pageId: number, layout: Layout, expectedStamp = 0): LeafValue | undefined | null {
  const code = payload.length < 8 ? 0 : payload[0];
  const v2 = code === KIND_LEAF;
  if (!v2 && code !== KIND_LEAF_V1) return null;
  const fail = (what: string, offset: number): never => corrupt(`B-tree page ${pageId}: ${what} (offset ${offset})`, pageId);
  const r = new ByteReader(payload, fail);
  r.u8('kind');
  if (r.u8('level') !== 0) return null;
  const count = r.u16('count');
  const stamp = v2 ? r.u24('stamp') : 0;
  if (v2 && (stamp === 0 || stamp >= STAMP_LIMIT)) return null; // decoding reports it
  staleCheck(expectedStamp, stamp, pageId, 'leaf');
  const p = r.varint('prefix length');
  const prefixAt = r.skip(p, 'prefix');
  // Where the key stands against the prefix every key of the page starts with. Keys and values
  // are compared and stepped over in place: a view is made only of the value returned.
  const n = key.length < p ? key.length : p;
  for (let i = 0; i < n; i++) {
    if (key[i] !== payload[prefixAt + i]) return undefined; // below or above every key of the page
  }
  if (key.length < p) return undefined;
  const rest = key.length - p;
  for (let e = 0; e < count; e++) {
    const s = r.varint('key length');
    const at = r.skip(s, 'key');
    const m = s < rest ? s : rest;
    let c = 0;
    for (let i = 0; i < m; i++) {
      c = payload[at + i] - key[p + i];
      if (c !== 0) break;
    }
    if (c === 0) c = s - rest;
    if (c > 0) return undefined;
    const v = readValue(r, p + s, layout, fail, v2);
    if (c === 0) return typeof v === 'number' ? payload.subarray(v, r.pos) : v;
  }
  return undefined;
}

/** A child reference: page id (below 2^32) and, in v2, its stamp (v1: 0, not recorded). */
function readChild(r: ByteReader, v2: boolean, fail: (what: string, offset: number) => never): number {
  const pageId = r.varint('child');
  if (pageId >= 0x100000000) fail(`child page id ${pageId} is beyond 2^32`, r.pos);
  return childRef(pageId, v2 ? readStamp(r, 'child stamp', fail) : 0);
}

function readStamp(r: ByteReader, what: string, fail: (what: string, offset: number) => never): number {
  const stamp = r.u24(what);
  if (stamp === 0 || stamp >= STAMP_LIMIT) fail(`${what} ${stamp} is not in 1..${STAMP_LIMIT - 1}`, r.pos - 3);
  return stamp;
}

/**
 * Reads one value with every check and makes nothing of it: an inline value's start offset (its
 * bytes end where the reader now stands), or an OverflowRef. Decoding copies the bytes from the
 * page and a leaf probe steps over them, so neither makes a view per entry.
 */
function readValue(r: ByteReader, keyBytes: number, layout: Layout, fail: (what: string, offset: number) => never, v2: boolean): number | OverflowRef {
  const tag = r.u8('value tag');
  const length = r.varint('value length');
  const overflow = keyBytes + length > layout.inlineLimitBytes;
  if (tag === TAG_INLINE) {
    if (overflow) fail(`inline value of ${length} bytes is above the inline limit`, r.pos);
    return r.skip(length, 'value');
  }
  if (tag !== TAG_OVERFLOW) fail(`unknown value tag ${tag}`, r.pos - 1);
  if (!overflow || length > layout.maxValueBytes) fail(`overflow value of ${length} bytes is out of range`, r.pos);
  const first = r.varint('overflow page');
  const stamp = v2 ? readStamp(r, 'overflow chain stamp', fail) : 0;
  return new OverflowRef(first, length, stamp);
}

/** Encodes one overflow page (v2): `next` is the next page id or -1 at the end of the chain. */
export function encodeOverflowPage(next: number, data: Uint8Array, stamp: number): Uint8Array {
  const out = new Uint8Array(OVERFLOW_HEADER_BYTES + data.length);
  out[0] = KIND_OVERFLOW;
  checkStamp(stamp);
  out[1] = stamp & 0xff;
  out[2] = (stamp >>> 8) & 0xff;
  out[3] = (stamp >>> 16) & 0xff;
  const n = next + 1;
  const view = new DataView(out.buffer);
  view.setUint32(4, n % 0x100000000, true);
  view.setUint32(8, Math.floor(n / 0x100000000), true);
  out.set(data, OVERFLOW_HEADER_BYTES);
  return out;
}

/**
 * Decodes one overflow page (v2, or v1): the next page id (-1 at the end) and a view of its data.
 * `expectedStamp` is the chain's stamp from its reference (0 = not recorded). Throws CORRUPTION.
 */
export function decodeOverflowPage(payload: Uint8Array, pageId: number, expectedStamp = 0): { next: number; data: Uint8Array } {
  const code = payload.length <= OVERFLOW_HEADER_BYTES ? 0 : payload[0];
  const stamp = code === KIND_OVERFLOW ? payload[1] | (payload[2] << 8) | (payload[3] << 16) : 0;
  const bad = code === KIND_OVERFLOW ? stamp === 0 || stamp >= STAMP_LIMIT : code !== KIND_OVERFLOW_V1 || (payload[1] | payload[2] | payload[3]) !== 0;
  if (bad) corrupt(`overflow page ${pageId}: bad header (kind ${payload[0]}, ${payload.length} bytes)`, pageId);
  staleCheck(expectedStamp, stamp, pageId, 'overflow');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const n = view.getUint32(4, true) + view.getUint32(8, true) * 0x100000000;
  if (!Number.isSafeInteger(n)) corrupt(`overflow page ${pageId}: next page id beyond 2^53`, pageId);
  return { next: n - 1, data: payload.subarray(OVERFLOW_HEADER_BYTES) };
}

/** The tree's catalog descriptor. */
export interface Descriptor {
  readonly rootPageId: number;
  /** The root page's write stamp (v4; 0 when read from v1 to v3: not checked). */
  readonly rootStamp: number;
  readonly height: number;
  readonly entries: number;
  /** Pages of the tree by kind (descriptor v3; absent when read from v1 or v2). */
  readonly counts?: { readonly leafNodes: number; readonly branchNodes: number; readonly overflowPages: number };
  /** The overflow chain of the held list, when there is one (stamp 0 when read from v2 or v3). */
  readonly held?: { readonly firstPageId: number; readonly lengthBytes: number; readonly stamp: number };
}

/** Encodes a catalog descriptor, format v4 (the page counts only when known). */
export function encodeDescriptor(d: Descriptor): Uint8Array {
  const w = new ByteWriter(48);
  w.bytes(DESCRIPTOR_MAGIC);
  w.u8(DESCRIPTOR_VERSION);
  w.varint(d.rootPageId);
  w.u24(d.rootStamp === 0 ? 0 : checkStamp(d.rootStamp));
  w.varint(d.height);
  w.varint(d.entries);
  w.u8(d.counts === undefined ? 0 : FLAG_COUNTS);
  if (d.counts !== undefined) {
    w.varint(d.counts.leafNodes);
    w.varint(d.counts.branchNodes);
    w.varint(d.counts.overflowPages);
  }
  w.varint(d.held?.lengthBytes ?? 0);
  if (d.held !== undefined && d.held.lengthBytes > 0) {
    w.varint(d.held.firstPageId);
    w.u24(checkStamp(d.held.stamp));
  }
  return w.finish();
}

/** Decodes a catalog descriptor (v1 to v4); throws CORRUPTION naming the entry. */
export function decodeDescriptor(bytes: Uint8Array, name: string): Descriptor {
  const fail = (what: string): never => corrupt(`catalog entry "${name}" is not a B-tree descriptor: ${what}`);
  const r = new ByteReader(bytes, (what) => fail(what));
  const magic = r.view(4, 'magic');
  if (compareKeys(magic, DESCRIPTOR_MAGIC) !== 0) fail('bad magic');
  const version = r.u8('version');
  if (version < 1 || version > DESCRIPTOR_VERSION) fail(`version ${version}; this build reads versions 1 to ${DESCRIPTOR_VERSION}`);
  const stampOf = (what: string): number => {
    const stamp = r.u24(what);
    if (stamp === 0 || stamp >= STAMP_LIMIT) fail(`${what} ${stamp} is not in 1..${STAMP_LIMIT - 1}`);
    return stamp;
  };
  const rootPageId = r.varint('root');
  if (rootPageId >= 0x100000000) fail(`root page id ${rootPageId} is beyond 2^32`);
  const rootStamp = version >= 4 ? r.u24('root stamp') : 0;
  if (rootStamp >= STAMP_LIMIT) fail(`root stamp ${rootStamp} is not below ${STAMP_LIMIT}`);
  const height = r.varint('height');
  const entries = r.varint('entries');
  if (height < 1 || height > MAX_LEVEL + 1) fail(`height ${height}`);
  let flags = version >= 3 ? FLAG_COUNTS : 0;
  if (version >= 4) {
    flags = r.u8('flags');
    if ((flags & ~FLAG_COUNTS) !== 0) fail(`unknown flags ${flags}`);
  }
  let counts: Descriptor['counts'];
  if ((flags & FLAG_COUNTS) !== 0) {
    const leafNodes = r.varint('leaf count');
    const branchNodes = r.varint('branch count');
    const overflowPages = r.varint('overflow count');
    if (leafNodes < 1 || branchNodes >= leafNodes) fail(`${leafNodes} leaves and ${branchNodes} branches`);
    counts = { leafNodes, branchNodes, overflowPages };
  }
  let held: Descriptor['held'];
  if (version >= 2) {
    if (version < 4) {
      const zero = r.u8('flags');
      if (zero !== 0) fail(`unknown flags ${zero}`);
    }
    const lengthBytes = r.varint('held list length');
    if (lengthBytes > 0) {
      const firstPageId = r.varint('held list page');
      held = { firstPageId, lengthBytes, stamp: version >= 4 ? stampOf('held list stamp') : 0 };
    }
  }
  if (r.remaining !== 0) fail(`${r.remaining} trailing bytes`);
  return { rootPageId, rootStamp, height, entries, ...(counts !== undefined ? { counts } : {}), ...(held !== undefined ? { held } : {}) };
}

/** Encodes a held list: varint count, then the page ids as varints. */
export function encodeHeldList(pageIds: readonly number[]): Uint8Array {
  const w = new ByteWriter(8 + pageIds.length * 4);
  w.varint(pageIds.length);
  for (const id of pageIds) w.varint(id);
  return w.finish();
}

/** Decodes a held list; throws CORRUPTION naming the tree. */
export function decodeHeldList(bytes: Uint8Array, name: string): number[] {
  const r = new ByteReader(bytes, (what) => corrupt(`tree "${name}": its held-page list is malformed: ${what}`));
  const count = r.varint('count');
  if (count > bytes.length) corrupt(`tree "${name}": its held-page list claims ${count} pages in ${bytes.length} bytes`);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(r.varint('page id'));
  if (r.remaining !== 0) corrupt(`tree "${name}": its held-page list has ${r.remaining} trailing bytes`);
  return ids;
}

/** The exact size in bytes of `encodeRedo(ops)`. The caller has validated the ops. */
export function redoBytes(ops: readonly BatchOp[]): number {
  let size = 1 + varintBytes(ops.length);
  for (const op of ops) {
    size += 1 + varintBytes(op.key.length) + op.key.length;
    if (op.type === 'put') size += varintBytes(op.value.length) + op.value.length;
  }
  return size;
}

/**
 * Encodes a batch as a logical redo payload (format above) into `target` at `offset`, which must
 * have `redoBytes(ops)` bytes of room; returns the offset after the payload. Lets a caller that
 * frames several payloads (the engine's commit record) build its record in one buffer with no
 * intermediate copy. The caller has validated the ops.
 */
export function encodeRedoInto(target: Uint8Array, offset: number, ops: readonly BatchOp[]): number {
  let at = offset;
  target[at++] = REDO_VERSION;
  at = putVarint(target, at, ops.length);
  for (const op of ops) {
    const isPut = op.type === 'put';
    target[at++] = isPut ? REDO_PUT : REDO_DELETE;
    const key = op.key;
    at = putVarint(target, at, key.length);
    target.set(key, at);
    at += key.length;
    if (isPut) {
      const value = op.value;
      at = putVarint(target, at, value.length);
      target.set(value, at);
      at += value.length;
    }
  }
  return at;
}

/**
 * Encodes a batch as a logical redo payload (format above). The caller has validated the ops.
 * Returns a new buffer owned by the caller.
 */
export function encodeRedo(ops: readonly BatchOp[]): Uint8Array {
  // Sized exactly first: a batch of large values must not be copied again at every doubling.
  const out = new Uint8Array(redoBytes(ops));
  encodeRedoInto(out, 0, ops);
  return out;
}

/**
 * Decodes a redo payload into fresh ops: keys and values are copies, or with `views` views of
 * `payload` (valid while it is unchanged: for ops applied at once, as `BTree.apply` copies what it
 * keeps; recovery replays this way). Throws CORRUPTION.
 */
export function decodeRedo(payload: Uint8Array, views = false): BatchOp[] {
  if (!(payload instanceof Uint8Array)) throw new PhotonError('INVALID_ARGUMENT', 'redo payload must be a Uint8Array');
  const fail = (what: string, offset: number): never => corrupt(`redo payload: ${what} (offset ${offset})`);
  const r = new ByteReader(payload, fail);
  const version = r.u8('version');
  if (version !== REDO_VERSION) fail(`version ${version}; this build reads version ${REDO_VERSION}`, 0);
  const count = r.varint('count');
  if (count > r.remaining / 2) fail(`count ${count} cannot fit in ${r.remaining} bytes`, 1);
  const ops: BatchOp[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.u8('type');
    const keyView = r.view(r.varint('key length'), 'key');
    const key = views ? keyView : copyBytes(keyView);
    if (type === REDO_PUT) {
      const value = r.view(r.varint('value length'), 'value');
      ops.push({ type: 'put', key, value: views ? value : copyBytes(value) });
    } else if (type === REDO_DELETE) ops.push({ type: 'delete', key });
    else fail(`unknown operation type ${type}`, r.pos - 1);
  }
  if (r.remaining !== 0) fail(`${r.remaining} bytes after the last operation`, r.pos);
  return ops;
}
