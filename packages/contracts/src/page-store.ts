/**
 * PageStore: what a B-tree needs from a page file, and nothing more.
 *
 * Model. A store holds fixed-size pages addressed by `PageId`, a small named catalog (where
 * callers keep the roots of their trees), and a checkpoint LSN. The durable state is the state
 * as of the last completed `checkpoint()`. Reopening after a crash yields exactly that state.
 *
 * Invariants every implementation keeps:
 *  1. Copy-on-write. A page that is part of the last durable checkpoint is never overwritten:
 *     `write()` is allowed only on pages returned by `allocate()` since that checkpoint. To change
 *     a durable page, allocate a new one, write it, and `free()` the old one.
 *  2. A freed page is not returned by `allocate()` before the next checkpoint has completed, so
 *     a crash before that checkpoint finds every page the previous one references intact.
 *  3. `checkpoint(lsn)` is atomic: after it resolves, a reopen sees every write, free and catalog
 *     change made before it was called; if it does not resolve (crash, I/O error), a reopen sees
 *     the previous checkpoint, whole.
 *  4. A pinned page's bytes do not change and are not evicted until `release()`.
 *
 * Callers that keep snapshots (readers of an older tree version) must delay `free()` of a page
 * until no snapshot can still read it; the store does not know about readers.
 */
import type { Lsn, PageId } from './ids.js';

/** A pinned, read-only view of one page's payload. Valid until `release()`. */
export interface PageRef {
  readonly id: PageId;
  /** The payload exactly as written (length = the written length). Do not modify. */
  readonly payload: Uint8Array;
  /** Unpins the page. Idempotent. */
  release(): void;
}

/** Counters every page store reports; implementations may add more fields. */
export interface PageStoreStats {
  readonly pageSizeBytes: number;
  /** Pages in the file, including meta and free pages. */
  readonly pageCount: number;
  /** Pages on the free list (reusable now or after the next checkpoint). */
  readonly freePageCount: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly cacheEvictions: number;
  /** Pages written since the last checkpoint. */
  readonly dirtyPages: number;
  readonly checkpoints: number;
  readonly checkpointLsn: number;
}

/**
 * A store of fixed-size pages with copy-on-write checkpoints.
 *
 * Errors: `CLOSED` after `close()`; `INVALID_ARGUMENT` for a page id that is out of range, free,
 * or (on `write`) durable; `TOO_LARGE` for a payload over `payloadCapacityBytes` or a catalog over
 * `catalogCapacityBytes`; `CORRUPTION` when a page read fails its checksum or header checks;
 * `IO` when the file system fails (after which the store refuses writes until reopened);
 * `READ_ONLY` for writes to a store opened read-only.
 */
export interface PageStore {
  /** The page size chosen at creation. */
  readonly pageSizeBytes: number;
  /** The most payload bytes one page holds. */
  readonly payloadCapacityBytes: number;
  /** The most bytes the whole catalog (names and values) may take. */
  readonly catalogCapacityBytes: number;
  /** The LSN recorded by the last completed checkpoint (ZERO_LSN for a new store). */
  readonly checkpointLsn: Lsn;
  /** Returns a page that is not part of the last durable checkpoint, ready to be written. */
  allocate(): PageId;
  /** Frees a page; it becomes reusable after the next checkpoint completes. */
  free(id: PageId): void;
  /** Reads and pins a page. Release the ref when done. */
  pin(id: PageId): PageRef;
  /**
   * Reads a page without keeping it: calls `use` with its payload and returns what `use` returns.
   * The payload is valid only during the call (copy what you keep; do not modify it). A cached
   * page is served from the cache; any other is read into a scratch buffer and not cached, so
   * one-off reads do not displace the cache. Errors as `pin`; an error thrown by `use` passes
   * through and leaves the store as it was.
   */
  peek<T>(id: PageId, use: (payload: Uint8Array) => T): T;
  /** Sets a page's payload (copied). Only pages allocated since the last checkpoint. */
  write(id: PageId, payload: Uint8Array): void;
  /** A catalog entry's value (a copy), or undefined. */
  getCatalog(name: string): Uint8Array | undefined;
  /** Sets (or with undefined, removes) a catalog entry; durable at the next checkpoint. */
  setCatalog(name: string, value: Uint8Array | undefined): void;
  /** Names of the catalog entries, sorted. */
  catalogNames(): string[];
  /** Makes every change so far durable, atomically, recording `lsn` (>= checkpointLsn). */
  checkpoint(lsn: Lsn): Promise<void>;
  stats(): PageStoreStats;
  /** Closes the store. Unless a checkpoint ran, changes since the last one are discarded. */
  close(): Promise<void>;
}
