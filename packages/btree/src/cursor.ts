/**
 * Cursors and range iteration over one tree version (a root).
 *
 * A cursor keeps the path from the root to its leaf (nodes and slot indices), so `next`/`prev`
 * cost O(1) amortized and crossing a leaf boundary climbs only as far as needed. It reads one
 * version: the root it was made from. Range iterators are cursors with bounds, a direction and
 * a limit. This file does not validate arguments (tree.ts and snapshot.ts do).
 */
import { PhotonError } from '@photondb/contracts';
import { compareKeys } from './compare.js';
import { childIndexIn, lowerBoundIn } from './node.js';
import type { BranchNode, Child, LeafNode, LeafValue, TreeNode } from './node.js';

/** Reads nodes and values for a cursor. */
export interface NodeSource {
  resolve(child: Child): TreeNode;
  readValue(value: LeafValue): Uint8Array;
  /**
   * Optional fast path for point lookups in the clean leaf that `ref` names (node.ts `childRef`):
   * its decoded node (when cached, or worth decoding), or else the value slot of `key` read in
   * place without decoding (undefined when absent).
   */
  probeLeaf?(ref: number, key: Uint8Array): TreeNode | LeafValue | undefined;
}

/** Bounds and direction of a range scan. */
export interface RangeOptions {
  /** Only keys strictly greater than this. */
  gt?: Uint8Array;
  /** Only keys greater than or equal to this. */
  gte?: Uint8Array;
  /** Only keys strictly less than this. */
  lt?: Uint8Array;
  /** Only keys less than or equal to this. */
  lte?: Uint8Array;
  /** Descending order when true. */
  reverse?: boolean;
  /** At most this many entries (a non-negative integer); unlimited when absent. */
  limit?: number;
}

/**
 * A position in one tree version. After any move, `valid` says whether it rests on an entry;
 * `key` and `value` are that entry's (buffers owned by the tree: do not modify).
 */
export interface Cursor {
  /** True when the cursor rests on an entry. */
  readonly valid: boolean;
  /** The current key. Throws INVALID_ARGUMENT when not valid. */
  readonly key: Uint8Array;
  /** The current value. Throws INVALID_ARGUMENT when not valid. */
  readonly value: Uint8Array;
  /** Moves to the first entry with key >= `key`; returns `valid`. */
  seek(key: Uint8Array): boolean;
  /** Moves to the first entry; returns `valid`. */
  seekFirst(): boolean;
  /** Moves to the last entry; returns `valid`. */
  seekLast(): boolean;
  /** Moves to the next entry; returns `valid`. An invalid cursor stays invalid. */
  next(): boolean;
  /** Moves to the previous entry; returns `valid`. An invalid cursor stays invalid. */
  prev(): boolean;
}

/** A cursor over the version rooted at `root`. */
export class TreeCursor implements Cursor {
  private readonly source: NodeSource;
  private readonly root: Child;
  private readonly check: (key: unknown) => void;
  private readonly branches: BranchNode[] = [];
  private readonly slots: number[] = [];
  private leaf: LeafNode | null = null;
  private pos = 0;

  constructor(source: NodeSource, root: Child, check: (key: unknown) => void) {
    this.source = source;
    this.root = root;
    this.check = check;
  }

  get valid(): boolean {
    return this.leaf !== null && this.pos >= 0 && this.pos < this.leaf.keys.length;
  }

  get key(): Uint8Array {
    return this.current().keys.at(this.pos);
  }

  get value(): Uint8Array {
    return this.source.readValue(this.current().values.get(this.pos));
  }

  /** The current value slot, without reading an overflow chain. */
  rawValue(): LeafValue {
    return this.current().values.get(this.pos);
  }

  private current(): LeafNode {
    if (!this.valid) throw invalidCursor();
    return this.leaf as LeafNode;
  }

  seek(key: Uint8Array): boolean {
    this.check(key);
    return this.seekGe(key);
  }

  seekFirst(): boolean {
    this.descendEdge(this.root, false);
    return this.settleForward();
  }

  seekLast(): boolean {
    this.descendEdge(this.root, true);
    return this.settleBackward();
  }

  /** First entry >= key. */
  seekGe(key: Uint8Array): boolean {
    this.descendTo(key);
    this.pos = lowerBoundIn(this.leaf as LeafNode, key);
    return this.settleForward();
  }

  /** First entry > key. */
  seekGt(key: Uint8Array): boolean {
    if (this.seekGe(key) && compareKeys(this.key, key) === 0) return this.next();
    return this.valid;
  }

  /** Last entry <= key. */
  seekLe(key: Uint8Array): boolean {
    if (!this.seekGt(key)) return this.seekLast();
    return this.prev();
  }

  /** Last entry < key. */
  seekLt(key: Uint8Array): boolean {
    if (!this.seekGe(key)) return this.seekLast();
    return this.prev();
  }

  next(): boolean {
    if (!this.valid) return false;
    this.pos++;
    return this.settleForward();
  }

