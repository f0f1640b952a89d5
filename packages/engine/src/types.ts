/**
 * The public shapes of the storage engine: the `StorageEngine` interface (exported on its own so
 * that other implementations can exist), transactions, range options, iterators and stats.
 */

/** Range options shared by `scan`, `iterator` and `count`. Bounds are in the key encoding. */
export interface RangeOptions<K> {
  readonly gt?: K;
  readonly gte?: K;
  readonly lt?: K;
  readonly lte?: K;
  /** Only keys that start with this prefix (raw bytes of the encoded key, or a compound datum prefix). */
  readonly prefix?: K;
  /** Iterate from the largest key down. */
  readonly reverse?: boolean;
  /** At most this many entries (a non-negative integer; default unlimited). */
  readonly limit?: number;
}

/** One put or delete of a batch. */
export type BatchOperation<K, V> =
  | { readonly type: 'put'; readonly key: K; readonly value: V; readonly table?: string }
  | { readonly type: 'del'; readonly key: K; readonly table?: string };

/** Per-commit options. */
export interface CommitOptions {
  /** Override the engine's durability mode for this commit. */
  readonly sync?: boolean;
}

/**
 * Entries of one stable snapshot, usable with `for await` and with `for ... of`.
 * Leaving a loop early releases the snapshot.
 */
export interface EntryIterable<K, V> extends Iterable<[K, V]>, AsyncIterable<[K, V]> {}

/** A cursor over one stable snapshot. Closes itself when a loop over it ends or breaks. */
export interface EngineIterator<K, V> extends Iterable<[K, V]>, AsyncIterable<[K, V]> {
  /** The next entry, or undefined at the end. */
  next(): [K, V] | undefined;
  /** Moves so that the next entry is the first one at or after `key` (at or before, if reverse). */
  seek(key: K): void;
  /** Releases the snapshot. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

/** Read operations shared by the engine, tables, snapshots and transactions. */
export interface ReadOperations<K, V> {
  get(key: K): Promise<V | undefined>;
  getSync(key: K): V | undefined;
  scan(options?: RangeOptions<K>): EntryIterable<K, V>;
  iterator(options?: RangeOptions<K>): EngineIterator<K, V>;
  count(options?: RangeOptions<K>): number;
}

/** A transaction: snapshot reads plus its own buffered writes, committed atomically. */
export interface Transaction<K, V> extends ReadOperations<K, V> {
  set(key: K, value: V): void;
  delete(key: K): void;
  /** A view of one table inside this transaction. */
  table(name: string): Transaction<K, V>;
  /**
   * Resolves when durable per the durability mode; rejects with `CONFLICT` when a transaction that
   * committed after this one began wrote a key this one read (or a key inside a range it scanned).
   */
  commit(options?: CommitOptions): Promise<void>;
  /** Drops the buffered writes. Idempotent. */
  rollback(): void;
  readonly state: 'open' | 'committing' | 'committed' | 'rolled-back' | 'failed';
}

/** A read-only view pinned at one version. */
export interface Snapshot<K, V> extends ReadOperations<K, V> {
  table(name: string): Snapshot<K, V>;
  release(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The storage engine API. */
export interface StorageEngine<K = Uint8Array, V = Uint8Array> extends ReadOperations<K, V> {
  set(key: K, value: V, options?: CommitOptions): Promise<void>;
  delete(key: K, options?: CommitOptions): Promise<void>;
  batch(operations: readonly BatchOperation<K, V>[], options?: CommitOptions): Promise<void>;
  beginTransaction(): Transaction<K, V>;
  close(): Promise<void>;
}

/** Typed engine statistics. */
export interface EngineStats {
  readonly entries: number;
  readonly tables: number;
  readonly treeDepth: number;
  readonly pageSizeBytes: number;
  readonly pageCount: number;
  readonly freePages: number;
  /**
   * Pages by what they hold: the two meta pages, B-tree leaves, branches and overflow pages (from
   * the trees, so between checkpoints nodes changed since the last one count though they have no
   * page yet), free pages, and `other` (the free-list chain and pages held for open snapshots:
   * whatever of `pageCount` the others do not account for, never below zero).
   */
  readonly pagesByType: { readonly meta: number; readonly leaf: number; readonly branch: number; readonly overflow: number; readonly free: number; readonly other: number };
  readonly fileBytes: number;
  readonly logBytes: number;
  readonly logRecords: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly cacheEvictions: number;
  readonly fsyncs: number;
  readonly commits: number;
  readonly conflicts: number;
  readonly checkpoints: number;
  readonly checkpointLsn: number;
  readonly lastLsn: number;
}

/** What recovery found and did at open. */
export interface RecoveryReport {
  readonly cleanShutdown: boolean;
  readonly replayedRecords: number;
  readonly checkpointLsn: number;
  readonly lastLsn: number;
  readonly tornTail?: { readonly bytesDropped: number; readonly afterLsn: number };
}

/** One problem found by `verify()`. */
export interface VerifyProblem {
  readonly where: string;
  readonly message: string;
}

/** Progress of `compact()`: tables copied so far. */
export interface CompactProgress {
  readonly phase: 'copy' | 'done';
  /** The table just copied ('' when done). */
  readonly table: string;
  /** Entries copied so far. */
  readonly entries: number;
}

/** Options of `compact()`. */
export interface CompactOptions {
  /** Aborting before the swap leaves the database unchanged (`ABORTED`). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CompactProgress) => void;
}

/** What `compact()` did. */
export interface CompactReport {
  readonly pagesBefore: number;
  readonly pagesAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}
