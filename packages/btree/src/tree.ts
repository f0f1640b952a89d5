/**
 * BTree: a copy-on-write B+tree over a PageStore, one named tree per catalog entry.
 *
 * Versions and epochs. The tree has a working version (its root) and an `epoch` counter. A node
 * may be changed in place only while dirty and created at the current epoch (mutate.ts);
 * `snapshot()` hands out the current root and moves to the next epoch, so the snapshot's nodes
 * are copied, never changed, by later writes.
 *
 * Page lifecycle:
 *
 *   allocate+write (flush) --> live in the working tree
 *        live --(path copy / delete / drop at epoch e)--> retired(e)
 *        retired(e) --(flush or release, no live snapshot with epoch < e)--> free()
 *
 * Invariants:
 *  1. A page reachable from a live snapshot is never freed: a page retired at epoch e may be
 *     needed only by snapshots taken before e (snapshot epoch < e).
 *  2. flush() writes only freshly allocated pages, children before parents, then the catalog
 *     descriptor (root, height, entries); the caller's checkpoint makes it durable atomically.
 *  3. Public methods validate every argument before changing anything.
 */
import { PhotonError, copyBytes, describeValue } from '@photondb/contracts';
import type { PageStore } from '@photondb/contracts';
import { loadTree } from './bulk-load.js';
import { compareKeys as compareBytes } from './compare.js';
import { TreeCursor, countRange, iterateRange } from './cursor.js';
import type { Cursor, RangeOptions } from './cursor.js';
import { decodeDescriptor, decodeHeldList, encodeDescriptor, encodeHeldList } from './format.js';
import type { BatchOp, Descriptor } from './format.js';
import { checkBound, checkKey, checkValue, makeLayout, parseRange } from './limits.js';
import type { CacheBudget } from './limits.js';
import type { TreeOptions } from './limits.js';
import { insert, remove, split, writable } from './mutate.js';
import type { Writer } from './mutate.js';
import { OverflowRef, childRef, emptyLeaf, makeBranch, childIndex, fitsPage, refPageId, refStamp } from './node.js';
import type { Child, Layout, LeafValue, NodeCounts, TreeNode } from './node.js';
import { packLeaves } from './pack.js';
import { Pager } from './pager.js';
import { Relocation } from './relocate.js';
import { Snapshot, lookup } from './snapshot.js';
import type { SnapshotHost, TreeSnapshot } from './snapshot.js';
import { collectStats, verifyTree } from './verify.js';
import type { PathStep, TreeStats } from './verify.js';

interface Retired {
  readonly pageId: number;
  readonly epoch: number;
}

/** A durable, copy-on-write B+tree of byte keys and byte values over a PageStore. */
export class BTree implements Writer, SnapshotHost {
  readonly layout: Layout;
  readonly name: string;
  private readonly store: PageStore;
  private readonly pager: Pager;
  private root: Child;
  private height: number;
  private entries: number;
  /** Pages by kind, kept current by every change (Writer); null until counted (v1/v2 descriptor). */
  private countsValue: NodeCounts | null = { leafNodes: 1, branchNodes: 0, overflowPages: 0 };
  private epochValue = 1;
  /** True when a write happened at the current epoch (iterators then need a new epoch). */
  private writtenThisEpoch = false;
  private retired: Retired[] = [];
  /** See `dirtyNodesSinceFlush`. */
  private dirtySinceFlush = 0;
  /** The chain holding the held list of the descriptor last written (freed when replaced). */
  private heldList: OverflowRef | null = null;
  private readonly snapshots = new Set<Snapshot>();
  private dropped = false;

  /** Encoded bytes `flush()` packs runs of dirty leaves to (pack.ts); 0 = no packing. */
  private readonly packBytes: number;

  private constructor(store: PageStore, name: string, layout: Layout, cache: CacheBudget, packFill: number) {
    this.store = store;
    this.name = name;
    this.layout = layout;
    this.packBytes = Math.floor(layout.capacityBytes * packFill);
    this.pager = new Pager(store, layout, cache);
    this.root = emptyLeaf(this.epochValue);
    this.height = 1;
    this.entries = 0;
  }

