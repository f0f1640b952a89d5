/**
 * Every byte structure of @photondb/btree: node pages, overflow pages, the catalog descriptor and
 * the logical redo payload. Little-endian; varints are unsigned LEB128, minimal, at most 8 bytes
 * and below 2^53. Readers check every length before using it and throw CORRUPTION (naming the
 * page) on anything malformed; they never assert.
 *
 * Node page, format v1 (the page store's payload; the store adds its own header and checksum):
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     1  kind       1 = leaf, 2 = branch
 *        1     1  level      0 for a leaf; 1..MAX_LEVEL for a branch (1 = parent of leaves)
 *        2     2  count      u16: entries (leaf) or separators (branch, >= 1)
 *        4     v  prefixLen  varint: bytes shared by every key of the node (prefix compression)
 *        .     p  prefix     those bytes
 *   leaf, count times:
 *        .     v  suffixLen  varint; the key is prefix + suffix
 *        .     s  suffix
 *        .     1  tag        0 = inline value, 1 = overflow value
 *        .     v  valueLen   varint: the value's length in bytes
 *        .     n  value      inline: the value bytes
 *        .     v  firstPage  overflow: varint page id of the chain's first overflow page
 *   branch: varint child0, then count times { varint suffixLen, suffix, varint child }.
 *
 * Keys are strictly ascending; branch separators are truncated to the shortest key that
 * separates the two neighbours (child i holds keys k with sep[i-1] <= k < sep[i]). A value is
 * inline iff keyLen + valueLen <= inline limit (a quarter of the page payload), so an inline
 * flag that disagrees is corruption. Valid iff (1) kind and level agree, (2) every length fits,
 * (3) keys strictly ascend, (4) the entries end exactly at the payload's end.
 *
 * Overflow page, format v1: a value too large to be inline is split over a chain of pages.
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     1  kind       3 = overflow
 *        1     3  zero       reserved, 0
 *        4     4  nextLo     low 32 bits of (next page id + 1); 0 = last page of the chain
 *        8     4  nextHi     high bits of the same
 *       12     n  data       this page's part of the value (payload length - 12 bytes)
 *
 * Catalog descriptor, format v3: the value of the tree's catalog entry in the page store.
 *
 *   OFFSET  SIZE  FIELD      MEANING
 *        0     4  magic      "PBT1" (50 42 54 31)
 *        4     1  version    3; versions 1 and 2 are still read (below); any other is CORRUPTION
 *        5     v  root       varint page id of the root node
 *        .     v  height     varint: levels, 1 for a lone leaf root
 *        .     v  entries    varint: number of key/value pairs
 *        .     v  leaves     varint: leaf pages of the tree (v3 only)
 *        .     v  branches   varint: branch pages (v3 only)
 *        .     v  overflows  varint: overflow pages of its values (v3 only; not the held list's)
 *        .     1  flags      zero (reserved; v2 and v3)
 *        .     v  heldBytes  varint: length of the held list; 0 = none
 *        .     v  heldFirst  varint, only when heldBytes > 0: first page of the overflow chain
 *                            (format above) holding the held list
 *
 * Older versions: v2 (0.1.x) has no page counts; v1 (0.0.x) also ends after `entries` (no
 * flags, no held list). Without counts, `BTree` counts the pages once, at its first `stats()` or
 * `verify()`; until then its flushes keep writing v2 (the same fields without the counts), so an
 * upgrade never walks a tree unasked. Valid iff height is 1..61, leaves >= 1, branches <
 * leaves, and nothing follows the last field.
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
 * Valid iff the operations end exactly at the payload's end. Pinned by format.test.ts.
 */
import { PhotonError, copyBytes } from '@photondb/contracts';
import { compareKeys } from './compare.js';
import { ByteReader, ByteWriter, putVarint, varintBytes } from './internal/bytes.js';
import { KeyList, ValueList, carve, carvedBytes } from './keys.js';
import { OVERFLOW_HEADER_BYTES, OverflowRef, makeBranch, makeLeaf, sharedPrefix, fitsPage } from './node.js';
import type { Child, LeafValue, Layout, TreeNode } from './node.js';

