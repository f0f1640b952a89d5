/**
 * Insert and delete with path copying, splits, merges and redistribution.
 *
 * Copy-on-write rule: a node may be changed in place only if it is dirty (`pageId === null`) and
 * was created at the writer's current epoch; otherwise `writableChild` copies it into the parent
 * slot first and retires the page it came from. `snapshot()` bumps the epoch, so every node a
 * snapshot can see is copied before it is changed: a write copies only the nodes on its path.
 *
 * Balance rules, in logical bytes (node.ts): after a change below it, a parent calls `fixChild`,
 * which splits a child above `capacityBytes` and rebalances a child below `underflowBytes` with a
 * neighbour (merge if both fit in one node, else redistribute at the byte midpoint). Entries are
 * at most a third of a node (limits in tree.ts), so both halves of a split fit. The root is
 * exempt from the lower bound; tree.ts grows and shrinks it.
 */
import { invariant } from '@photondb/contracts';
import { compareKeys, shortestSeparator } from './compare.js';
import {
  NODE_BASE_BYTES,
  branchEntryBytes,
  childIndex,
  copyNode,
  leafEntryBytes,
  lowerBound,
  makeBranch,
  makeLeaf,
  overflowPagesOf,
  valueLength,
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
}

/** True when `node` may be changed in place by `w`. */
export function isWritable(w: Writer, node: TreeNode): boolean {
  return node.pageId === null && node.epoch === w.epoch;
}

/** A writable version of `node` (itself, or a copy after retiring it). */
export function writable(w: Writer, node: TreeNode): TreeNode {
  if (isWritable(w, node)) return node;
  w.retireNode(node);
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
  const i = childIndex(node.keys, key, compareKeys);
  const child = writableChild(w, node, i);
  const added = insert(w, child, key, value);
  fixChild(w, node, i);
  return added;
}

function insertIntoLeaf(w: Writer, leaf: LeafNode, key: Uint8Array, value: Uint8Array): boolean {
  const layout = w.layout;
  const i = lowerBound(leaf.keys, key, compareKeys);
  const entry = leafEntryBytes(layout, key.length, value.length);
  if (i < leaf.keys.length && compareKeys(leaf.keys[i], key) === 0) {
    const old = leaf.values[i];
    w.retireValue(old);
    w.counts.overflowPages += overflowPagesOf(layout, key.length, value.length) - overflowPagesOf(layout, key.length, valueLength(old));
    leaf.sizeBytes += entry - leafEntryBytes(layout, key.length, valueLength(old));
    leaf.values[i] = value;
    return false;
  }
  w.counts.overflowPages += overflowPagesOf(layout, key.length, value.length);
  leaf.keys.splice(i, 0, key);
  leaf.values.splice(i, 0, value);
  leaf.sizeBytes += entry;
  return true;
}

/** Deletes key from the subtree of writable `node`. Precondition: the key is present. */
export function remove(w: Writer, node: TreeNode, key: Uint8Array): void {
  if (node.kind === 'leaf') {
    const i = lowerBound(node.keys, key, compareKeys);
    if (i >= node.keys.length || compareKeys(node.keys[i], key) !== 0) return;
    const old = node.values[i];
    w.retireValue(old);
    w.counts.overflowPages -= overflowPagesOf(w.layout, key.length, valueLength(old));
    node.sizeBytes -= leafEntryBytes(w.layout, key.length, valueLength(old));
    node.keys.splice(i, 1);
    node.values.splice(i, 1);
    return;
  }
  const i = childIndex(node.keys, key, compareKeys);
  remove(w, writableChild(w, node, i), key);
  fixChild(w, node, i);
}

/** Restores the size bounds of child `i` of writable `parent` after a change below it. */
export function fixChild(w: Writer, parent: BranchNode, i: number): void {
  const child = w.resolve(parent.children[i]);
  if (child.sizeBytes > w.layout.capacityBytes) {
    const { separator, right } = split(w, child);
    parent.keys.splice(i, 0, separator);
    parent.children.splice(i + 1, 0, right);
    parent.sizeBytes += branchEntryBytes(separator.length);
    // A redistribution can leave the new right half still large; both halves fit by the limits.
  } else if (child.sizeBytes < w.layout.underflowBytes && parent.children.length > 1) {
    rebalance(w, parent, i);
  }
}