  /**
   * Opens the tree whose descriptor is the catalog entry `name`, or an empty tree if there is
   * none (the entry is written by the first flush). Synchronous.
   * Throws INVALID_ARGUMENT (bad name or options), CORRUPTION (bad descriptor or root page).
   */
  static open(store: PageStore, name: string, options?: TreeOptions): BTree {
    if (typeof name !== 'string' || name.length === 0) {
      throw new PhotonError('INVALID_ARGUMENT', 'tree name must be a non-empty string');
    }
    const { layout, cache, packFill } = makeLayout(store, options);
    const tree = new BTree(store, name, layout, cache, packFill);
    const bytes = store.getCatalog(name);
    if (bytes !== undefined) {
      const d = decodeDescriptor(bytes, name);
      tree.root = childRef(d.rootPageId, d.rootStamp);
      tree.height = d.height;
      tree.entries = d.entries;
      tree.countsValue = d.counts === undefined ? null : { ...d.counts };
      const root = tree.pager.load(tree.root);
      if (root.level !== d.height - 1) {
        throw new PhotonError('CORRUPTION', `tree "${name}": root page ${d.rootPageId} is at level ${root.level}, descriptor says height ${d.height}`, { pageId: d.rootPageId });
      }
      if (d.held !== undefined) tree.freeHeld(d, d.held);
    }
    return tree;
  }

