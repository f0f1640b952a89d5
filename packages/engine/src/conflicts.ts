/**
 * Optimistic concurrency control: serializable validation of a transaction's reads against the
 * writes of every transaction that committed (or is committing) after its snapshot was taken.
 *
 * Definitions. Every commit gets a sequence number `seq` when it is validated (before its log
 * record is even durable). A transaction's snapshot is taken at `snapshotSeq`: it sees exactly
 * the commits with `seq <= snapshotSeq`.
 * Invariants:
 *  1. A transaction T commits only if no commit C with seq > T.snapshotSeq wrote a key that T read
 *     by point lookup or that lies inside a range T scanned (this rules out lost updates, write
 *     skew and phantoms: the committed history is equivalent to the serial order of `seq`).
 *  2. A commit's write keys stay in `history` while some open transaction's snapshot is older
 *     than it; `prune()` drops the rest.
 */
import { PhotonError } from '@photondb/contracts';
import { keyId } from './range.js';
import type { ByteRange } from './range.js';
import type { TableWrites, WriteSet } from './write-set.js';

/** What one transaction read. */
export class ReadSet {
  readonly points = new Map<string, Set<string>>();
  readonly ranges = new Map<string, ByteRange[]>();

  addPoint(table: string, key: Uint8Array): void {
    let set = this.points.get(table);
    if (set === undefined) this.points.set(table, (set = new Set()));
    set.add(keyId(key));
  }

  addRange(table: string, range: ByteRange): void {
    let list = this.ranges.get(table);
    if (list === undefined) this.ranges.set(table, (list = []));
    list.push(range);
  }

  get isEmpty(): boolean {
    return this.points.size === 0 && this.ranges.size === 0;
  }
}

interface CommittedWrites {
  readonly seq: number;
  /** table -> the commit's writes (immutable once committed; kept by reference, not copied). */
  readonly tables: ReadonlyMap<string, TableWrites>;
}

/** The history of recent commits' write sets. */
export class ConflictTracker {
  private history: CommittedWrites[] = [];
  private seq = 0;


  /** Throws CONFLICT when a later commit wrote what `reads` covers. */
  validate(reads: ReadSet, snapshotSeq: number): void {
    if (reads.isEmpty) return;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const c = this.history[i];
      if (c.seq <= snapshotSeq) break;
      for (const [table, w] of c.tables) {
        const points = reads.points.get(table);
        if (points) {
          if (points.size <= w.size) {
            for (const id of points) if (w.hasId(id)) this.conflict(table, 'a key it read');
          } else {
            for (const id of w.keys()) if (points.has(id)) this.conflict(table, 'a key it read');
          }
        }
        const ranges = reads.ranges.get(table);
        if (ranges) for (const r of ranges) if (w.inRange(r, false).length > 0) this.conflict(table, 'a key inside a range it scanned');
      }
    }
  }

  /** Records a validated commit's writes and returns its sequence number. */
  record(writes: WriteSet): number {
    const seq = ++this.seq;
    this.history.push({ seq, tables: writes.tables });
    return seq;
  }

  /**
   * Drops the commits no transaction can conflict with any more: those at or below `horizonSeq`,
   * the oldest open transaction's snapshot, or the last applied commit when none is open (a
   * transaction that begins later takes its snapshot at or after that).
   */
  prune(horizonSeq: number): void {
    let drop = 0;
    while (drop < this.history.length && this.history[drop].seq <= horizonSeq) drop++;
    if (drop > 0) this.history = this.history.slice(drop);
  }

  private conflict(table: string, what: string): never {
    throw new PhotonError(
      'CONFLICT',
      `transaction conflicts with a later commit that wrote ${what} in table "${table}"; retry the transaction`,
    );
  }
}
