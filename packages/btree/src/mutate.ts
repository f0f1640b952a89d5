/**
 * Insert and delete with path copying, splits, merges and redistribution.
 *
 * Copy-on-write rule: a node may be changed in place only if it is dirty (`pageId === null`) and
 * was created at the writer's current epoch; otherwise `writableChild` copies it into the parent
 * slot first and retires the page it came from. `snapshot()` bumps the epoch, so every node a
 * snapshot can see is copied before it is changed: a write copies only the nodes on its path.
 *
 * Balance rules, in logical bytes (node.ts): after a change below it, a parent calls `fixChild`,
 * which splits a child that does not fit its page (`fitsPage`) and rebalances a child below `underflowBytes` with a
 * neighbour (merge if both fit in one node, else redistribute at the byte midpoint). Entries are
 * at most a third of a node (limits in tree.ts), so both halves of a split fit. The root is
 * exempt from the lower bound; tree.ts grows and shrinks it.
 */
import { invariant } from '@photondb/contracts';
import { compareKeys, shortestSeparator } from './compare.js';
import { KeyList, ValueList } from './keys.js';
import {
  NODE_BASE_BYTES,
  branchEntryBytes,
  childIndexIn,
  copyNode,
  fitsPage,
  leafEntryBytes,
  lowerBoundIn,
  makeBranch,
  makeLeaf,
  notePrefix,
  overflowPagesOf,
} from './node.js';
import type { BranchNode, Child, LeafNode, LeafValue, Layout, NodeCounts, TreeNode } from './node.js';

/** What the mutation functions need from the tree. */
export interface Writer {
  readonly layout: Layout;
  readonly epoch: number;
  /** Page counts of the working tree, adjusted by every split, merge and value change. */
  readonly counts: NodeCounts;
  resolve(child: Child): TreeNode;
  /** The node's page (if any) is no longer part of the working tree. */
  retireNode(node: TreeNode): void;
  /** The value's overflow chain (if any) is no longer part of the working tree. */
  retireValue(value: LeafValue): void;
  /** One more node is dirty (held in memory until the next flush): a copy or a split's new node. */
  noteDirty(): void;
}

/** True when `node` may be changed in place by `w`. */
export function isWritable(w: Writer, node: TreeNode): boolean {
  return node.pageId === null && node.epoch === w.epoch;
}

/** A writable version of `node` (itself, or a copy after retiring it). */
export function writable(w: Writer, node: TreeNode): TreeNode {
  if (isWritable(w, node)) return node;
  w.retireNode(node);
  w.noteDirty();
  return copyNode(node, w.epoch);
}

/** Makes child `i` of writable `parent` writable, storing the copy in the slot. */
export function writableChild(w: Writer, parent: BranchNode, i: number): TreeNode {
  const child = w.resolve(parent.children[i]);
  if (isWritable(w, child)) return child;
  const copy = writable(w, child);
  parent.children[i] = copy;
  return copy;
}

/** Puts key/value into the subtree of writable `node`. Returns true when the key was new. */
export function insert(w: Writer, node: TreeNode, key: Uint8Array, value: Uint8Array): boolean {
  if (node.kind === 'leaf') return insertIntoLeaf(w, node, key, value);
  const i = childIndexIn(node, key);
  const child = writableChild(w, node, i);
  const added = insert(w, child, key, value);
  fixChild(w, node, i, key);
  return added;
}

function insertIntoLeaf(w: Writer, leaf: LeafNode, key: Uint8Array, value: Uint8Array): boolean {
  const layout = w.layout;
  const i = lowerBoundIn(leaf, key);
  const entry = leafEntryBytes(layout, key.length, value.length);
  if (i < leaf.keys.length && leaf.keys.compareAt(i, key) === 0) {
    const oldLength = leaf.values.lengthAt(i);
    if (leaf.values.isRef(i)) w.retireValue(leaf.values.get(i));
    w.counts.overflowPages += overflowPagesOf(layout, key.length, value.length) - overflowPagesOf(layout, key.length, oldLength);
    leaf.sizeBytes += entry - leafEntryBytes(layout, key.length, oldLength);
    leaf.values.set(i, value);
    return false;
  }
  w.counts.overflowPages += overflowPagesOf(layout, key.length, value.length);
  leaf.keys.insert(i, key);
  leaf.values.insert(i, value);
  leaf.sizeBytes += entry;
  notePrefix(leaf, i);
  return true;
}

