/**
 * Bulk loading: builds a tree bottom-up from sorted, validated entries.
 *
 * Leaves are encoded straight from the input into node pages (format.ts, node page v2) and
 * written to freshly allocated pages at once: no leaf node objects and no per-entry key or value
 * views are made (those, and the garbage they left, were most of the cost of building a tree).
 * The written leaves are clean nodes the pager decodes on demand, like any page; the branch
 * levels above them are ordinary dirty nodes (a few per thousand entries) that flush() writes.
 *
 * Packing: entries are assigned to leaves by logical size (node.ts), filling each to the page
 * payload; a trailing leaf below the underflow bound is merged into, or evenly split with, its
 * left neighbour, so the result obeys the same fill bounds as a tree built by put(). Each branch
 * level is packed the same way from the level below. Logical sizes bound the encoded size, so
 * every leaf fits its page. The caller has checked sortedness and limits, and keeps nothing the
 * input owns: keys and inline values are copied into pages, overflow values into their chains,
 * separators into fresh buffers.
 */
import { shortestSeparator } from './compare.js';
import { putU24, putVarint, varintBytes } from './internal/bytes.js';
import { KIND_LEAF } from './format.js';
import { NODE_BASE_BYTES, branchEntryBytes, childRef, leafEntryBytes, makeBranch } from './node.js';
import type { BranchNode, Child, Layout } from './node.js';
import type { Pager } from './pager.js';

/** A loaded tree: its root (a page id when it is one leaf), height and page counts. */
export interface LoadedTree {
  root: Child;
  height: number;
  leafNodes: number;
  branchNodes: number;
  overflowPages: number;
}

/**
 * Builds a tree of `entries` (strictly ascending, validated, at least one):
 * writes the leaves (and overflow chains) through `pager`, returns the dirty branch levels.
 */
/** Validated input: strictly ascending [key, value] pairs. */
export type Entries = readonly (readonly [Uint8Array, Uint8Array])[];

export function loadTree(pager: Pager, entries: Entries, epoch: number): LoadedTree {
  const layout = pager.layout;
  const starts = leafStarts(layout, entries);
  const leaves: Child[] = new Array(starts.length);
  const encoder = new LeafEncoder(pager);
  for (let l = 0; l < starts.length; l++) {
    leaves[l] = encoder.write(entries, starts[l], l + 1 < starts.length ? starts[l + 1] : entries.length);
  }
  const separators: Uint8Array[] = new Array(Math.max(0, starts.length - 1));
  for (let l = 1; l < starts.length; l++) separators[l - 1] = shortestSeparator(entries[starts[l] - 1][0], entries[starts[l]][0]).slice();
  let nodes = leaves;
  let seps = separators;
  let height = 1;
  let branchNodes = 0;
  while (nodes.length > 1) {
    const level = packBranches(layout, nodes, seps, height, epoch);
    nodes = level.nodes;
    seps = level.separators;
    branchNodes += nodes.length;
    height++;
  }
  return { root: nodes[0], height, leafNodes: leaves.length, branchNodes, overflowPages: encoder.overflowPages };
}

/** Bytes `a` and `b` share at their start. */
function sharedBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Logical size of a leaf of `count` entries whose entry bytes (leafEntryBytes) sum to `sum` and
 * whose keys share `q` bytes: the node's own formula (node.ts leafLogicalBytes).
 */
function leafBytes(sum: number, count: number, q: number): number {
  return NODE_BASE_BYTES + q + varintBytes(q) - 1 + sum - count * q;
}

/** Logical size of entries [from, to) as one leaf. */
function rangeBytes(layout: Layout, entries: Entries, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += leafEntryBytes(layout, entries[i][0].length, entries[i][1].length);
  const q = to - from === 1 ? entries[from][0].length : sharedBytes(entries[from][0], entries[to - 1][0]);
  return leafBytes(sum, to - from, q);
}

/**
 * The first entry of each leaf: greedy packing to the payload, sizing each leaf as the tree does
 * (keys after their shared prefix; input is sorted, so the first and the last key of a leaf share
 * what all its keys share), then the last leaf fixed up.
 */
function leafStarts(layout: Layout, entries: Entries): number[] {
  const capacity = layout.capacityBytes;
  const starts = [0];
  let sum = 0;
  let count = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = leafEntryBytes(layout, entries[i][0].length, entries[i][1].length);
    if (count > 0) {
      const q = sharedBytes(entries[starts[starts.length - 1]][0], entries[i][0]);
      if (leafBytes(sum + e, count + 1, q) > capacity) {
        starts.push(i);
        sum = 0;
        count = 0;
      }
    }
    sum += e;
    count++;
  }
  const n = starts.length;
  if (n < 2 || rangeBytes(layout, entries, starts[n - 1], entries.length) >= layout.underflowBytes) return starts;
  // An underfull last leaf: merge it into its neighbour, or split the two at the byte midpoint.
  const from = starts[n - 2];
  if (rangeBytes(layout, entries, from, entries.length) <= capacity) {
    starts.pop();
    return starts;
  }
  let total = 0;
  for (let i = from; i < entries.length; i++) total += leafEntryBytes(layout, entries[i][0].length, entries[i][1].length);
  let acc = 0;
  let m = from;
  while (m < entries.length - 1) {
    const e = leafEntryBytes(layout, entries[m][0].length, entries[m][1].length);
    if (acc + e / 2 > total / 2) break;
    acc += e;
    m++;
  }
  starts[n - 1] = Math.max(from + 1, m);
  return starts;
}

