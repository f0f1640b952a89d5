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

/** The writes of one table. */
export class TableWrites {
  private readonly byKey = new Map<string, BufferedWrite>();
  private sorted: BufferedWrite[] | undefined;

  get size(): number {
    return this.byKey.size;
  }

  set(key: Uint8Array, value: Uint8Array | undefined): void {
    this.byKey.set(keyId(key), { key, value });
    this.sorted = undefined;
  }

  /** The buffered write for `key`, if any (value undefined = deleted). */
  lookup(key: Uint8Array): BufferedWrite | undefined {
    return this.byKey.get(keyId(key));
  }

  /** The writes inside `range`, in key order (or reverse). */
  inRange(range: ByteRange, reverse: boolean): BufferedWrite[] {
    if (this.sorted === undefined) {
      this.sorted = [...this.byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
    }
    const out = this.sorted.filter((w) => inRange(w.key, range));
    return reverse ? out.reverse() : out;
  }

  /** The writes as B-tree batch operations, in key order. */
  toOps(): BatchOp[] {
    return this.inRange({ lowerInclusive: true, upperInclusive: true }, false).map((w) =>
      w.value === undefined ? { type: 'delete' as const, key: w.key } : { type: 'put' as const, key: w.key, value: w.value },
    );
  }

  /** Whether the key with this id (`keyId`) was written. */
  hasId(id: string): boolean {
    return this.byKey.has(id);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
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
    for (const t of this.tables.values()) if (t.size > 0) return false;
    return true;
  }

  /** Per-table operations for the commit record. */
  toCommitOps(): Map<string, BatchOp[]> {
    const out = new Map<string, BatchOp[]>();
    for (const [name, t] of this.tables) if (t.size > 0) out.set(name, t.toOps());
    return out;
  }
}