  /**
   * Frees the pages an earlier run held for its snapshots (none survives a restart) and the list's
   * own chain, and sets the catalog entry to the same descriptor without the list: the store's
   * next checkpoint makes the frees and the new descriptor durable together, so a crash before it
   * finds the old list again and a page is never freed twice. On a read-only store nothing can be
   * freed: the pages stay held (in memory, like pages retired in this run).
   */
  private freeHeld(d: Descriptor, held: NonNullable<Descriptor['held']>): void {
    const ref = new OverflowRef(held.firstPageId, held.lengthBytes, held.stamp);
    const ids = decodeHeldList(this.pager.readValue(ref), this.name);
    const chain = this.pager.chainPageIds(ref);
    const all = ids.concat(chain);
    try {
      if (all.length > 0) this.pager.free(all[0]);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'READ_ONLY') throw e;
      for (const pageId of ids) this.retired.push({ pageId, epoch: 0 });
      this.heldList = ref;
      return;
    }
    for (let i = 1; i < all.length; i++) this.pager.free(all[i]);
    const { rootPageId, rootStamp, height, entries, counts } = d;
    this.store.setCatalog(this.name, encodeDescriptor({ rootPageId, rootStamp, height, entries, ...(counts !== undefined ? { counts } : {}) }));
  }

  /**
   * Pages of the working tree by kind (Writer), adjusted by every change. Until a tree opened from
   * a v1/v2 descriptor has been counted, changes adjust a scratch copy nobody reads.
   */
  get counts(): NodeCounts {
    return this.countsValue ?? this.uncounted;
  }

  private readonly uncounted: NodeCounts = { leafNodes: 0, branchNodes: 0, overflowPages: 0 };

  /** The page counts, walking the tree once if they are not known yet (v1/v2 descriptor). */
  private knownCounts(): NodeCounts {
    if (this.countsValue === null) {
      const s = collectStats(this.pager, this.root, this.entries, this.height);
      this.countsValue = { leafNodes: s.leafNodes, branchNodes: s.branchNodes, overflowPages: s.overflowPages };
    }
    return this.countsValue;
  }

  /** The current write epoch (Writer). */
  get epoch(): number {
    return this.epochValue;
  }

  // ------------------------------------------------------------------ Writer / SnapshotHost

  /** @internal */
  resolve(child: Child): TreeNode {
    return this.pager.resolve(child);
  }

  /** @internal */
  probeLeaf(ref: number, key: Uint8Array): TreeNode | LeafValue | undefined {
    return this.pager.probeLeaf(ref, key);
  }

  /** @internal */
  readValue(value: LeafValue): Uint8Array {
    return this.pager.readValue(value);
  }

  /** @internal */
  retireNode(node: TreeNode): void {
    if (node.pageId !== null) this.retired.push({ pageId: node.pageId, epoch: this.epochValue });
  }

  /** @internal */
  noteDirty(): void {
    this.dirtySinceFlush++;
  }

  /**
   * Nodes made dirty since the last `flush()` (copies of clean nodes and nodes new from splits):
   * an upper bound of the nodes held in memory until the next flush, counted in O(1) per change
   * so a caller can flush when they grow past a memory budget (`stats().dirtyNodes` walks them).
   */
  get dirtyNodesSinceFlush(): number {
    return this.dirtySinceFlush;
  }

  /** @internal */
  retireValue(value: LeafValue): void {
    if (value instanceof OverflowRef) {
      for (const pageId of this.pager.chainPageIds(value)) this.retired.push({ pageId, epoch: this.epochValue });
    }
  }

  /** @internal The page ids of a value's overflow chain (relocate.ts). */
  chainPageIds(value: OverflowRef): number[] {
    return this.pager.chainPageIds(value);
  }

  /** @internal */
  releaseSnapshot(snapshot: Snapshot): void {
    this.snapshots.delete(snapshot);
    if (this.dropped) this.freeRetired();
  }

  // ------------------------------------------------------------------ reads

  private checkOpen(): void {
    if (this.dropped) throw new PhotonError('CLOSED', `tree "${this.name}" was dropped`);
  }

  /** The value of `key` (owned by the tree: do not modify), or undefined. Hot path: no allocation. */
  get(key: Uint8Array): Uint8Array | undefined {
    this.checkOpen();
    checkKey(this.layout, key);
    const v = lookup(this.pager, this.root, key);
    return v === undefined ? undefined : this.pager.readValue(v);
  }

  /** True when `key` is present. */
  has(key: Uint8Array): boolean {
    this.checkOpen();
    checkKey(this.layout, key);
    return lookup(this.pager, this.root, key) !== undefined;
  }

  /**
   * Entries within `options`, ascending unless `reverse`. The iterator reads the version current
   * at its first `next()` and holds it like a snapshot until it finishes or is closed (`break`).
   * Throws INVALID_ARGUMENT for bad options (at the call).
   */
  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    this.checkOpen();
    const bounds = parseRange(options);
    return this.iterate(bounds);
  }

  private *iterate(bounds: ReturnType<typeof parseRange>): Generator<[Uint8Array, Uint8Array], void, undefined> {
    const snap = this.snapshot() as Snapshot;
    try {
      yield* iterateRange(this.cursorAt(snap.rootChild()), bounds);
    } finally {
      snap.release();
    }
  }

  /** Entries within `options`: O(1) for the whole tree, else O(entries in range). */
  count(options?: RangeOptions): number {
    this.checkOpen();
    const bounds = parseRange(options);
    if (options === undefined) return this.entries;
    return countRange(this.cursorAt(this.root), bounds);
  }

  /** The smallest entry, or undefined when empty. */
  first(): [Uint8Array, Uint8Array] | undefined {
    this.checkOpen();
    const c = this.cursorAt(this.root);
    return c.seekFirst() ? [c.key, c.value] : undefined;
  }

  /** The largest entry, or undefined when empty. */
  last(): [Uint8Array, Uint8Array] | undefined {
    this.checkOpen();
    const c = this.cursorAt(this.root);
    return c.seekLast() ? [c.key, c.value] : undefined;
  }

  /** Entries whose key starts with `p`, ascending unless `reverse`. */
  prefix(p: Uint8Array, options?: { reverse?: boolean; limit?: number }): IterableIterator<[Uint8Array, Uint8Array]> {
    checkBound(p, 'prefix');
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new PhotonError('INVALID_ARGUMENT', 'prefix options must be an object');
    }
    const end = prefixEnd(p);
    return this.range({ gte: p, ...(end === undefined ? {} : { lt: end }), reverse: options?.reverse, limit: options?.limit });
  }

  /**
   * A cursor over the current version. It is not a snapshot: do not use it after a later
   * write+flush (take `snapshot().cursor()` for that). Writes alone do not disturb it.
   */
  cursor(): Cursor {
    this.checkOpen();
    this.freezeForReaders();
    return this.cursorAt(this.root);
  }

  private cursorAt(root: Child): TreeCursor {
    return new TreeCursor(this.pager, root, (key) => checkBound(key, 'seek key'));
  }

  /** Makes the current nodes immutable if writes happened at this epoch. */
  private freezeForReaders(): void {
    if (this.writtenThisEpoch) {
      this.epochValue++;
      this.writtenThisEpoch = false;
    }
  }

  /** A stable version of the tree: a root reference. Release it when done. */
  snapshot(): TreeSnapshot {
    this.checkOpen();
    const snap = new Snapshot(this, this.root, this.epochValue, this.entries);
    this.snapshots.add(snap);
    this.epochValue++;
    this.writtenThisEpoch = false;
    return snap;
  }

  // ------------------------------------------------------------------ writes

  /** Inserts or replaces `key`. Key and value are copied. Throws INVALID_ARGUMENT, TOO_LARGE. */
  put(key: Uint8Array, value: Uint8Array): void {
    this.checkOpen();
    checkKey(this.layout, key);
    checkValue(this.layout, value);
    this.putValid(key, value); // the leaf copies both (keys.ts)
  }

  /** Deletes `key`; returns whether it was present. Throws INVALID_ARGUMENT, TOO_LARGE. */
  delete(key: Uint8Array): boolean {
    this.checkOpen();
    checkKey(this.layout, key);
    return this.deleteValid(key);
  }

  /**
   * Applies a batch in order. Every op is validated before any is applied. Re-applying the same
   * batch (redo on recovery) gives the same state. Throws INVALID_ARGUMENT, TOO_LARGE.
   */
  apply(ops: readonly BatchOp[]): void {
    this.checkOpen();
    if (!Array.isArray(ops)) throw new PhotonError('INVALID_ARGUMENT', 'apply() takes an array of operations');
    for (const op of ops) checkOp(this.layout, op);
    for (const op of ops) {
      if (op.type === 'put') this.putValid(op.key, op.value); // the leaf copies both
      else this.deleteValid(op.key);
    }
  }

  private writableRoot(): TreeNode {
    this.writtenThisEpoch = true;
    const root = writable(this, this.pager.resolve(this.root));
    this.root = root;
    return root;
  }

  private putValid(key: Uint8Array, value: Uint8Array): void {
    const root = this.writableRoot();
    if (insert(this, root, key, value)) this.entries++;
    this.fixRoot(root);
  }

  private deleteValid(key: Uint8Array): boolean {
    if (lookup(this.pager, this.root, key) === undefined) return false;
    const root = this.writableRoot();
    remove(this, root, key);
    this.entries--;
    this.fixRoot(root);
    return true;
  }

  /** Grows the tree when the root overflows; shrinks it while the root is a one-child branch. */
  private fixRoot(root: TreeNode): void {
    if (!fitsPage(this.layout, root)) {
      const { separator, right } = split(this, root);
      const top = makeBranch(root.level + 1, [separator], [root, right], this.epochValue, null);
      this.counts.branchNodes++;
      this.dirtySinceFlush++;
      this.root = top;
      this.height++;
      return;
    }
    let node: TreeNode = root;
    while (node.kind === 'branch' && node.keys.length === 0) {
      this.retireNode(node);
      this.counts.branchNodes--;
      this.root = node.children[0];
      this.height--;
      node = this.pager.resolve(this.root);
    }
  }

  /**
   * Bulk-loads ascending entries into an EMPTY tree, packing leaves full. Much faster than
   * repeated put(). Throws INVALID_ARGUMENT (tree not empty, keys not strictly ascending, not
   * Uint8Array) and TOO_LARGE, before changing anything.
   */
  load(sortedEntries: Iterable<[Uint8Array, Uint8Array]>): void {
    this.checkOpen();
    if (this.entries !== 0) throw new PhotonError('INVALID_ARGUMENT', `load() needs an empty tree; "${this.name}" has ${this.entries} entries`);
    if (sortedEntries === null || typeof (sortedEntries as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
      throw new PhotonError('INVALID_ARGUMENT', 'load() takes an iterable of [key, value] pairs');
    }
    // One validating pass (an array is read in place; another iterable is collected once, each
    // pair copied in case the iterator reuses it), then the leaves are encoded straight from the
    // input into pages (bulk-load.ts): no per-entry copies, nothing of the input is retained.
    const list: readonly unknown[] = Array.isArray(sortedEntries) ? sortedEntries : Array.from(sortedEntries as Iterable<unknown>, copyPairArray);
    let prev: Uint8Array | undefined;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (!Array.isArray(entry) || entry.length !== 2) throw new PhotonError('INVALID_ARGUMENT', `load() entry ${i} is not a [key, value] pair`);
      const k: unknown = entry[0];
      const v: unknown = entry[1];
      checkKey(this.layout, k);
      checkValue(this.layout, v);
      if (prev !== undefined && compareBytes(prev, k) >= 0) {
        throw new PhotonError('INVALID_ARGUMENT', `load() entry ${i} is not above the previous key (input must be sorted and unique)`);
      }
      prev = k;
    }
    if (list.length === 0) return;
    this.writtenThisEpoch = true;
    this.retireNode(this.pager.resolve(this.root));
    const built = loadTree(this.pager, list as readonly (readonly [Uint8Array, Uint8Array])[], this.epochValue);
    this.root = built.root;
    this.height = built.height;
    this.entries = list.length;
    this.countsValue = { leafNodes: built.leafNodes, branchNodes: built.branchNodes, overflowPages: built.overflowPages };
  }

  // ------------------------------------------------------------------ relocation

  /**
   * Copies the nodes and overflow chains on pages at or above `limitPageId` (and the branches
   * above them) so the next `flush()` writes them to the lowest free pages of the store; after the
   * checkpoints that free the old pages the store can cut the end of its file (relocate.ts).
   * Content is unchanged. At most `maxPages` pages move per call (default: all); call again for
   * the rest. Returns the pages moved (0 when none is at or above the limit). Pages retired while
   * a snapshot is open stay where they are until it is released.
   * Throws INVALID_ARGUMENT (limit not a non-negative integer, maxPages not a positive integer or
   * Infinity), CLOSED (dropped tree), CORRUPTION (a damaged page read on the way).
   */
  relocate(limitPageId: number, options: { readonly maxPages?: number } = {}): number {
    this.checkOpen();
    if (typeof limitPageId !== 'number' || !Number.isSafeInteger(limitPageId) || limitPageId < 0) {
      throw new PhotonError('INVALID_ARGUMENT', `relocate() limit must be a non-negative integer page id; got ${describeValue(limitPageId)}`);
    }
    if (typeof options !== 'object' || options === null) throw new PhotonError('INVALID_ARGUMENT', 'relocate() options must be an object');
    const maxPages: unknown = 'maxPages' in options && options.maxPages !== undefined ? options.maxPages : Infinity;
    if (typeof maxPages !== 'number' || !(maxPages === Infinity || (Number.isSafeInteger(maxPages) && maxPages > 0))) {
      throw new PhotonError('INVALID_ARGUMENT', `relocate() maxPages must be a positive integer or Infinity; got ${describeValue(maxPages)}`);
    }
    // Chains are found only through leaves: read them when the tree has (or may have) overflow values.
    const readLeaves = this.countsValue === null || this.countsValue.overflowPages > 0;
    const pass = new Relocation(this, limitPageId, maxPages, readLeaves);
    if (!pass.needs(this.root, this.height - 1)) return 0;
    this.writtenThisEpoch = true;
    const root = pass.writableRoot(this.pager.resolve(this.root));
    this.root = root;
    pass.relocateIn(root);
    return pass.moved;
  }

  // ------------------------------------------------------------------ flush, drop

  /**
   * Writes every dirty node to freshly allocated pages (children first), frees retired pages no
   * live snapshot can reach, and sets the catalog entry to the new descriptor. Before writing,
   * runs of neighbouring leaves changed at the current epoch are packed (`packFill`, pack.ts).
   * Synchronous; the caller then runs `store.checkpoint(lsn)` to make it durable.
   */
  flush(): void {
    if (this.dropped) {
      this.freeRetired();
      return;
    }
    if (this.packBytes > 0) packLeaves(this, this.root, this.packBytes);
    const root = this.pager.writeDirty(this.root);
    this.root = root;
    this.dirtySinceFlush = 0;
    this.freeRetired();
    const held = this.writeHeldList();
    this.store.setCatalog(
      this.name,
      encodeDescriptor({
        rootPageId: refPageId(root),
        // 0 only for a root still on a v1 page (not stamped): not checked until it is rewritten.
        rootStamp: refStamp(root),
        height: this.height,
        entries: this.entries,
        ...(this.countsValue !== null ? { counts: this.countsValue } : {}),
        ...(held ? { held: { firstPageId: held.firstPageId, lengthBytes: held.lengthBytes, stamp: held.stamp } } : {}),
      }),
    );
  }

  /**
   * Replaces the durable held list: frees the chain of the previous one (only the descriptor being
   * replaced referenced it) and writes the pages still held, if any, to a new chain.
   */
  private writeHeldList(): OverflowRef | undefined {
    if (this.heldList !== null) {
      for (const pageId of this.pager.chainPageIds(this.heldList)) this.pager.free(pageId);
      this.heldList = null;
    }
    if (this.retired.length === 0) return undefined;
    this.heldList = this.pager.writeOverflow(encodeHeldList(this.retired.map((r) => r.pageId)));
    return this.heldList;
  }

  private freeRetired(): void {
    let oldest = Infinity;
    for (const s of this.snapshots) if (s.epoch < oldest) oldest = s.epoch;
    const keep: Retired[] = [];
    for (const r of this.retired) {
      if (oldest < r.epoch) keep.push(r);
      else this.pager.free(r.pageId);
    }
    this.retired = keep;
  }

  /**
   * Retires every page of the tree and removes its catalog entry; pages live snapshots still
   * read are freed when the last of them is released. Afterwards the tree throws CLOSED.
   */
  drop(): void {
    this.checkOpen();
    this.retireSubtree(this.root);
    this.dropped = true;
    this.root = emptyLeaf(this.epochValue);
    this.countsValue = { leafNodes: 1, branchNodes: 0, overflowPages: 0 };
    this.store.setCatalog(this.name, undefined);
    if (this.heldList !== null) {
      // Its pages are on the retired list already; only the list's own chain goes now.
      for (const pageId of this.pager.chainPageIds(this.heldList)) this.pager.free(pageId);
      this.heldList = null;
    }
    this.freeRetired();
  }

  private retireSubtree(child: Child): void {
    const node = this.pager.resolve(child);
    this.retireNode(node);
    if (node.kind === 'branch') for (const c of node.children) this.retireSubtree(c);
    else for (let i = 0; i < node.values.length; i++) if (node.values.isRef(i)) this.retireValue(node.values.get(i));
  }

  // ------------------------------------------------------------------ inspection

  /** Every structural problem found, as sentences; empty when the tree is sound. O(n). */
  verify(): string[] {
    if (this.dropped) return [];
    return verifyTree(this.pager, this.root, this.height, this.entries, this.knownCounts());
  }

  /**
   * Counts of entries, nodes and pages: O(1) but for `dirtyNodes`, which walks the nodes changed
   * since the last flush (never a page). A tree opened from a v1/v2 descriptor walks itself once.
   */
  stats(): TreeStats {
    const { cacheHits, cacheMisses, cacheEvictions } = this.pager.counters;
    const c = this.dropped ? { leafNodes: 1, branchNodes: 0, overflowPages: 0 } : this.knownCounts();
    return {
      entries: this.dropped ? 0 : this.entries,
      depth: this.dropped ? 1 : this.height,
      leafNodes: c.leafNodes,
      branchNodes: c.branchNodes,
      overflowPages: c.overflowPages,
      cachedNodes: this.pager.cachedNodes,
      cachedBytes: this.pager.cachedBytes,
      dirtyNodes: this.dropped ? 1 : countDirty(this.root),
      cacheHits,
      cacheMisses,
      cacheEvictions,
    };
  }

  /** The nodes a lookup of `key` visits, root first. */
  path(key: Uint8Array): PathStep[] {
    this.checkOpen();
    checkBound(key, 'key');
    const steps: PathStep[] = [];
    let node = this.pager.resolve(this.root);
    for (;;) {
      if (node.kind === 'leaf') {
        const keys = node.keys.toArray();
        let i = 0;
        while (i < keys.length && compareBytes(keys[i], key) < 0) i++;
        steps.push({ pageId: node.pageId, level: 0, kind: 'leaf', keys, index: i });
        return steps;
      }
      const keys = node.keys.toArray();
      const i = childIndex(keys, key, compareBytes);
      steps.push({ pageId: node.pageId, level: node.level, kind: 'branch', keys, index: i });
      node = this.pager.resolve(node.children[i]);
    }
  }
}