/** Splits a writable node in two at its byte midpoint; `node` keeps the left half. */
export function split(w: Writer, node: TreeNode): { separator: Uint8Array; right: TreeNode } {
  if (node.kind === 'leaf') w.counts.leafNodes++;
  else w.counts.branchNodes++;
  if (node.kind === 'leaf') {
    const m = leafMidpoint(w.layout, node.keys, node.values);
    const right = makeLeaf(w.layout, node.keys.splice(m), node.values.splice(m), w.epoch, null);
    node.sizeBytes -= right.sizeBytes - NODE_BASE_BYTES;
    return { separator: shortestSeparator(node.keys[m - 1], right.keys[0]).slice(), right };
  }
  const m = branchMidpoint(node.keys);
  const separator = node.keys[m];
  const right = makeBranch(node.level, node.keys.slice(m + 1), node.children.slice(m + 1), w.epoch, null);
  const left = makeBranch(node.level, node.keys.slice(0, m), node.children.slice(0, m + 1), w.epoch, null);
  node.keys = left.keys;
  node.children = left.children;
  node.sizeBytes = left.sizeBytes;
  return { separator, right };
}

/** Split index m (1 <= m <= n-1): entries [0, m) stay left. */
function leafMidpoint(layout: Layout, keys: Uint8Array[], values: LeafValue[]): number {
  let total = 0;
  for (let i = 0; i < keys.length; i++) total += leafEntryBytes(layout, keys[i].length, valueLength(values[i]));
  let acc = 0;
  let m = 0;
  while (m < keys.length - 1) {
    const e = leafEntryBytes(layout, keys[m].length, valueLength(values[m]));
    if (acc + e / 2 > total / 2) break;
    acc += e;
    m++;
  }
  return Math.max(1, Math.min(m, keys.length - 1));
}

/** Index of the separator that moves up (1 <= m <= n-2 when n >= 3). */
function branchMidpoint(keys: Uint8Array[]): number {
  let total = 0;
  for (const k of keys) total += branchEntryBytes(k.length);
  let acc = 0;
  let m = 0;
  while (m < keys.length - 1) {
    const e = branchEntryBytes(keys[m].length);
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
  const oldSeparator = parent.keys[li];
  if (left.kind === 'leaf' && right.kind === 'leaf') {
    const combined = left.sizeBytes + right.sizeBytes - NODE_BASE_BYTES;
    const keys = left.keys.concat(right.keys);
    const values = left.values.concat(right.values);
    if (combined <= capacity) {
      replaceLeaf(left, makeLeaf(w.layout, keys, values, w.epoch, null));
      dropSlot(parent, li);
      w.counts.leafNodes--;
      return;
    }
    const m = leafMidpoint(w.layout, keys, values);
    replaceLeaf(left, makeLeaf(w.layout, keys.slice(0, m), values.slice(0, m), w.epoch, null));
    replaceLeaf(right, makeLeaf(w.layout, keys.slice(m), values.slice(m), w.epoch, null));
    setSeparator(parent, li, shortestSeparator(left.keys[m - 1], right.keys[0]).slice());
    return;
  }
  invariant(left.kind === 'branch' && right.kind === 'branch', 'siblings of different kinds');
  const keys = [...left.keys, oldSeparator, ...right.keys];
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
  setSeparator(parent, li, keys[m]);
}

function replaceLeaf(target: LeafNode, from: LeafNode): void {
  target.keys = from.keys;
  target.values = from.values;
  target.sizeBytes = from.sizeBytes;
}

function replaceBranch(target: BranchNode, from: BranchNode): void {
  target.keys = from.keys;
  target.children = from.children;
  target.sizeBytes = from.sizeBytes;
}

/** Removes separator li and child li+1 (merged into child li). */
function dropSlot(parent: BranchNode, li: number): void {
  parent.sizeBytes -= branchEntryBytes(parent.keys[li].length);
  parent.keys.splice(li, 1);
  parent.children.splice(li + 1, 1);
}

function setSeparator(parent: BranchNode, li: number, separator: Uint8Array): void {
  parent.sizeBytes += branchEntryBytes(separator.length) - branchEntryBytes(parent.keys[li].length);
  parent.keys[li] = separator;
}
