/**
 * In-memory B+tree nodes and their byte accounting.
 *
 * A node is either a leaf (keys and values) or a branch (separator keys and children). A child is
 * a node object (dirty, or clean and pinned by a parent that has not been flushed yet) or the
 * page id of a clean node, which the pager decodes on demand. Values above the inline limit live
 * in overflow page chains; in memory they are the bytes (not yet written) or an `OverflowRef`.
 *
 * Sizes are "logical bytes": an upper bound of the encoded size (format.ts) computed without
 * prefix compression and with every page id counted at its largest varint. A node whose logical
 * size fits the page payload always encodes into one page; prefix compression only shrinks it.
 * Whether a node fits is `fitsPage`: a leaf over the payload in logical bytes may still fit once
 * its shared prefix is counted once, so leaves of keys with long common prefixes hold more. The
 * balance rules' lower bounds stay in logical bytes (verify.ts `minFillBytes`).
 * This file does not read or write pages (pager.ts) and does not balance the tree (mutate.ts).
 */
import { MAX_VARINT_BYTES, varintBytes } from './internal/bytes.js';
import { KeyList, ValueList } from './keys.js';
import { OverflowRef } from './overflow-ref.js';
import type { LeafValue } from './overflow-ref.js';

export { OverflowRef } from './overflow-ref.js';
export type { LeafValue } from './overflow-ref.js';

interface NodeBase {
  /** Sorted keys (leaf) or separators (branch), packed (keys.ts). */
  keys: KeyList;
  /** Logical size in bytes (see file comment). */
  sizeBytes: number;
  /** Write epoch that created this copy; mutable in place only at the tree's current epoch. */
  epoch: number;
  /** The page holding this exact node, or null while dirty. A node with a page is immutable. */
  pageId: number | null;
  /**
   * The write stamp of that page (format.ts): what a reference to it must name. 0 while dirty, and
   * for a node read from a v1 page (no stamp).
   */
  stamp: number;
  /**
   * A number of bytes every key of this node starts with, so searches compare only what follows.
   * Set when a node is made (the longest such prefix) and kept true by every change
   * (`notePrefix`); `verify()` checks it.
   */
  prefixLen: number;
}

/** A leaf: value i (`values.get(i)`) belongs to key i. */
export interface LeafNode extends NodeBase {
  readonly kind: 'leaf';
  readonly level: 0;
  /** The values, packed (keys.ts). */
  values: ValueList;
}

/** A branch: child i holds keys k with keys[i-1] <= k < keys[i]; children.length = keys.length + 1. */
export interface BranchNode extends NodeBase {
  readonly kind: 'branch';
  /** 1 for the parents of leaves, and so on up. */
  readonly level: number;
  children: Child[];
}

/** A node of either kind. */
export type TreeNode = LeafNode | BranchNode;
/**
 * A dirty or in-memory node, or a reference to a clean one: its page id and the write stamp its
 * page must carry, in one number (`childRef`), so a branch's child array stays an array of
 * numbers and nodes, and every split, merge and copy moves the stamp with the page id.
 */
export type Child = TreeNode | number;

/** Write stamps are 1 .. STAMP_LIMIT - 1 (21 bits: page id and stamp fit one safe integer); 0 = unknown. */
export const STAMP_LIMIT = 0x200000;
const TWO_32 = 0x100000000;

/** A clean node's reference: page id (below 2^32) and write stamp (0 = not checked). */
export function childRef(pageId: number, stamp: number): number {
  return stamp * TWO_32 + pageId;
}

/** The page id of a reference. */
export function refPageId(ref: number): number {
  // ToUint32 is the low 32 bits of an integer below 2^53: cheaper than a floating-point modulo.
  return ref >>> 0;
}

/** The write stamp of a reference (0 = not checked). */
export function refStamp(ref: number): number {
  return (ref - (ref >>> 0)) / TWO_32;
}

/** Bytes before the data of an overflow page (format.ts, overflow page v1). */
export const OVERFLOW_HEADER_BYTES = 12;

/**
 * Pages of the working tree by kind, kept up to date by every change (mutate.ts, tree.ts) so
 * `stats()` is O(1); `verify()` recounts them. Overflow pages count the chains of every value
 * stored out of line, written yet or not (a dirty value gets its chain at flush).
 */
export interface NodeCounts {
  leafNodes: number;
  branchNodes: number;
  overflowPages: number;
}

/** Overflow pages a key/value pair of these sizes takes (0 when its value is inline). */
export function overflowPagesOf(layout: Layout, keyBytes: number, valueBytes: number): number {
  return isOverflow(layout, keyBytes, valueBytes) ? Math.ceil(valueBytes / (layout.capacityBytes - OVERFLOW_HEADER_BYTES)) : 0;
}

