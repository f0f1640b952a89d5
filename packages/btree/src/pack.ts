/**
 * Packing dirty leaves before a flush writes them.
 *
 * Why: leaves filled in random key order split at their byte midpoint and are about 69% full on
 * average (ln 2), so a page file of them is ~1.45x its entries (peers-bench fillrandom, 1M
 * entries of 116 bytes: 147 MiB of pages for 111 MiB of entries, where an LSM tree takes 123).
 * Until a leaf is written, where its page boundaries fall is free to change: WiredTiger's
 * reconciliation likewise cuts a page's entries into on-disk pages filled to `split_pct` (90%).
 *
 * What: every run of two or more neighbouring leaves under one parent that are all writable
 * (dirty and made at the tree's current epoch, so no snapshot or cursor can see them; mutate.ts)
 * is cut anew, in key order, into leaves each filled up to `targetBytes` of encoded size (prefix
 * compression counted, `leafEncodedBound`), when that takes fewer leaves than the run has. The
 * parent's separators between the run's leaves are replaced by the new ones. Nothing else
 * changes: the entries and their order, their values (an overflow reference or a long value not
 * yet written moves with its entry), the nodes around the run, the tree's height.
 *
 * Bounds (verify.ts): each new leaf must fit its page (`fitsPage`, checked on the built node) and
 * hold at least `underflowBytes` (the last two are evened out at their byte midpoint); the parent
 * must keep at least two children, fit its page and, unless it is the root, stay at or above
 * `underflowBytes`. A run whose new cut would break any of these is left as it is, so no node
 * above the run ever needs balancing.
 */
import { shortestSeparator } from './compare.js';
import { KeyList, OUT_OF_LINE_BYTES, ValueList } from './keys.js';
import { isWritable } from './mutate.js';
import type { Writer } from './mutate.js';
import { NODE_BASE_BYTES, branchEntryBytes, fitsPage, leafEncodedBound, leafEntryBytes, makeLeaf, sharedPrefix } from './node.js';
import type { BranchNode, Child, LeafNode } from './node.js';

/**
 * Packs the runs of writable leaves in the working tree rooted at `root` (see the file comment)
 * to at most `targetBytes` of encoded size each. Returns how many leaves fewer the tree has.
 */
export function packLeaves(w: Writer, root: Child, targetBytes: number): number {
  if (typeof root === 'number' || root.kind === 'leaf' || !isWritable(w, root)) return 0;
  return packBelow(w, root, true, targetBytes);
}

function packBelow(w: Writer, node: BranchNode, isRoot: boolean, targetBytes: number): number {
  let saved = 0;
  const children = node.children;
  if (node.level > 1) {
    // Only a writable branch can have writable nodes below it (a write copies its whole path).
    for (const c of children) if (typeof c !== 'number' && c.kind === 'branch' && isWritable(w, c)) saved += packBelow(w, c, false, targetBytes);
    return saved;
  }
  let i = 0;
  while (i < node.children.length) {
    if (!packable(w, node.children[i])) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < node.children.length && packable(w, node.children[j])) j++;
    const s = j - i >= 2 ? packRun(w, node, i, j, isRoot, targetBytes) : 0;
    saved += s;
    i = j - s;
  }
  return saved;
}

function packable(w: Writer, c: Child): c is LeafNode {
  return typeof c !== 'number' && c.kind === 'leaf' && isWritable(w, c);
}

/**
 * Whether cutting k leaves into m is worth copying their entries: at least one leaf fewer, and at
 * least 1/32 fewer. (A long run of leaves packed before and changed in place since, as by
 * overwrites of values of the same size, would otherwise be copied whole at each flush to save a
 * leaf. An eighth instead of 1/32 left the peers-bench random fill at 122 MiB instead of 115.)
 */
function worthIt(k: number, m: number): boolean {
  return m < k && (k - m) * 32 >= k;
}

/** Where a new leaf starts: entry `entry` of the run's leaf `leaf`. */
interface Cut {
  leaf: number;
  entry: number;
}

/**
 * Cuts children [a, b) of `parent` (writable leaves) anew; returns how many leaves fewer there
 * are (0 when the run is left alone).
 */