/** Deletes key from the subtree of writable `node`. Precondition: the key is present. */
export function remove(w: Writer, node: TreeNode, key: Uint8Array): void {
  if (node.kind === 'leaf') {
    const i = lowerBoundIn(node, key);
    if (i >= node.keys.length || node.keys.compareAt(i, key) !== 0) return;
    const oldLength = node.values.lengthAt(i);
    if (node.values.isRef(i)) w.retireValue(node.values.get(i));
    w.counts.overflowPages -= overflowPagesOf(w.layout, key.length, oldLength);
    node.sizeBytes -= leafEntryBytes(w.layout, key.length, oldLength);
    node.keys.removeAt(i);
    node.values.removeAt(i);
    return;
  }
  const i = childIndexIn(node, key);
  remove(w, writableChild(w, node, i), key);
  fixChild(w, node, i);
}

/**
 * Restores the size bounds of child `i` of writable `parent` after a change below it. `inserted`
 * is the key just put, if any: when it became the last key of the parent's last leaf (keys
 * arriving in ascending order), the leaf is split unevenly (`split`).
 */
export function fixChild(w: Writer, parent: BranchNode, i: number, inserted?: Uint8Array): void {
  const child = w.resolve(parent.children[i]);
  if (!fitsPage(w.layout, child)) {
    const appending =
      inserted !== undefined && child.kind === 'leaf' && i === parent.children.length - 1 && child.keys.compareAt(child.keys.length - 1, inserted) === 0;
    const { separator, right } = split(w, child, appending);
    parent.keys.insert(i, separator);
    parent.children.splice(i + 1, 0, right);
    parent.sizeBytes += branchEntryBytes(separator.length);
    notePrefix(parent, i);
    // A redistribution can leave the new right half still large; both halves fit by the limits.
  } else if (child.sizeBytes < w.layout.underflowBytes && parent.children.length > 1) {
    rebalance(w, parent, i);
  }
}

/**
 * Splits a writable node in two; `node` keeps the left part. At the byte midpoint, or, for a leaf
 * being appended to (`appending`), so that the right part is just above the underflow bound:
 * ascending inserts then leave leaves about 3/4 full instead of half full, and the right part
 * still meets the fill guarantee (verify.ts `minFillBytes`).
 */
export function split(w: Writer, node: TreeNode, appending = false): { separator: Uint8Array; right: TreeNode } {
  if (node.kind === 'leaf') w.counts.leafNodes++;
  else w.counts.branchNodes++;
  w.noteDirty();
  if (node.kind === 'leaf') {
    const skewed = appending ? appendSplitPoint(w.layout, node) : -1;
    const m = skewed > 0 ? skewed : leafMidpoint(w.layout, node.keys, node.values);
    // A leaf appended to keeps being appended to: give its lists room for a page of entries.
    const reserve = skewed > 0 ? w.layout.capacityBytes + (w.layout.capacityBytes >>> 2) : 0; // a page of entries fits (fitsPage)
    const right = makeLeaf(w.layout, node.keys.splitOff(m, reserve >>> 2), node.values.splitOff(m, reserve), w.epoch, null);
    node.sizeBytes -= right.sizeBytes - NODE_BASE_BYTES;
    return { separator: shortestSeparator(node.keys.at(m - 1), right.keys.at(0)).slice(), right };
  }
  const m = branchMidpoint(node.keys);
  const separator = node.keys.at(m);
  const right = makeBranch(node.level, node.keys.slice(m + 1), node.children.slice(m + 1), w.epoch, null);
  const left = makeBranch(node.level, node.keys.slice(0, m), node.children.slice(0, m + 1), w.epoch, null);
  node.keys = left.keys;
  node.children = left.children;
  node.sizeBytes = left.sizeBytes;
  node.prefixLen = left.prefixLen;
  return { separator, right };
}

/**
 * Split index for an appended-to leaf: the largest m whose right part [m, n) reaches the underflow
 * bound, or -1 when the left part would then not fit a page (very large entries).
 */
function appendSplitPoint(layout: Layout, leaf: LeafNode): number {
  const n = leaf.keys.length;
  let right = NODE_BASE_BYTES;
  let m = n;
  while (m > 1 && right < layout.underflowBytes) {
    m--;
    right += leafEntryBytes(layout, leaf.keys.lengthAt(m), leaf.values.lengthAt(m));
  }
  const left = leaf.sizeBytes - right + NODE_BASE_BYTES;
  return right >= layout.underflowBytes && left <= layout.capacityBytes && m >= 1 ? m : -1;
}