/** Dirty nodes of the version rooted at `root`: they sit above every clean one, so only they are walked. */
function countDirty(root: Child): number {
  if (typeof root === 'number' || root.pageId !== null) return 0;
  let n = 1;
  if (root.kind === 'branch') for (const c of root.children) n += countDirty(c);
  return n;
}

/**
 * Copies a key and value into one new buffer (one backing store instead of two: allocation and
 * GC dominate put() in bench/tree.bench.ts "put replace random").
 */
function copyPairArray(entry: unknown): unknown {
  return Array.isArray(entry) && entry.length === 2 ? [entry[0], entry[1]] : entry;
}

function checkOp(layout: Layout, op: unknown): void {
  if (typeof op !== 'object' || op === null) throw new PhotonError('INVALID_ARGUMENT', 'a batch operation must be an object');
  const o = op as { type?: unknown; key?: unknown; value?: unknown };
  if (o.type === 'put') {
    checkKey(layout, o.key);
    checkValue(layout, o.value);
  } else if (o.type === 'delete') {
    checkKey(layout, o.key);
  } else {
    throw new PhotonError('INVALID_ARGUMENT', `a batch operation's type must be "put" or "delete"; got ${describeValue(o.type)}`);
  }
}

/** The smallest key above every key starting with `p`, or undefined when there is none. */
export function prefixEnd(p: Uint8Array): Uint8Array | undefined {
  let n = p.length;
  while (n > 0 && p[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const end = copyBytes(p, 0, n);
  end[n - 1]++;
  return end;
}