/** Node kind byte of a leaf page. */
export const KIND_LEAF = 1;
/** Node kind byte of a branch page. */
export const KIND_BRANCH = 2;
/** Kind byte of an overflow page. */
export const KIND_OVERFLOW = 3;
/** Deepest branch level a page may claim (a tree of 2^60 entries is far shallower). */
export const MAX_LEVEL = 60;
export { OVERFLOW_HEADER_BYTES };
/** Catalog descriptor magic, "PBT1". */
export const DESCRIPTOR_MAGIC = Uint8Array.of(0x50, 0x42, 0x54, 0x31);
/** Catalog descriptor format version written. */
export const DESCRIPTOR_VERSION = 3;

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

/**
 * Encodes a node. Leaf values must already be inline-sized bytes or OverflowRefs (the pager
 * writes overflow chains first); children must be page ids.
 */
export function encodeNode(node: TreeNode): Uint8Array {
  const w = new ByteWriter(node.sizeBytes);
  const keys = node.keys;
  // Sorted keys: the first and last share what every key shares. A lone key is not compressed.
  const p = sharedPrefix(keys);
  w.u8(node.kind === 'leaf' ? KIND_LEAF : KIND_BRANCH);
  w.u8(node.level);
  w.u16(keys.length);
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
    w.varint(childPageId(node.children[0]));
    for (let i = 0; i < keys.length; i++) {
      const k = keys.at(i);
      w.varint(k.length - p);
      w.bytes(k.subarray(p));
      w.varint(childPageId(node.children[i + 1]));
    }
  }
  return w.finish();
}

function childPageId(c: Child): number {
  if (typeof c === 'number') return c;
  if (c.pageId === null) throw new PhotonError('INTERNAL', 'internal invariant failed: encoding a branch with a dirty child');
  return c.pageId;
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
  }
}

/**
 * Decodes a node page into a clean node (pageId set, epoch 0). Keys (with the prefix put back)
 * and inline values are copied into the node's packed lists (keys.ts); nothing refers to
 * `payload` afterwards. Throws CORRUPTION.
 */
