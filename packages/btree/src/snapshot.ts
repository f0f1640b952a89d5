/**
 * Snapshots: a tree version held by a root reference.
 *
 * A snapshot records the root and the epoch it was taken at; the tree then moves to the next
 * epoch, so any later write copies the nodes it touches instead of changing nodes the snapshot
 * shares. Pages the working tree stops using while the snapshot is live are retired, not freed
 * (tree.ts); `release()` lets the next flush free them. Reading a released snapshot is CLOSED.
 */
import { PhotonError } from '@photondb/contracts';
import { compareKeys } from './compare.js';
import { TreeCursor, countRange, iterateRange } from './cursor.js';
import type { Cursor, NodeSource, RangeOptions } from './cursor.js';
import { checkBound, checkKey, parseRange } from './limits.js';
import { OverflowRef, childIndexIn, lowerBoundIn } from './node.js';
import type { Child, Layout, LeafValue } from './node.js';

/** A stable version of a tree; survives later `apply()`/`flush()` on the tree. */
export interface TreeSnapshot {
  /** The value of `key` in this version (owned by the tree: do not modify), or undefined. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** True when `key` is present in this version. */
  has(key: Uint8Array): boolean;
  /** Entries of this version within `options`, ascending unless `reverse`. */
  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]>;
  /** Number of entries within `options` (O(1) for the whole version, else O(entries counted)). */
  count(options?: RangeOptions): number;
  /** A cursor over this version. */
  cursor(): Cursor;
  /** Releases the version. Idempotent; afterwards reads throw CLOSED. */
  release(): void;
}

/** The value slot of `key` in the version rooted at `root`, or undefined. Allocation-free when cached. */
export function lookup(source: NodeSource, root: Child, key: Uint8Array): LeafValue | undefined {
  let node = source.resolve(root);
  while (node.kind === 'branch') {
    const child = node.children[childIndexIn(node, key)];
    if (node.level === 1 && typeof child === 'number' && source.probeLeaf !== undefined) {
      // A clean leaf: its cached node, or its page searched in place instead of decoded.
      const found = source.probeLeaf(child, key);
      if (found === undefined || found instanceof Uint8Array || found instanceof OverflowRef) return found;
      node = found;
      continue;
    }
    node = source.resolve(child);
  }
  const i = lowerBoundIn(node, key);
  if (i < node.keys.length && node.keys.compareAt(i, key) === 0) return node.values.get(i);
  return undefined;
}

/** What a snapshot needs from its tree. */
export interface SnapshotHost extends NodeSource {
  readonly layout: Layout;
  releaseSnapshot(snapshot: Snapshot): void;
}

/** A snapshot of one tree version. */
export class Snapshot implements TreeSnapshot {
  readonly epoch: number;
  private readonly host: SnapshotHost;
  private readonly root: Child;
  private readonly entries: number;
  private released = false;

  constructor(host: SnapshotHost, root: Child, epoch: number, entries: number) {
    this.host = host;
    this.root = root;
    this.epoch = epoch;
    this.entries = entries;
  }

  /** @internal The root this version reads. */
  rootChild(): Child {
    return this.root;
  }

  private checkLive(): void {
    if (this.released) throw new PhotonError('CLOSED', 'the tree snapshot was released');
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.checkLive();
    checkKey(this.host.layout, key);
    const v = lookup(this.host, this.root, key);
    return v === undefined ? undefined : this.host.readValue(v);
  }

  has(key: Uint8Array): boolean {
    this.checkLive();
    checkKey(this.host.layout, key);
    return lookup(this.host, this.root, key) !== undefined;
  }

  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    this.checkLive();
    const bounds = parseRange(options);
    return iterateRange(this.newCursor(), bounds);
  }

  count(options?: RangeOptions): number {
    this.checkLive();
    const bounds = parseRange(options);
    if (options === undefined) return this.entries;
    return countRange(this.newCursor(), bounds);
  }

  cursor(): Cursor {
    this.checkLive();
    return this.newCursor();
  }

  private newCursor(): TreeCursor {
    return new TreeCursor(this.host, this.root, (key) => {
      this.checkLive();
      checkBound(key, 'seek key');
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.host.releaseSnapshot(this);
  }
}
