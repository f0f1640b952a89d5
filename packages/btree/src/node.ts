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
 * This file does not read or write pages (pager.ts) and does not balance the tree (mutate.ts).
 */
import { MAX_VARINT_BYTES, varintBytes } from './internal/bytes.js';

/** A value stored in an overflow page chain. Immutable; shared between tree versions. */
export class OverflowRef {
  readonly firstPageId: number;
  readonly lengthBytes: number;
  constructor(firstPageId: number, lengthBytes: number) {
    this.firstPageId = firstPageId;
    this.lengthBytes = lengthBytes;
  }
}

/** A leaf slot: the value bytes, or a reference to its overflow chain. */
export type LeafValue = Uint8Array | OverflowRef;

interface NodeBase {
  /** Sorted keys (leaf) or separators (branch). */
  keys: Uint8Array[];
  /** Logical size in bytes (see file comment). */
  sizeBytes: number;
  /** Write epoch that created this copy; mutable in place only at the tree's current epoch. */
  epoch: number;
  /** The page holding this exact node, or null while dirty. A node with a page is immutable. */
  pageId: number | null;
  /**
   * Bytes every key of this node starts with (from the page's prefix compression), so searches
   * compare only what follows; 0 when unknown (dirty nodes and their copies).
   */
  prefixLen: number;
}

/** A leaf: `values[i]` belongs to `keys[i]`. */
export interface LeafNode extends NodeBase {
  readonly kind: 'leaf';
  readonly level: 0;
  values: LeafValue[];
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
/** A dirty or in-memory node, or the page id of a clean one. */
export type Child = TreeNode | number;

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

/** Header bytes of a node: kind, level, count, and a one-byte prefix length (format.ts). */
export const NODE_BASE_BYTES = 5;
/** Logical bytes of a branch's first child pointer. */
const FIRST_CHILD_BYTES = MAX_VARINT_BYTES;
/** Logical bytes of an overflow reference: tag, length, first page id. */
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

/** Logical bytes of one branch entry (separator and the child after it). */
export function branchEntryBytes(keyBytes: number): number {
  return varintBytes(keyBytes) + keyBytes + MAX_VARINT_BYTES;
}

/** A new empty leaf at `epoch`. */
export function emptyLeaf(epoch: number): LeafNode {
  return { kind: 'leaf', level: 0, keys: [], values: [], sizeBytes: NODE_BASE_BYTES, epoch, pageId: null, prefixLen: 0 };
}

/** Builds a leaf and computes its size. */
export function makeLeaf(layout: Layout, keys: Uint8Array[], values: LeafValue[], epoch: number, pageId: number | null): LeafNode {
  let size = NODE_BASE_BYTES;
  for (let i = 0; i < keys.length; i++) size += leafEntryBytes(layout, keys[i].length, valueLength(values[i]));
  return { kind: 'leaf', level: 0, keys, values, sizeBytes: size, epoch, pageId, prefixLen: 0 };
}

/** Builds a branch and computes its size. */
export function makeBranch(level: number, keys: Uint8Array[], children: Child[], epoch: number, pageId: number | null): BranchNode {
  let size = NODE_BASE_BYTES + FIRST_CHILD_BYTES;
  for (const k of keys) size += branchEntryBytes(k.length);
  return { kind: 'branch', level, keys, children, sizeBytes: size, epoch, pageId, prefixLen: 0 };
}

/** A dirty copy of `node` at `epoch` (arrays copied, keys and values shared: they are immutable). */
export function copyNode(node: TreeNode, epoch: number): TreeNode {
  if (node.kind === 'leaf') {
    return { kind: 'leaf', level: 0, keys: node.keys.slice(), values: node.values.slice(), sizeBytes: node.sizeBytes, epoch, pageId: null, prefixLen: 0 };
  }
  return {
    kind: 'branch',
    level: node.level,
    keys: node.keys.slice(),
    children: node.children.slice(),
    sizeBytes: node.sizeBytes,
    epoch,
    pageId: null,
    prefixLen: 0,
  };
}

/**
 * Where `key` stands against the prefix shared by every key of `node`: negative if it sorts
 * before all of them, positive if after all of them, 0 if it starts with the prefix (then only
 * the bytes after it need comparing).
 */
function againstPrefix(node: TreeNode, key: Uint8Array): number {
  const p = node.prefixLen;
  if (p === 0 || node.keys.length === 0) return 0;
  const first = node.keys[0];
  const n = key.length < p ? key.length : p;
  for (let i = 0; i < n; i++) {
    const d = key[i] - first[i];
    if (d !== 0) return d;
  }
  return key.length < p ? -1 : 0;
}

/** Compares `a` and `b` from byte `from` on, knowing both have the same first `from` bytes. */
function compareFrom(a: Uint8Array, b: Uint8Array, from: number): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  for (let i = from; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** `lowerBound` over a node's keys, skipping the node's shared prefix. */
export function lowerBoundIn(node: TreeNode, key: Uint8Array): number {
  const keys = node.keys;
  const c = againstPrefix(node, key);
  if (c < 0) return 0;
  if (c > 0) return keys.length;
  const from = node.prefixLen;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareFrom(keys[mid], key, from) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `childIndex` over a branch's separators, skipping the node's shared prefix. */
export function childIndexIn(node: TreeNode, key: Uint8Array): number {
  const keys = node.keys;
  const c = againstPrefix(node, key);
  if (c < 0) return 0;
  if (c > 0) return keys.length;
  const from = node.prefixLen;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareFrom(keys[mid], key, from) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key >= `key` in sorted `keys` (keys.length if none). */
export function lowerBound(keys: Uint8Array[], key: Uint8Array, compare: (a: Uint8Array, b: Uint8Array) => number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
