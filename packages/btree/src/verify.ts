/**
 * verify(), stats() and their types: structural checks that report problems as data.
 *
 * verify walks the working version from the root and checks (1) keys strictly ascend inside
 * every node, (2) every key lies within the bounds its ancestors' separators give it, (3) each
 * branch has one more child than separators and at least one separator, (4) levels decrease by
 * one per step, so every leaf is at the same depth, (5) sizes are within [min fill, page payload]
 * (the root is exempt from min fill) and the cached size matches a recount, (6) every page
 * (node and overflow) is reached once, (7) overflow chains have the right page count, (8) the
 * entry count matches. A page that fails to decode is a problem, not an exception.
 */
import { compareKeys } from './compare.js';
import { varintBytes } from './internal/bytes.js';
import { OverflowRef, branchEntryBytes, makeBranch, makeLeaf, overflowPagesOf, valueLength, fitsPage } from './node.js';
import type { Child, Layout, NodeCounts, TreeNode } from './node.js';
import type { Pager } from './pager.js';

/** Counts describing a tree. */
export interface TreeStats {
  entries: number;
  depth: number;
  leafNodes: number;
  branchNodes: number;
  overflowPages: number;
  cachedNodes: number;
  /** Memory of the cached nodes (packed keys and values plus a fixed overhead per node). */
  cachedBytes: number;
  dirtyNodes: number;
  /** Node lookups served by the pager's cache. */
  cacheHits: number;
  /** Node lookups that decoded a page. */
  cacheMisses: number;
  /** Decoded nodes dropped from the cache to respect its bound. */
  cacheEvictions: number;
}

/** One node a lookup visits (`BTree.path`). */
export interface PathStep {
  /** The node's page, or null for a dirty node not yet written. */
  pageId: number | null;
  /** 0 = leaf. */
  level: number;
  kind: 'leaf' | 'branch';
  /** The node's keys (leaf) or separators (branch). */
  keys: Uint8Array[];
  /** The slot followed (branch) or where the key is or would be (leaf). */
  index: number;
}

/** The least logical size of a non-root node that the balance rules guarantee. */
export function minFillBytes(layout: Layout): number {
  const k = layout.maxKeyBytes;
  const inlineEntry = layout.inlineLimitBytes + 1 + 2 * varintBytes(layout.inlineLimitBytes);
  const overflowEntry = varintBytes(k) + k + 17;
  const maxEntry = Math.max(inlineEntry, overflowEntry, branchEntryBytes(k));
  return Math.max(0, Math.floor(layout.capacityBytes / 2) - maxEntry - 16);
}

function show(key: Uint8Array | undefined): string {
  if (key === undefined) return '-';
  return Buffer.from(key.subarray(0, 24)).toString('hex') + (key.length > 24 ? '…' : '');
}

/** Checks the version rooted at `root`; returns every problem found. */
export function verifyTree(pager: Pager, root: Child, height: number, entries: number, counts: NodeCounts): string[] {
  const problems: string[] = [];
  const found: NodeCounts = { leafNodes: 0, branchNodes: 0, overflowPages: 0 };
  const seen = new Set<number>();
  const layout = pager.layout;
  const minFill = minFillBytes(layout);
  let counted = 0;

  const notePage = (id: number, what: string): void => {
    if (seen.has(id)) problems.push(`page ${id} (${what}) is reachable more than once`);
    seen.add(id);
  };

  const visit = (child: Child, level: number, lo: Uint8Array | undefined, hi: Uint8Array | undefined, isRoot: boolean): void => {
    let node: TreeNode;
    try {
      node = pager.resolve(child);
    } catch (e) {
      problems.push(`page ${String(child)} cannot be read: ${(e as Error).message}`);
      return;
    }
    const where = node.pageId === null ? `dirty ${node.kind} at level ${node.level}` : `page ${node.pageId}`;
    if (node.pageId !== null) notePage(node.pageId, node.kind);
    if (node.level !== level) problems.push(`${where}: level ${node.level}, expected ${level} (depth is not uniform)`);
    checkKeys(node, where, lo, hi, problems);
    checkSize(node, where, layout, isRoot ? 0 : minFill, problems);
    if (node.kind === 'leaf') {
      found.leafNodes++;
      counted += node.keys.length;
      for (let i = 0; i < node.values.length; i++) {
        const v = node.values.get(i);
        found.overflowPages += overflowPagesOf(layout, node.keys.lengthAt(i), valueLength(v));
        if (!(v instanceof OverflowRef)) continue;
        try {
          const ids = pager.chainPageIds(v);
          const expected = Math.ceil(v.lengthBytes / pager.overflowDataBytes);
          if (ids.length !== expected) problems.push(`${where}: overflow chain from ${v.firstPageId} has ${ids.length} pages, expected ${expected}`);
          for (const id of ids) notePage(id, 'overflow');
        } catch (e) {
          problems.push(`${where}: overflow chain from ${v.firstPageId} cannot be read: ${(e as Error).message}`);
        }
      }
      return;
    }
    found.branchNodes++;
    if (node.children.length !== node.keys.length + 1) problems.push(`${where}: ${node.children.length} children for ${node.keys.length} separators`);
    if (node.keys.length === 0) problems.push(`${where}: branch without separators`);
    if (level === 0) return;
    for (let i = 0; i < node.children.length; i++) {
      visit(node.children[i], level - 1, i === 0 ? lo : node.keys.at(i - 1), i === node.keys.length ? hi : node.keys.at(i), false);
    }
  };

  visit(root, height - 1, undefined, undefined, true);
  if (counted !== entries) problems.push(`tree holds ${counted} entries, its count says ${entries}`);
  for (const k of ['leafNodes', 'branchNodes', 'overflowPages'] as const) {
    if (found[k] !== counts[k]) problems.push(`tree has ${found[k]} ${k}, its count says ${counts[k]}`);
  }
  return problems;
}