/** Split index m (1 <= m <= n-1): entries [0, m) stay left. */
function leafMidpoint(layout: Layout, keys: KeyList, values: ValueList): number {
  let total = 0;
  for (let i = 0; i < keys.length; i++) total += leafEntryBytes(layout, keys.lengthAt(i), values.lengthAt(i));
  let acc = 0;
  let m = 0;
  while (m < keys.length - 1) {
    const e = leafEntryBytes(layout, keys.lengthAt(m), values.lengthAt(m));
    if (acc + e / 2 > total / 2) break;
    acc += e;
    m++;
  }
  return Math.max(1, Math.min(m, keys.length - 1));
}

/** Index of the separator that moves up (1 <= m <= n-2 when n >= 3). */
function branchMidpoint(keys: KeyList): number {
  let total = 0;
  for (let i = 0; i < keys.length; i++) total += branchEntryBytes(keys.lengthAt(i));
  let acc = 0;
  let m = 0;
  while (m < keys.length - 1) {
    const e = branchEntryBytes(keys.lengthAt(m));
    if (acc + e / 2 > total / 2) break;
    acc += e;
    m++;
  }
  const hi = Math.max(1, keys.length - 2);
  return Math.max(1, Math.min(m, hi));
}

/** Merges child `i` with a neighbour, or redistributes their entries. */
function rebalance(w: Writer, parent: BranchNode, i: number): void {
  const li = i > 0 ? i - 1 : i;
  const ri = li + 1;
  const left = writableChild(w, parent, li);
  const right = writableChild(w, parent, ri);
  const capacity = w.layout.capacityBytes;
  const oldSeparator = parent.keys.at(li);
  if (left.kind === 'leaf' && right.kind === 'leaf') {
    const keys = left.keys.concat(right.keys);
    const values = left.values.concat(right.values);
    const merged = makeLeaf(w.layout, keys, values, w.epoch, null);
    if (fitsPage(w.layout, merged)) {
      replaceLeaf(left, merged);
      dropSlot(parent, li);
      w.counts.leafNodes--;
      return;
    }
    const m = leafMidpoint(w.layout, keys, values);
    replaceLeaf(left, makeLeaf(w.layout, keys.slice(0, m), values.slice(0, m), w.epoch, null));
    replaceLeaf(right, makeLeaf(w.layout, keys.slice(m), values.slice(m), w.epoch, null));
    setSeparator(parent, li, shortestSeparator(left.keys.at(m - 1), right.keys.at(0)).slice());
    return;
  }
  invariant(left.kind === 'branch' && right.kind === 'branch', 'siblings of different kinds');
  const keys = left.keys.concat(right.keys, oldSeparator);
  const children = left.children.concat(right.children);
  const merged = makeBranch(left.level, keys, children, w.epoch, null);
  if (merged.sizeBytes <= capacity) {
    replaceBranch(left, merged);
    dropSlot(parent, li);
    w.counts.branchNodes--;
    return;
  }
  const m = branchMidpoint(keys);
  replaceBranch(left, makeBranch(left.level, keys.slice(0, m), children.slice(0, m + 1), w.epoch, null));
  replaceBranch(right, makeBranch(left.level, keys.slice(m + 1), children.slice(m + 1), w.epoch, null));
  setSeparator(parent, li, keys.at(m));
}

function replaceLeaf(target: LeafNode, from: LeafNode): void {
  target.keys = from.keys;
  target.values = from.values;
  target.sizeBytes = from.sizeBytes;
  target.prefixLen = from.prefixLen;
}

function replaceBranch(target: BranchNode, from: BranchNode): void {
  target.keys = from.keys;
  target.children = from.children;
  target.sizeBytes = from.sizeBytes;
  target.prefixLen = from.prefixLen;
}

/** Removes separator li and child li+1 (merged into child li). */
function dropSlot(parent: BranchNode, li: number): void {
  parent.sizeBytes -= branchEntryBytes(parent.keys.lengthAt(li));
  parent.keys.removeAt(li);
  parent.children.splice(li + 1, 1);
}

function setSeparator(parent: BranchNode, li: number, separator: Uint8Array): void {
  parent.sizeBytes += branchEntryBytes(separator.length) - branchEntryBytes(parent.keys.lengthAt(li));
  parent.keys.set(li, separator);
  notePrefix(parent, li);
}
