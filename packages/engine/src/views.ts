/**
 * Read views: how the typed API reads bytes. A view answers point reads and ordered range reads
 * for a table, from one of three sources:
 *  - the live trees (the engine's `get`, which needs no stability);
 *  - a pinned snapshot of every table (scans, iterators, `snapshot()`, a transaction's reads);
 *  - a transaction: its snapshot merged with its own buffered writes, recording what it read.
 */
import { PhotonError } from '@photondb/contracts';
import { compareKeys } from '@photondb/btree';
import type { BTree, TreeSnapshot } from '@photondb/btree';
import type { ReadSet } from './conflicts.js';
import { isEmptyRange, toTreeBounds } from './range.js';
import type { ByteRange } from './range.js';
import type { WriteSet } from './write-set.js';

export type Entry = [Uint8Array, Uint8Array];

/** Reads of one table. */
export interface TableReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Every entry inside `range`, in order. */
  range(range: ByteRange, reverse: boolean): Iterator<Entry>;
  count(range: ByteRange): number;
}

/** Something that reads tables. */
export interface ReadView {
  reader(table: string): TableReader;
}

/** The source of trees for views: the engine core. */
export interface TreeSource {
  tree(name: string): BTree;
}

type TreeLike = Pick<BTree, 'get' | 'range' | 'count'>;

function treeReader(tree: TreeLike): TableReader {
  return {
    get: (key) => tree.get(key),
    range(range, reverse) {
      if (isEmptyRange(range)) return [][Symbol.iterator]();
      return tree.range({ ...toTreeBounds(range), reverse });
    },
    count: (range) => (isEmptyRange(range) ? 0 : tree.count(toTreeBounds(range))),
  };
}

/** Reads the live trees. Not stable across commits: use for single lookups only. */
export class LiveView implements ReadView {
  private readonly source: TreeSource;
  constructor(source: TreeSource) {
    this.source = source;
  }
  reader(table: string): TableReader {
    return treeReader(this.source.tree(table));
  }
}

/** A pinned version of every table, released once by its one user. */
export class SnapshotView implements ReadView {
  readonly snapshotSeq: number;
  private readonly snapshots: Map<string, TreeSnapshot>;
  private refs = 1;
  private readonly onRelease: () => void;

  constructor(snapshots: Map<string, TreeSnapshot>, snapshotSeq: number, onRelease: () => void) {
    this.snapshots = snapshots;
    this.snapshotSeq = snapshotSeq;
    this.onRelease = onRelease;
  }

  get isReleased(): boolean {
    return this.refs === 0;
  }

  release(): void {
    if (this.refs === 0) return;
    if (--this.refs > 0) return;
    for (const s of this.snapshots.values()) s.release();
    this.onRelease();
  }

  reader(table: string): TableReader {
    if (this.refs === 0) throw new PhotonError('CLOSED', 'the snapshot was released');
    const snap = this.snapshots.get(table);
    if (snap === undefined) {
      throw new PhotonError('NOT_FOUND', `table "${table}" did not exist when this snapshot was taken`);
    }
    return treeReader(snap);
  }
}

/** A transaction's view: its snapshot plus its own writes, recording reads for validation. */
export class TransactionView implements ReadView {
  private readonly base: SnapshotView;
  private readonly writes: WriteSet;
  private readonly reads: ReadSet;

  constructor(base: SnapshotView, writes: WriteSet, reads: ReadSet) {
    this.base = base;
    this.writes = writes;
    this.reads = reads;
  }

  reader(table: string): TableReader {
    const base = this.base.reader(table);
    const own = this.writes.tables.get(table);
    const reads = this.reads;
    return {
      get(key) {
        reads.addPoint(table, key);
        const w = own?.lookup(key);
        return w !== undefined ? w.value : base.get(key);
      },
      range(range, reverse) {
        reads.addRange(table, range);
        const mine = own === undefined || own.isEmpty ? [] : own.inRange(range, reverse);
        const theirs = base.range(range, reverse);
        return mine.length === 0 ? theirs : mergeWrites(theirs, mine, reverse);
      },
      count(range) {
        reads.addRange(table, range);
        if (own === undefined || own.isEmpty) return base.count(range);
        let n = 0;
        const it = mergeWrites(base.range(range, false), own.inRange(range, false), false);
        while (!it.next().done) n++;
        return n;
      },
    };
  }
}

/** Merges a snapshot's ordered entries with buffered writes (which win; deletes hide entries). */
function* mergeWrites(
  theirs: Iterator<Entry>,
  mine: readonly { key: Uint8Array; value: Uint8Array | undefined }[],
  reverse: boolean,
): Generator<Entry, void, undefined> {
  const sign = reverse ? -1 : 1;
  let next = theirs.next();
  let i = 0;
  while (!next.done || i < mine.length) {
    if (i >= mine.length) {
      yield next.value as Entry;
      next = theirs.next();
      continue;
    }
    const w = mine[i];
    const c = next.done ? 1 : sign * compareKeys((next.value as Entry)[0], w.key);
    if (c < 0) {
      yield next.value as Entry;
      next = theirs.next();
      continue;
    }
    if (c === 0) next = theirs.next();
    i++;
    if (w.value !== undefined) yield [w.key, w.value];
  }
}