/** Header bytes of a node: kind, level, count, stamp, and a one-byte prefix length (format.ts). */
export const NODE_BASE_BYTES = 8;
/**
 * Logical bytes of a branch's first child pointer: a page id (below 2^32, so at most a 5-byte
 * varint) and its 3-byte stamp, counted as one largest varint.
 */
const FIRST_CHILD_BYTES = MAX_VARINT_BYTES;
/** Logical bytes of an overflow reference: tag, length, first page id with its stamp (as above). */
const OVERFLOW_ENTRY_BYTES = 1 + MAX_VARINT_BYTES + MAX_VARINT_BYTES;

/** Sizes that depend on the page store's payload capacity. */
export interface Layout {
  /** Most logical bytes in one node (the store's payload capacity). */
  readonly capacityBytes: number;
  /** A value is inline iff key length + value length <= this. */
  readonly inlineLimitBytes: number;
  /** Below this, a non-root node is merged with or borrows from a sibling. */
  readonly underflowBytes: number;
  /** Largest key accepted. */
  readonly maxKeyBytes: number;
  /** Largest value accepted. */
  readonly maxValueBytes: number;
}

/** Length of a leaf value slot. */
export function valueLength(v: LeafValue): number {
  return v instanceof Uint8Array ? v.length : v.lengthBytes;
}

/** True when a key/value pair of these sizes keeps its value in an overflow chain. */
export function isOverflow(layout: Layout, keyBytes: number, valueBytes: number): boolean {
  return keyBytes + valueBytes > layout.inlineLimitBytes;
}

/** Logical bytes of one leaf entry. */
export function leafEntryBytes(layout: Layout, keyBytes: number, valueBytes: number): number {
  const k = varintBytes(keyBytes) + keyBytes;
  if (isOverflow(layout, keyBytes, valueBytes)) return k + OVERFLOW_ENTRY_BYTES;
  return k + 1 + varintBytes(valueBytes) + valueBytes;
}

/**
 * True when `node` encodes into one page. A leaf whose logical size is over the payload may still
 * fit: its keys all start with the same `prefixLen` bytes, which the encoder stores once, so its
 * encoding takes at most sizeBytes + prefixLen + (varint of prefixLen) - 1 - count * prefixLen
 * bytes (with a longer prefix the encoder saves a byte per key for each byte it adds). O(1).
 */
export function fitsPage(layout: Layout, node: TreeNode): boolean {
  const capacity = layout.capacityBytes;
  if (node.sizeBytes <= capacity) return true;
  if (node.kind !== 'leaf') return false;
  return leafEncodedBound(node.sizeBytes, node.keys.length, node.prefixLen) <= capacity;
}

/**
 * An upper bound of the encoded size of a leaf of `count` entries whose logical size is
 * `sizeBytes` and whose keys all start with the same `prefixLen` bytes (see `fitsPage`).
 */
export function leafEncodedBound(sizeBytes: number, count: number, prefixLen: number): number {
  return prefixLen === 0 ? sizeBytes : sizeBytes + prefixLen + varintBytes(prefixLen) - 1 - count * prefixLen;
}

/** Logical bytes of one branch entry (separator and the child after it). */
export function branchEntryBytes(keyBytes: number): number {
  // The child: page id and stamp, counted as one largest varint (FIRST_CHILD_BYTES).
  return varintBytes(keyBytes) + keyBytes + MAX_VARINT_BYTES;
}

/** A new empty leaf at `epoch`. */
export function emptyLeaf(epoch: number): LeafNode {
  return { kind: 'leaf', level: 0, keys: KeyList.empty(), values: ValueList.empty(), sizeBytes: NODE_BASE_BYTES, epoch, pageId: null, stamp: 0, prefixLen: 0 };
}

/** Builds a leaf and computes its size (arrays of keys and values are packed into new lists). */
export function makeLeaf(
  layout: Layout,
  keys: KeyList | readonly Uint8Array[],
  values: ValueList | readonly LeafValue[],
  epoch: number,
  pageId: number | null,
): LeafNode {
  const list = keys instanceof KeyList ? keys : KeyList.from(keys);
  const vals = values instanceof ValueList ? values : ValueList.from(values);
  let size = NODE_BASE_BYTES;
  for (let i = 0; i < list.length; i++) size += leafEntryBytes(layout, list.lengthAt(i), vals.lengthAt(i));
  return { kind: 'leaf', level: 0, keys: list, values: vals, sizeBytes: size, epoch, pageId, stamp: 0, prefixLen: sharedPrefix(list) };
}