function packRun(w: Writer, parent: BranchNode, a: number, b: number, isRoot: boolean, targetBytes: number): number {
  const layout = w.layout;
  const leaves = parent.children.slice(a, b) as LeafNode[];
  const k = leaves.length;
  // A cheap estimate first (each leaf's own prefix counted, so it can only be low): skip a run
  // that would not get worth-while fewer leaves.
  let estimate = 0;
  for (const leaf of leaves) estimate += leafEncodedBound(leaf.sizeBytes, leaf.keys.length, leaf.prefixLen) - NODE_BASE_BYTES;
  if (!worthIt(k, Math.ceil(estimate / (targetBytes - NODE_BASE_BYTES)))) return 0;

  // Greedy cut in key order: a new leaf starts where the next entry would take the current one
  // over the target. `sizes` are logical bytes (node.ts), for evening out the last two.
  const cuts: Cut[] = [];
  const sizes: number[] = [];
  let firstLeaf = -1;
  let firstEntry = 0;
  let size = 0;
  let count = 0;
  let prefix = 0;
  for (let l = 0; l < k; l++) {
    const { keys, values } = leaves[l];
    for (let e = 0; e < keys.length; e++) {
      const entry = leafEntryBytes(layout, keys.lengthAt(e), values.lengthAt(e));
      if (count > 0) {
        const first = leaves[firstLeaf].keys;
        const n = Math.min(prefix, keys.lengthAt(e));
        let p = 0;
        while (p < n && first.byteAt(firstEntry, p) === keys.byteAt(e, p)) p++;
        if (leafEncodedBound(size + entry, count + 1, p) <= targetBytes) {
          size += entry;
          count++;
          prefix = p;
          continue;
        }
        sizes.push(size);
      }
      cuts.push({ leaf: l, entry: e });
      firstLeaf = l;
      firstEntry = e;
      size = NODE_BASE_BYTES + entry;
      count = 1;
      prefix = keys.lengthAt(e);
    }
  }
  sizes.push(size);
  const m = cuts.length;
  if (!worthIt(k, m)) return 0;
  if (parent.children.length - k + m < 2) return 0;
  if (m >= 2 && sizes[m - 1] < layout.underflowBytes) {
    cuts[m - 1] = midpoint(w, leaves, cuts[m - 2], sizes[m - 2] + sizes[m - 1] - NODE_BASE_BYTES) ?? cuts[m - 1];
  }

  // Build the new leaves; give up on the run if one breaks a bound.
  const built: LeafNode[] = [];
  for (let g = 0; g < m; g++) {
    const leaf = buildLeaf(w, leaves, cuts[g], g + 1 < m ? cuts[g + 1] : { leaf: k, entry: 0 });
    if (!fitsPage(layout, leaf) || leaf.sizeBytes < layout.underflowBytes) return 0;
    built.push(leaf);
  }
  const separators: Uint8Array[] = [];
  let parentSize = parent.sizeBytes;
  for (let j = a; j < b - 1; j++) parentSize -= branchEntryBytes(parent.keys.lengthAt(j));
  for (let g = 0; g + 1 < m; g++) {
    const left = built[g].keys;
    const sep = shortestSeparator(left.at(left.length - 1), built[g + 1].keys.at(0));
    separators.push(sep);
    parentSize += branchEntryBytes(sep.length);
  }
  if (parentSize > layout.capacityBytes || (!isRoot && parentSize < layout.underflowBytes)) return 0;

  // Swap them in: children [a, b) and the k - 1 separators between them.
  parent.children.splice(a, k, ...built);
  for (let j = 0; j < k - 1; j++) parent.keys.removeAt(a);
  for (let g = 0; g < separators.length; g++) parent.keys.insert(a + g, separators[g]);
  parent.sizeBytes = parentSize;
  parent.prefixLen = sharedPrefix(parent.keys);
  w.counts.leafNodes -= k - m;
  return k - m;
}

/**
 * The cut that splits the entries from `from` on, `total` logical bytes of entries in all, at
 * their byte midpoint (as mutate.ts splits a leaf), leaving at least one entry on each side;
 * undefined when there is no such cut.
 */
function midpoint(w: Writer, leaves: LeafNode[], from: Cut, total: number): Cut | undefined {
  let acc = 0;
  let l = from.leaf;
  let e = from.entry;
  let taken = 0;
  while (l < leaves.length) {
    if (e >= leaves[l].keys.length) {
      l++;
      e = 0;
      continue;
    }
    const entry = leafEntryBytes(w.layout, leaves[l].keys.lengthAt(e), leaves[l].values.lengthAt(e));
    if (taken > 0 && acc + entry / 2 > total / 2) return { leaf: l, entry: e };
    acc += entry;
    taken++;
    e++;
  }
  return undefined;
}

/** A new leaf of the run's entries from `from` up to (not including) `to`. */
function buildLeaf(w: Writer, leaves: LeafNode[], from: Cut, to: Cut): LeafNode {
  let count = 0;
  let keyBytes = 0;
  let valueBytes = 0;
  forEachPart(leaves, from, to, (leaf, s, e) => {
    count += e - s;
    for (let i = s; i < e; i++) {
      keyBytes += leaf.keys.lengthAt(i);
      const v = leaf.values.lengthAt(i);
      if (v <= OUT_OF_LINE_BYTES) valueBytes += v;
    }
  });
  const keys = KeyList.empty(count, Math.max(16, keyBytes));
  const values = ValueList.empty(count, Math.max(16, valueBytes));
  forEachPart(leaves, from, to, (leaf, s, e) => {
    keys.pushFrom(leaf.keys, s, e);
    values.pushFrom(leaf.values, s, e);
  });
  return makeLeaf(w.layout, keys, values, w.epoch, null);
}

/** Calls `fn` with each leaf's share [s, e) of the entries between two cuts. */
function forEachPart(leaves: LeafNode[], from: Cut, to: Cut, fn: (leaf: LeafNode, s: number, e: number) => void): void {
  for (let l = from.leaf; l <= to.leaf && l < leaves.length; l++) {
    const s = l === from.leaf ? from.entry : 0;
    const e = l === to.leaf ? to.entry : leaves[l].keys.length;
    if (e > s) fn(leaves[l], s, e);
  }
}
