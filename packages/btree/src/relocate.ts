/**
 * Relocation: copies the nodes and overflow chains that sit on pages at or above a page id, so
 * the next `flush()` writes them to the lowest free pages and the store can cut the end of its
 * file once the old pages are free (slab: a checkpoint drops free pages at the end of the file).
 *
 * Rule: a node on a page >= `limit` is copied (path copying, mutate.ts: the copy replaces it in
 * its parent, its page is retired); so is every ancestor of such a node, since a parent's page
 * holds its children's page ids. A leaf value whose overflow chain has a page >= `limit` is read
 * back into the leaf (its chain retired), and `flush()` writes it to a new chain. The tree's
 * content, shape and counts do not change; only where its pages are.
 *
 * Cost: branches are read (they are few); a leaf is read only when it must move, or when the
 * tree has overflow values (whose chain pages are known only from the leaf). Moved nodes stay in
 * memory, dirty, until the next flush: `maxPages` bounds how many are moved in one call.
 */
import { isWritable, writable, writableChild } from './mutate.js';
import type { Writer } from './mutate.js';
import { refPageId } from './node.js';
import type { Child, LeafNode, LeafValue, TreeNode } from './node.js';
import { OverflowRef } from './overflow-ref.js';

/** What relocation needs from the tree, beyond the Writer. */
export interface Relocator extends Writer {
  readValue(value: LeafValue): Uint8Array;
  chainPageIds(value: OverflowRef): number[];
}

/** One relocation pass over a tree. */
export class Relocation {
  /** Pages copied so far (nodes and overflow pages). */
  moved = 0;
  private readonly w: Relocator;
  private readonly limit: number;
  private readonly maxPages: number;
  /** Leaves must be read to find overflow chains above the limit. */
  private readonly readLeaves: boolean;

  constructor(w: Relocator, limit: number, maxPages: number, readLeaves: boolean) {
    this.w = w;
    this.limit = limit;
    this.maxPages = maxPages;
    this.readLeaves = readLeaves;
  }

  /** True while the budget allows another page to move. */
  get hasBudget(): boolean {
    return this.moved < this.maxPages;
  }

  /** True when the subtree at `child` (a node at `level`) has a page that must move. */
  needs(child: Child, level: number): boolean {
    const id = typeof child === 'number' ? refPageId(child) : child.pageId;
    if (id !== null && id >= this.limit) return true;
    if (level === 0) {
      if (!this.readLeaves) return false;
      return this.leafValuesNeed(this.w.resolve(child) as LeafNode);
    }
    const node = this.w.resolve(child);
    if (node.kind !== 'branch') return false;
    for (const c of node.children) if (this.needs(c, level - 1)) return true;
    return false;
  }

  /**
   * Moves what must move under `node`, which the caller made writable (it counted the node if
   * it was copied). Stops when the budget is spent.
   */
  relocateIn(node: TreeNode): void {
    if (node.kind === 'leaf') {
      if (this.readLeaves) this.rereadValues(node);
      return;
    }
    const childLevel = node.level - 1;
    for (let i = 0; i < node.children.length && this.hasBudget; i++) {
      if (!this.needs(node.children[i], childLevel)) continue;
      const before = node.children[i];
      const child = writableChild(this.w, node, i);
      if (child !== before) this.moved++;
      this.relocateIn(child);
    }
  }

  /** A writable root for `root` (a copy when it is clean), counting the copy. */
  writableRoot(root: TreeNode): TreeNode {
    if (isWritable(this.w, root)) return root;
    this.moved++;
    return writable(this.w, root);
  }

  private leafValuesNeed(leaf: LeafNode): boolean {
    const values = leaf.values;
    for (let i = 0; i < values.length; i++) {
      if (!values.isRef(i)) continue;
      const ref = values.get(i) as OverflowRef;
      if (this.w.chainPageIds(ref).some((id) => id >= this.limit)) return true;
    }
    return false;
  }

  private rereadValues(leaf: LeafNode): void {
    const values = leaf.values;
    for (let i = 0; i < values.length && this.hasBudget; i++) {
      if (!values.isRef(i)) continue;
      const ref = values.get(i) as OverflowRef;
      const ids = this.w.chainPageIds(ref);
      if (!ids.some((id) => id >= this.limit)) continue;
      const bytes = this.w.readValue(ref);
      this.w.retireValue(ref);
      values.set(i, bytes);
      this.moved += ids.length;
    }
  }
}