/** Builds a branch and computes its size (an array of keys is packed into a new KeyList). */
export function makeBranch(level: number, keys: KeyList | readonly Uint8Array[], children: Child[], epoch: number, pageId: number | null): BranchNode {
  const list = keys instanceof KeyList ? keys : KeyList.from(keys);
  let size = NODE_BASE_BYTES + FIRST_CHILD_BYTES;
  for (let i = 0; i < list.length; i++) size += branchEntryBytes(list.lengthAt(i));
  return { kind: 'branch', level, keys: list, children, sizeBytes: size, epoch, pageId, stamp: 0, prefixLen: sharedPrefix(list) };
}

/** Fixed memory of a decoded node besides its lists: the node object and the lists' objects. */
export const NODE_OVERHEAD_BYTES = 320;

/**
 * Memory a decoded node takes, for the pager's byte budget: its packed keys and values (or its
 * child slots), plus a fixed overhead. An overflow value's chain is not counted (not cached).
 */
export function nodeMemoryBytes(node: TreeNode): number {
  const keys = node.keys.memoryBytes();
  return NODE_OVERHEAD_BYTES + keys + (node.kind === 'leaf' ? node.values.memoryBytes() : 8 * node.children.length);
}

/** Bytes every key of sorted `keys` starts with: those its first and last keys share (all of a lone key). */
export function sharedPrefix(keys: KeyList): number {
  const last = keys.length - 1;
  if (last < 0) return 0;
  if (last === 0) return keys.lengthAt(0);
  const n = Math.min(keys.lengthAt(0), keys.lengthAt(last));
  let i = 0;
  while (i < n && keys.byteAt(0, i) === keys.byteAt(last, i)) i++;
  return i;
}

/**
 * Keeps `node.prefixLen` true after key `i` was inserted or replaced: only a new first or last
 * key can shorten the shared prefix (a key between two keys shares what they share). Removing
 * keys can only lengthen it, so the old value stays true (if not the longest).
 */
export function notePrefix(node: TreeNode, i: number): void {
  if (node.prefixLen > 0 && (i === 0 || i === node.keys.length - 1)) node.prefixLen = sharedPrefix(node.keys);
}

/**
 * A dirty copy of `node` at `epoch`: the key index and the value and child arrays are copied; key
 * bytes and values are shared (they are immutable). The copy keeps the node's shared prefix
 * length: its keys are the same, and mutations reset it (see `prefixLen`).
 */
export function copyNode(node: TreeNode, epoch: number): TreeNode {
  if (node.kind === 'leaf') {
    return { kind: 'leaf', level: 0, keys: node.keys.clone(), values: node.values.clone(), sizeBytes: node.sizeBytes, epoch, pageId: null, stamp: 0, prefixLen: node.prefixLen };
  }
  return {
    kind: 'branch',
    level: node.level,
    keys: node.keys.clone(),
    children: node.children.slice(),
    sizeBytes: node.sizeBytes,
    epoch,
    pageId: null,
    stamp: 0,
    prefixLen: node.prefixLen,
  };
}

/**
 * Where `key` stands against the prefix shared by every key of `node`: negative if it sorts
 * before all of them, positive if after all of them, 0 if it starts with the prefix (then only
 * the bytes after it need comparing).
 */
function againstPrefix(node: TreeNode, key: Uint8Array): number {
  const p = node.prefixLen;
  const keys = node.keys;
  if (p === 0 || keys.length === 0) return 0;
  const d = keys.compareHead(key, key.length < p ? key.length : p);
  if (d !== 0) return d;
  return key.length < p ? -1 : 0;
}

/** Index of the first key >= `key` in `node` (keys.length if none), skipping its shared prefix. */
export function lowerBoundIn(node: TreeNode, key: Uint8Array): number {
  const c = againstPrefix(node, key);
  if (c < 0) return 0;
  if (c > 0) return node.keys.length;
  return node.keys.lowerBound(key, node.prefixLen);
}

/** Index of the child of branch `node` that may hold `key`, skipping its shared prefix. */
export function childIndexIn(node: TreeNode, key: Uint8Array): number {
  const c = againstPrefix(node, key);
  if (c < 0) return 0;
  if (c > 0) return node.keys.length;
  return node.keys.upperBound(key, node.prefixLen);
}

/** Index of the child of a branch with separators `keys` that may hold `key`. */
export function childIndex(keys: Uint8Array[], key: Uint8Array, compare: (a: Uint8Array, b: Uint8Array) => number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(keys[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
