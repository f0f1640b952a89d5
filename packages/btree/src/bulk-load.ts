/**
 * Bulk loading: builds a tree bottom-up from sorted, validated entries.
 *
 * Leaves are packed to the page payload (no slack), then each branch level is packed the same
 * way from the level below. A trailing node below the underflow bound is merged into, or evenly
 * split with, its left neighbour, so the result obeys the same fill bounds as a tree built by
 * put(). All nodes are dirty; flush() writes them. The caller has checked sortedness and limits.
 */
import { shortestSeparator } from './compare.js';
import { NODE_BASE_BYTES, branchEntryBytes, leafEntryBytes, makeBranch, makeLeaf, valueLength } from './node.js';
import type { Child, Layout, LeafNode, LeafValue, TreeNode } from './node.js';

/** Builds a tree; returns its root and height (levels). */
export function buildTree(layout: Layout, keys: Uint8Array[], values: LeafValue[], epoch: number): { root: TreeNode; height: number } {
  let { nodes, separators } = packLeaves(layout, keys, values, epoch);
  let height = 1;
  while (nodes.length > 1) {
    ({ nodes, separators } = packBranches(layout, nodes, separators, height, epoch));
    height++;
  }
  return { root: nodes[0], height };
}

interface Level {
  nodes: TreeNode[];
  separators: Uint8Array[];
}

function packLeaves(layout: Layout, keys: Uint8Array[], values: LeafValue[], epoch: number): Level {
  const nodes: LeafNode[] = [];
  let start = 0;
  let size = NODE_BASE_BYTES;
  for (let i = 0; i < keys.length; i++) {
    const e = leafEntryBytes(layout, keys[i].length, valueLength(values[i]));
    if (size + e > layout.capacityBytes && i > start) {
      nodes.push(makeLeaf(layout, keys.slice(start, i), values.slice(start, i), epoch, null));
      start = i;
      size = NODE_BASE_BYTES;
    }
    size += e;
  }
  nodes.push(makeLeaf(layout, keys.slice(start), values.slice(start), epoch, null));
  fixLastLeaf(layout, nodes, epoch);
  const separators: Uint8Array[] = [];
  for (let i = 1; i < nodes.length; i++) {
    const prev = nodes[i - 1].keys;
    separators.push(shortestSeparator(prev[prev.length - 1], nodes[i].keys[0]).slice());
  }
  return { nodes, separators };
}

/** Merges an underfull last leaf into its neighbour, or splits the two evenly. */
function fixLastLeaf(layout: Layout, nodes: LeafNode[], epoch: number): void {
  const n = nodes.length;
  if (n < 2 || nodes[n - 1].sizeBytes >= layout.underflowBytes) return;
  const a = nodes[n - 2];
  const b = nodes[n - 1];
  const keys = a.keys.concat(b.keys);
  const values = a.values.concat(b.values);
  if (a.sizeBytes + b.sizeBytes - NODE_BASE_BYTES <= layout.capacityBytes) {
    nodes.splice(n - 2, 2, makeLeaf(layout, keys, values, epoch, null));
    return;
  }
  const total = a.sizeBytes + b.sizeBytes - NODE_BASE_BYTES;
  let acc = NODE_BASE_BYTES;
  let m = 0;
  while (m < keys.length - 1) {
    const e = leafEntryBytes(layout, keys[m].length, valueLength(values[m]));
    if (acc + e / 2 > total / 2) break;
    acc += e;
    m++;
  }
  m = Math.max(1, m);
  nodes.splice(n - 2, 2, makeLeaf(layout, keys.slice(0, m), values.slice(0, m), epoch, null), makeLeaf(layout, keys.slice(m), values.slice(m), epoch, null));
}

function packBranches(layout: Layout, below: TreeNode[], seps: Uint8Array[], level: number, epoch: number): Level {
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
    const keys = [...a.keys, up[up.length - 1], ...last.keys];
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
      up[up.length - 1] = keys[m];
    }
  }
  return { nodes, separators: up };
}