function checkKeys(node: TreeNode, where: string, lo: Uint8Array | undefined, hi: Uint8Array | undefined, problems: string[]): void {
  const keys = node.keys.toArray();
  const p = node.prefixLen;
  if (keys.length > 0 && (keys[0].length < p || keys[keys.length - 1].length < p || compareKeys(keys[0].subarray(0, p), keys[keys.length - 1].subarray(0, p)) !== 0)) {
    problems.push(`${where}: its keys do not all start with the ${p} bytes it assumes they share`);
  }
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && compareKeys(keys[i - 1], keys[i]) >= 0) problems.push(`${where}: key ${i} (${show(keys[i])}) is not above key ${i - 1} (${show(keys[i - 1])})`);
    if (lo !== undefined && compareKeys(keys[i], lo) < 0) problems.push(`${where}: key ${show(keys[i])} is below its separator ${show(lo)}`);
    if (hi !== undefined && compareKeys(keys[i], hi) >= 0) problems.push(`${where}: key ${show(keys[i])} is not below its separator ${show(hi)}`);
  }
}

function checkSize(node: TreeNode, where: string, layout: Layout, minFill: number, problems: string[]): void {
  const recount = node.kind === 'leaf' ? makeLeaf(layout, node.keys, node.values, 0, null).sizeBytes : makeBranch(node.level, node.keys, node.children, 0, null).sizeBytes;
  if (recount !== node.sizeBytes) problems.push(`${where}: size says ${node.sizeBytes} bytes, entries take ${recount}`);
  if (!fitsPage(layout, node)) problems.push(`${where}: ${recount} bytes (its prefix counted once or not) exceed the page payload of ${layout.capacityBytes}`);
  if (recount < minFill) problems.push(`${where}: ${recount} bytes are below the minimum fill of ${minFill}`);
}

/**
 * Counts nodes, overflow pages (of every out-of-line value, written or not) and dirty nodes of the
 * version rooted at `root` by walking it: O(nodes). BTree.stats() keeps these counts incrementally;
 * this walk counts a tree opened from a descriptor without them.
 */
export function collectStats(pager: Pager, root: Child, entries: number, height: number): TreeStats {
  const { cacheHits, cacheMisses, cacheEvictions } = pager.counters;
  const stats: TreeStats = { entries, depth: height, leafNodes: 0, branchNodes: 0, overflowPages: 0, cachedNodes: 0, cachedBytes: 0, dirtyNodes: 0, cacheHits, cacheMisses, cacheEvictions };
  const visit = (child: Child): void => {
    const node = pager.resolve(child);
    if (node.pageId === null) stats.dirtyNodes++;
    if (node.kind === 'branch') {
      stats.branchNodes++;
      for (const c of node.children) visit(c);
      return;
    }
    stats.leafNodes++;
    for (let i = 0; i < node.values.length; i++) stats.overflowPages += overflowPagesOf(pager.layout, node.keys.lengthAt(i), node.values.lengthAt(i));
  };
  visit(root);
  stats.cachedNodes = pager.cachedNodes;
  stats.cachedBytes = pager.cachedBytes;
  return stats;
}