export function decodeNode(payload: Uint8Array, pageId: number, layout: Layout): TreeNode {
  const fail = (what: string, offset: number): never => corrupt(`B-tree page ${pageId}: ${what} (offset ${offset})`, pageId);
  const r = new ByteReader(payload, fail);
  const kind = r.u8('kind');
  const level = r.u8('level');
  const count = r.u16('count');
  if (kind !== KIND_LEAF && kind !== KIND_BRANCH) fail(`unknown node kind ${kind}`, 0);
  if ((kind === KIND_LEAF) !== (level === 0) || level > MAX_LEVEL) fail(`kind ${kind} with level ${level}`, 1);
  if (kind === KIND_BRANCH && count === 0) fail('branch with no separator', 2);
  const p = r.varint('prefix length');
  const prefix = r.view(p, 'prefix');
  // Keys (prefix put back) and values are packed into lists (keys.ts) carved out of one buffer:
  // one allocation per node. The key arena is sized for keys of the prefix plus 16 bytes (it
  // grows if they are longer); value bytes are at most what remains of the page.
  const keyArena = Math.min(count * (p + 16), count * p + r.remaining) + 16;
  const slots = Math.max(1, count);
  const valueArena = kind === KIND_LEAF ? r.remaining : 0;
  const buffer = new ArrayBuffer(carvedBytes(slots, keyArena) + (kind === KIND_LEAF ? carvedBytes(slots, valueArena) : 0));
  const k = carve(buffer, 0, slots, keyArena);
  const keys = KeyList.over(k.meta, k.bytes);
  const readKey = (i: number): void => {
    const s = r.varint('key length');
    keys.pushJoined(prefix, r.view(s, 'key'));
    if (i > 0 && keys.compareKeysAt(i - 1, i) >= 0) fail(`key ${i} is not above key ${i - 1}`, r.pos);
  };
  let node: TreeNode;
  if (kind === KIND_LEAF) {
    const v = carve(buffer, k.end, slots, valueArena);
    const values = ValueList.over(v.meta, v.bytes);
    for (let i = 0; i < count; i++) {
      readKey(i);
      const v = readValue(r, keys.lengthAt(i), layout, fail);
      if (v instanceof Uint8Array) values.pushInline(v);
      else values.insert(i, v);
    }
    node = makeLeaf(layout, keys, values, 0, pageId);
  } else {
    const children: Child[] = new Array(count + 1);
    children[0] = r.varint('child');
    for (let i = 0; i < count; i++) {
      readKey(i);
      children[i + 1] = r.varint('child');
    }
    node = makeBranch(level, keys, children, 0, pageId);
  }
  if (r.remaining !== 0) fail(`${r.remaining} bytes after the last entry`, r.pos);
  if (!fitsPage(layout, node)) fail(`node of ${node.sizeBytes} logical bytes exceeds ${layout.capacityBytes}`, 0);
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
export function searchLeafPayload(payload: Uint8Array, key: Uint8Array, pageId: number, layout: Layout): LeafValue | undefined | null {
  if (payload.length < 4 || payload[0] !== KIND_LEAF) return null;
  const fail = (what: string, offset: number): never => corrupt(`B-tree page ${pageId}: ${what} (offset ${offset})`, pageId);
  const r = new ByteReader(payload, fail);
  r.u8('kind');
  r.u8('level');
  const count = r.u16('count');
  const p = r.varint('prefix length');
  const prefix = r.view(p, 'prefix');
  // Where the key stands against the prefix every key of the page starts with.
  const n = key.length < p ? key.length : p;
  for (let i = 0; i < n; i++) {
    if (key[i] !== prefix[i]) return undefined; // below or above every key of the page
  }
  if (key.length < p) return undefined;
  for (let e = 0; e < count; e++) {
    const s = r.varint('key length');
    const suffix = r.view(s, 'key');
    // compare suffix with key[p...]
    const rest = key.length - p;
    const m = s < rest ? s : rest;
    let c = 0;
    for (let i = 0; i < m && c === 0; i++) c = suffix[i] - key[p + i];
    if (c === 0) c = s - rest;
    if (c > 0) return undefined;
    const value = readValue(r, p + s, layout, fail);
    if (c === 0) return value;
  }
  return undefined;
}

function readValue(r: ByteReader, keyBytes: number, layout: Layout, fail: (what: string, offset: number) => never): LeafValue {
  const tag = r.u8('value tag');
  const length = r.varint('value length');
  const overflow = keyBytes + length > layout.inlineLimitBytes;
  if (tag === TAG_INLINE) {
    if (overflow) fail(`inline value of ${length} bytes is above the inline limit`, r.pos);
    return r.view(length, 'value');
  }
  if (tag !== TAG_OVERFLOW) fail(`unknown value tag ${tag}`, r.pos - 1);
  if (!overflow || length > layout.maxValueBytes) fail(`overflow value of ${length} bytes is out of range`, r.pos);
  return new OverflowRef(r.varint('overflow page'), length);
}

/** Encodes one overflow page: `next` is the next page id or -1 at the end of the chain. */
export function encodeOverflowPage(next: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(OVERFLOW_HEADER_BYTES + data.length);
  out[0] = KIND_OVERFLOW;
  const n = next + 1;
  const view = new DataView(out.buffer);
  view.setUint32(4, n % 0x100000000, true);
  view.setUint32(8, Math.floor(n / 0x100000000), true);
  out.set(data, OVERFLOW_HEADER_BYTES);
  return out;
}

/** Decodes one overflow page: the next page id (-1 at the end) and a view of its data. */
export function decodeOverflowPage(payload: Uint8Array, pageId: number): { next: number; data: Uint8Array } {
  if (payload.length <= OVERFLOW_HEADER_BYTES || payload[0] !== KIND_OVERFLOW) {
    corrupt(`overflow page ${pageId}: bad header (kind ${payload[0]}, ${payload.length} bytes)`, pageId);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const n = view.getUint32(4, true) + view.getUint32(8, true) * 0x100000000;
  if (!Number.isSafeInteger(n)) corrupt(`overflow page ${pageId}: next page id beyond 2^53`, pageId);
  return { next: n - 1, data: payload.subarray(OVERFLOW_HEADER_BYTES) };
}

/** The tree's catalog descriptor. */
export interface Descriptor {
  readonly rootPageId: number;
  readonly height: number;
  readonly entries: number;
  /** Pages of the tree by kind (descriptor v3; absent when read from v1 or v2). */
  readonly counts?: { readonly leafNodes: number; readonly branchNodes: number; readonly overflowPages: number };
  /** The overflow chain of the held list, when there is one. */
  readonly held?: { readonly firstPageId: number; readonly lengthBytes: number };
}

/** Encodes a catalog descriptor: format v3, or v2 when the page counts are not known. */
export function encodeDescriptor(d: Descriptor): Uint8Array {
  const w = new ByteWriter(40);
  w.bytes(DESCRIPTOR_MAGIC);
  w.u8(d.counts === undefined ? 2 : DESCRIPTOR_VERSION);
  w.varint(d.rootPageId);
  w.varint(d.height);
  w.varint(d.entries);
  if (d.counts !== undefined) {
    w.varint(d.counts.leafNodes);
    w.varint(d.counts.branchNodes);
    w.varint(d.counts.overflowPages);
  }
  w.u8(0);
  w.varint(d.held?.lengthBytes ?? 0);
  if (d.held !== undefined && d.held.lengthBytes > 0) w.varint(d.held.firstPageId);
  return w.finish();
}

/** Decodes a catalog descriptor (v1, v2 or v3); throws CORRUPTION naming the entry. */
export function decodeDescriptor(bytes: Uint8Array, name: string): Descriptor {
  const fail = (what: string): never => corrupt(`catalog entry "${name}" is not a B-tree descriptor: ${what}`);
  const r = new ByteReader(bytes, (what) => fail(what));
  const magic = r.view(4, 'magic');
  if (compareKeys(magic, DESCRIPTOR_MAGIC) !== 0) fail('bad magic');
  const version = r.u8('version');
  if (version < 1 || version > DESCRIPTOR_VERSION) fail(`version ${version}; this build reads versions 1 to ${DESCRIPTOR_VERSION}`);
  const rootPageId = r.varint('root');
  const height = r.varint('height');
  const entries = r.varint('entries');
  if (height < 1 || height > MAX_LEVEL + 1) fail(`height ${height}`);
  let counts: Descriptor['counts'];
  if (version >= 3) {
    const leafNodes = r.varint('leaf count');
    const branchNodes = r.varint('branch count');
    const overflowPages = r.varint('overflow count');
    if (leafNodes < 1 || branchNodes >= leafNodes) fail(`${leafNodes} leaves and ${branchNodes} branches`);
    counts = { leafNodes, branchNodes, overflowPages };
  }
  let held: Descriptor['held'];
  if (version >= 2) {
    const flags = r.u8('flags');
    if (flags !== 0) fail(`unknown flags ${flags}`);
    const lengthBytes = r.varint('held list length');
    if (lengthBytes > 0) held = { firstPageId: r.varint('held list page'), lengthBytes };
  }
  if (r.remaining !== 0) fail(`${r.remaining} trailing bytes`);
  return { rootPageId, height, entries, ...(counts !== undefined ? { counts } : {}), ...(held !== undefined ? { held } : {}) };
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

/** Decodes a redo payload into fresh ops (keys and values are copies). Throws CORRUPTION. */
export function decodeRedo(payload: Uint8Array): BatchOp[] {
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
    const key = copyBytes(r.view(r.varint('key length'), 'key'));
    if (type === REDO_PUT) ops.push({ type: 'put', key, value: copyBytes(r.view(r.varint('value length'), 'value')) });
    else if (type === REDO_DELETE) ops.push({ type: 'delete', key });
    else fail(`unknown operation type ${type}`, r.pos - 1);
  }
  if (r.remaining !== 0) fail(`${r.remaining} bytes after the last operation`, r.pos);
  return ops;
}