  prev(): boolean {
    if (!this.valid) return false;
    this.pos--;
    return this.settleBackward();
  }

  private reset(): void {
    this.branches.length = 0;
    this.slots.length = 0;
  }

  private descendTo(key: Uint8Array): void {
    this.reset();
    let node = this.source.resolve(this.root);
    while (node.kind === 'branch') {
      const i = childIndexIn(node, key);
      this.branches.push(node);
      this.slots.push(i);
      node = this.source.resolve(node.children[i]);
    }
    this.leaf = node;
  }

  private descendEdge(from: Child, last: boolean): void {
    if (from === this.root) this.reset();
    let node = this.source.resolve(from);
    while (node.kind === 'branch') {
      const i = last ? node.children.length - 1 : 0;
      this.branches.push(node);
      this.slots.push(i);
      node = this.source.resolve(node.children[i]);
    }
    this.leaf = node;
    this.pos = last ? node.keys.length - 1 : 0;
  }

  /** If pos is past the leaf's end, moves to the first entry of the next non-empty leaf. */
  private settleForward(): boolean {
    while (this.leaf !== null && this.pos >= this.leaf.keys.length) {
      if (!this.stepLeaf(1)) return false;
    }
    return this.valid;
  }

  /** If pos is before the leaf's start, moves to the last entry of the previous non-empty leaf. */
  private settleBackward(): boolean {
    while (this.leaf !== null && this.pos < 0) {
      if (!this.stepLeaf(-1)) return false;
    }
    return this.valid;
  }

  /** Moves to the neighbouring leaf in `dir`; false (and invalid) at the tree's edge. */
  private stepLeaf(dir: 1 | -1): boolean {
    let depth = this.branches.length - 1;
    while (depth >= 0) {
      const slot = this.slots[depth] + dir;
      if (slot >= 0 && slot < this.branches[depth].children.length) break;
      depth--;
    }
    if (depth < 0) {
      this.leaf = null;
      return false;
    }
    this.branches.length = depth + 1;
    this.slots.length = depth + 1;
    this.slots[depth] += dir;
    this.descendEdge(this.branches[depth].children[this.slots[depth]], dir < 0);
    return true;
  }
}

function invalidCursor(): Error {
  return new PhotonError('INVALID_ARGUMENT', 'the cursor does not rest on an entry (check `valid` first)');
}

/** Normalized bounds: `lo`/`hi` with inclusivity. */
export interface Bounds {
  lo?: Uint8Array;
  loInclusive: boolean;
  hi?: Uint8Array;
  hiInclusive: boolean;
  reverse: boolean;
  limit: number;
}

/** Iterates entries of `cursor`'s version within `b`. */
export function* iterateRange(cursor: TreeCursor, b: Bounds): Generator<[Uint8Array, Uint8Array], void, undefined> {
  if (b.limit <= 0) return;
  if (b.lo !== undefined && b.hi !== undefined) {
    const c = compareKeys(b.lo, b.hi);
    if (c > 0 || (c === 0 && !(b.loInclusive && b.hiInclusive))) return;
  }
  let n = 0;
  if (!b.reverse) {
    let ok = b.lo === undefined ? cursor.seekFirst() : b.loInclusive ? cursor.seekGe(b.lo) : cursor.seekGt(b.lo);
    while (ok) {
      const key = cursor.key;
      if (b.hi !== undefined) {
        const c = compareKeys(key, b.hi);
        if (c > 0 || (c === 0 && !b.hiInclusive)) return;
      }
      yield [key, cursor.value];
      if (++n >= b.limit) return;
      ok = cursor.next();
    }
    return;
  }
  let ok = b.hi === undefined ? cursor.seekLast() : b.hiInclusive ? cursor.seekLe(b.hi) : cursor.seekLt(b.hi);
  while (ok) {
    const key = cursor.key;
    if (b.lo !== undefined) {
      const c = compareKeys(key, b.lo);
      if (c < 0 || (c === 0 && !b.loInclusive)) return;
    }
    yield [key, cursor.value];
    if (++n >= b.limit) return;
    ok = cursor.prev();
  }
}

/** Counts entries within `b` without reading overflow values. O(entries in range). */
export function countRange(cursor: TreeCursor, b: Bounds): number {
  const unlimited: Bounds = { ...b, reverse: false };
  let n = 0;
  if (b.limit <= 0) return 0;
  if (b.lo !== undefined && b.hi !== undefined) {
    const c = compareKeys(b.lo, b.hi);
    if (c > 0 || (c === 0 && !(b.loInclusive && b.hiInclusive))) return 0;
  }
  let ok = unlimited.lo === undefined ? cursor.seekFirst() : unlimited.loInclusive ? cursor.seekGe(unlimited.lo) : cursor.seekGt(unlimited.lo);
  while (ok && n < b.limit) {
    if (b.hi !== undefined) {
      const c = compareKeys(cursor.key, b.hi);
      if (c > 0 || (c === 0 && !b.hiInclusive)) break;
    }
    n++;
    ok = cursor.next();
  }
  return n;
}
