/**
 * A transaction's private writes, per table: the last put or delete of each key, readable by the
 * transaction itself (reads see their own writes) and iterable in key order for scans.
 */
import { compareKeys } from '@photondb/btree';
import type { BatchOp } from '@photondb/btree';
import { inRange, keyId } from './range.js';
import type { ByteRange } from './range.js';

/** A buffered write: a value, or `undefined` for a delete. */
export interface BufferedWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

/**
 * The writes of one table. Writes are appended as they come; the key-indexed map (for reads of
 * one's own writes and for conflict checks) and the sorted, de-duplicated list (for scans and the
 * commit) are built only when first asked for, so a batch that nothing reads back costs one sort
 * and no per-key strings.
 */
export class TableWrites {
  private readonly log: BufferedWrite[] = [];
  private byKey: Map<string, BufferedWrite> | null = null;
  private sorted: BufferedWrite[] | undefined;

  /** Distinct keys written. */
  get size(): number {
    return this.log.length === 0 ? 0 : this.latest().length;
  }

  /** True when nothing was written. */
  get isEmpty(): boolean {
    return this.log.length === 0;
  }

  set(key: Uint8Array, value: Uint8Array | undefined): void {
    const w = { key, value };
    this.log.push(w);
    this.byKey?.set(keyId(key), w);
    this.sorted = undefined;
  }

  /** The buffered write for `key`, if any (value undefined = deleted). */
  lookup(key: Uint8Array): BufferedWrite | undefined {
    return this.map().get(keyId(key));
  }

  /** The writes inside `range`, in key order (or reverse). */
  inRange(range: ByteRange, reverse: boolean): BufferedWrite[] {
    const out = this.latest().filter((w) => inRange(w.key, range));
    return reverse ? out.reverse() : out;
  }

  /** The writes as B-tree batch operations, in key order. */
  toOps(): BatchOp[] {
    return this.latest().map((w) =>
      w.value === undefined ? { type: 'delete' as const, key: w.key } : { type: 'put' as const, key: w.key, value: w.value },
    );
  }

  /** Whether the key with this id (`keyId`) was written. */
  hasId(id: string): boolean {
    return this.map().has(id);
  }

  keys(): IterableIterator<string> {
    return this.map().keys();
  }

  private map(): Map<string, BufferedWrite> {
    if (this.byKey === null) {
      this.byKey = new Map();
      for (const w of this.log) this.byKey.set(keyId(w.key), w);
    }
    return this.byKey;
  }

  /** The last write of each key, in key order. */
  private latest(): BufferedWrite[] {
    if (this.sorted !== undefined) return this.sorted;
    const log = this.log;
    let ascending = true;
    for (let i = 1; i < log.length && ascending; i++) ascending = compareKeys(log[i - 1].key, log[i].key) < 0;
    if (ascending) return (this.sorted = log.slice());
    // A stable sort keeps equal keys in write order; the last of each run wins.
    const byKey = log.slice().sort((a, b) => compareKeys(a.key, b.key));
    const out: BufferedWrite[] = [];
    for (let i = 0; i < byKey.length; i++) {
      if (i + 1 < byKey.length && compareKeys(byKey[i].key, byKey[i + 1].key) === 0) continue;
      out.push(byKey[i]);
    }
    return (this.sorted = out);
  }
}

/** Every table's writes of one transaction. */
export class WriteSet {
  readonly tables = new Map<string, TableWrites>();

  table(name: string): TableWrites {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new TableWrites();
      this.tables.set(name, t);
    }
    return t;
  }

  get isEmpty(): boolean {
    for (const t of this.tables.values()) if (!t.isEmpty) return false;
    return true;
  }

  /** Per-table operations for the commit record. */
  toCommitOps(): Map<string, BatchOp[]> {
    const out = new Map<string, BatchOp[]>();
    for (const [name, t] of this.tables) if (!t.isEmpty) out.set(name, t.toOps());
    return out;
  }
}