/** Encodes leaves into one reused buffer and writes each to a fresh page (the store copies). */
class LeafEncoder {
  private readonly pager: Pager;
  private readonly buf: Uint8Array;
  overflowPages = 0;

  constructor(pager: Pager) {
    this.pager = pager;
    // Logical sizes bound the encoding, so a leaf never outgrows the payload.
    this.buf = new Uint8Array(pager.layout.capacityBytes);
  }

  /** Encodes entries [from, to) as one leaf page with a fresh stamp and writes it; returns its reference. */
  write(entries: Entries, from: number, to: number): number {
    const layout = this.pager.layout;
    const inlineLimit = layout.inlineLimitBytes;
    const b = this.buf;
    const first = entries[from][0];
    const last = entries[to - 1][0];
    const n = first.length < last.length ? first.length : last.length;
    let p = 0;
    while (p < n && first[p] === last[p]) p++; // sorted: first and last share what all share
    b[0] = KIND_LEAF;
    b[1] = 0;
    const count = to - from;
    b[2] = count & 0xff;
    b[3] = (count >>> 8) & 0xff;
    const stamp = this.pager.nextStamp();
    let at = putVarint(b, putU24(b, 4, stamp), p);
    for (let j = 0; j < p; j++) b[at++] = first[j];
    for (let i = from; i < to; i++) {
      const k = entries[i][0];
      const v = entries[i][1];
      const kl = k.length;
      const vl = v.length;
      const s = kl - p;
      if (s < 128) b[at++] = s;
      else at = putVarint(b, at, s);
      if (s < 32) for (let j = p; j < kl; j++) b[at++] = k[j];
      else {
        b.set(k.subarray(p), at);
        at += s;
      }
      if (kl + vl > inlineLimit) {
        const ref = this.pager.writeOverflow(v);
        this.overflowPages += this.pager.overflowPageCount(vl);
        b[at++] = 1; // overflow tag
        at = putVarint(b, at, vl);
        at = putVarint(b, at, ref.firstPageId);
        at = putU24(b, at, ref.stamp);
        continue;
      }
      b[at++] = 0; // inline tag
      if (vl < 128) b[at++] = vl;
      else at = putVarint(b, at, vl);
      if (vl < 32) for (let j = 0; j < vl; j++) b[at++] = v[j];
      else {
        b.set(v, at);
        at += vl;
      }
    }
    const store = this.pager.store;
    const id = store.allocate();
    store.write(id, b.subarray(0, at));
    return childRef(id as number, stamp);
  }
}

/** Packs one branch level over `below` (nodes or page ids), separated by `seps`. */
function packBranches(layout: Layout, below: Child[], seps: Uint8Array[], level: number, epoch: number): { nodes: BranchNode[]; separators: Uint8Array[] } {
  const groups: { keys: Uint8Array[]; children: Child[] }[] = [];
  const up: Uint8Array[] = [];
  let cur = { keys: [] as Uint8Array[], children: [below[0]] as Child[] };
  let size = NODE_BASE_BYTES + 8;
  for (let j = 1; j < below.length; j++) {
    const sep = seps[j - 1];
    const e = branchEntryBytes(sep.length);
    if (size + e > layout.capacityBytes && cur.keys.length > 0) {
      groups.push(cur);
      up.push(sep);
      cur = { keys: [], children: [below[j]] };
      size = NODE_BASE_BYTES + 8;
      continue;
    }
    cur.keys.push(sep);
    cur.children.push(below[j]);
    size += e;
  }
  groups.push(cur);
  const nodes = groups.map((g) => makeBranch(level, g.keys, g.children, epoch, null));
  const last = nodes[nodes.length - 1];
  if (nodes.length >= 2 && (last.sizeBytes < layout.underflowBytes || last.keys.length === 0)) {
    const a = nodes[nodes.length - 2];
    const keys = a.keys.concat(last.keys, up[up.length - 1]);
    const children = a.children.concat(last.children);
    const merged = makeBranch(level, keys, children, epoch, null);
    if (merged.sizeBytes <= layout.capacityBytes) {
      nodes.splice(nodes.length - 2, 2, merged);
      up.pop();
    } else {
      const m = Math.floor(keys.length / 2);
      nodes.splice(
        nodes.length - 2,
        2,
        makeBranch(level, keys.slice(0, m), children.slice(0, m + 1), epoch, null),
        makeBranch(level, keys.slice(m + 1), children.slice(m + 1), epoch, null),
      );
      up[up.length - 1] = keys.at(m);
    }
  }
  return { nodes, separators: up };
}
