/**
 * PageFile: a `PageStore` in one file of fixed-size, checksummed pages with copy-on-write
 * checkpoints, a persistent free list, optional snappy compression and an ARC/LRU page cache.
 *
 * Definitions. The durable checkpoint is the state named by the newest valid meta page. A page is
 * fresh when allocated since the last checkpoint began; only fresh pages are written, and a fresh
 * page is never referenced by the durable checkpoint, so it may be written to its place in the
 * file at any time (the cache writes back dirty victims early, the checkpoint writes the rest).
 *
 * Invariants:
 *  1. No write touches a page the durable checkpoint references, except the meta slot that is
 *     not the durable one (free-list.ts invariants 1 and 4).
 *  2. A checkpoint's meta page is written only after every page it references is synced.
 *  3. Pages freed before a checkpoint become allocatable only after its meta page is synced.
 *  4. A page read is checked (magic, checksum, id, type, lengths, decompression) before use;
 *     failures are CORRUPTION { path, pageId, offset }, never data.
 *  5. After a failed write or sync the handle is poisoned: every later mutation fails with IO.
 *
 * Lifecycle:
 *
 *   open() --> OPEN --checkpoint() fails--> FAILED --close()--> CLOSED
 *                |                                               ^
 *                +-------------------close()---------------------+
 *
 * Checkpoint, as numbered steps (`checkpoint()`): (1) fix the plan synchronously: fresh pages
 * become durable, the free-list chain and the meta are built; (2) write dirty pages and chain
 * pages; (3) sync the file (a full sync when it grew); (4) write the other meta slot; (5) sync;
 * (6) truncate the file past the new page count when the checkpoint dropped free pages at its
 * end (free-list.ts invariant 5), and release the pages the checkpoint freed. A crash before (5)
 * completes leaves the previous meta the newest valid one, and every page it references
 * untouched; a crash before the truncation leaves a file longer than its meta's page count, which
 * is valid. Failpoints (`@photondb/io`): `slab:checkpoint-before-data-sync`,
 * `slab:checkpoint-before-meta-write`, `slab:checkpoint-before-meta-sync`,
 * `slab:checkpoint-before-truncate`.
 */
import { PhotonError, ZERO_LSN, copyBytes, formatCount, invariant, unsafeLsn, unsafePageId } from '@photondb/contracts';
import type { Directory, Lsn, PageId, PageRef, PageStore, PageStoreStats, PagedFile } from '@photondb/contracts';
import {
  DEFAULT_PAGE_SIZE_BYTES,
  PAGE_FLAG_COMPRESSED,
  PAGE_HEADER_BYTES,
  PAGE_TYPE,
  catalogCapacity,
  catalogSizeBytes,
  checkPage,
  corruption,
  encodeFreeListPayload,
  encodeMetaPage,
  freeIdsPerPage,
  isValidPageSize,
  payloadCapacity,
  sealPage,
} from './format.js';
import type { CompressionName, MetaState, PageHeader, PageLocation } from './format.js';
import { PAGE_STATE, PageAllocator } from './free-list.js';
import type { CheckpointPlan } from './free-list.js';
import { chooseMeta } from './meta-pages.js';
import { PageCache } from './page-cache.js';
import type { CacheEntry } from './page-cache.js';
import type { CachePolicyName } from './cache-policy.js';
import { compressPayload, decodeSnappyInto } from './snappy.js';
import { checksum, failpoint } from '@photondb/io';
import { describeStoredPage, verifyPageFile } from './verify.js';
import { readFreeChain } from './free-chain.js';
import type { PageDescription, VerifyProblem } from './verify.js';

/**
 * PHOTON_VERIFY=1 runs `verify()` after every checkpoint and fails it with INTERNAL on a problem
 * (tests and CI). Read once, so production pays nothing.
 */
const VERIFY_AFTER_CHECKPOINT =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PHOTON_VERIFY === '1';

/** The page file's name when `fileName` is not given. */
export const DEFAULT_FILE_NAME = 'data.photon';
/** Cache budget when `cacheSizeBytes` is not given. */
export const DEFAULT_CACHE_SIZE_BYTES = 8 * 1024 * 1024;
/** The cache always holds at least this many unpinned pages, whatever the budget. */
export const MIN_CACHE_PAGES = 8;

/** Options of `PageFile.open`. */
export interface PageFileOptions {
  /** File name inside the directory (default `data.photon`). */
  readonly fileName?: string;
  /** Create the file when it is missing or empty (default false: NOT_FOUND). */
  readonly create?: boolean;
  /** Page size of a new file: a power of two from 4096 to 65536 (default 8192). An existing file keeps its own. */
  readonly pageSizeBytes?: number;
  /** Compression of a new file (default 'none'). An existing file keeps the setting recorded in its meta. */
  readonly compression?: CompressionName;
  /** Cache budget in bytes (default 8 MiB); at least MIN_CACHE_PAGES pages are kept. */
  readonly cacheSizeBytes?: number;
  /** Cache replacement policy (default 'arc'). */
  readonly cache?: CachePolicyName;
  /** Open without writing: mutations fail with READ_ONLY. */
  readonly readOnly?: boolean;
}

/** PageStoreStats plus the page file's own counters. */
export interface PageFileStats extends PageStoreStats {
  readonly generation: number;
  readonly cachePolicy: CachePolicyName;
  readonly cachedPages: number;
  readonly cacheCapacityPages: number;
  readonly pinnedPages: number;
  readonly dirtyBytes: number;
  readonly compression: CompressionName;
  /** Pages written to the file by this handle (write-backs and checkpoints). */
  readonly pagesWritten: number;
}

const utf8 = new TextEncoder();
/** A lone UTF-16 surrogate: TextEncoder would silently turn it into U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(message: string): PhotonError {
  return new PhotonError('INVALID_ARGUMENT', message);
}

function checkOptions(options: PageFileOptions): void {
  if (typeof options !== 'object' || options === null) throw invalid('PageFile.open options must be an object');
  const { pageSizeBytes, compression, cacheSizeBytes, cache, fileName } = options;
  if (pageSizeBytes !== undefined && !isValidPageSize(pageSizeBytes)) {
    throw new PhotonError('INVALID_ARGUMENT', `pageSizeBytes must be a power of two from 4096 to 65536; got ${String(pageSizeBytes)}`, {
      actual: typeof pageSizeBytes === 'number' ? pageSizeBytes : undefined,
    });
  }
  if (compression !== undefined && compression !== 'none' && compression !== 'snappy') {
    throw invalid(`compression must be 'none' or 'snappy'; got ${String(compression)}`);
  }
  if (cache !== undefined && cache !== 'arc' && cache !== 'lru') throw invalid(`cache must be 'arc' or 'lru'; got ${String(cache)}`);
  if (cacheSizeBytes !== undefined && (typeof cacheSizeBytes !== 'number' || !Number.isSafeInteger(cacheSizeBytes) || cacheSizeBytes < 0)) {
    throw invalid(`cacheSizeBytes must be a non-negative integer; got ${String(cacheSizeBytes)}`);
  }
  if (fileName !== undefined && (typeof fileName !== 'string' || fileName.length === 0)) throw invalid('fileName must be a non-empty string');
}

/** True when the file is empty or every byte is zero (as some file systems leave a torn create). */
function isAllZero(file: PagedFile): boolean {
  const size = file.sizeBytes();
  if (size > 2 * 65536) return false;
  const bytes = new Uint8Array(size);
  file.read(0, bytes);
  return bytes.every((b) => b === 0);
}

/** A page file. See the file comment for the model, invariants and checkpoint protocol. */
export class PageFile implements PageStore {
  readonly pageSizeBytes: number;
  readonly payloadCapacityBytes: number;
  readonly catalogCapacityBytes: number;
  /** The compression new page writes use (recorded in the file). */
  readonly compression: CompressionName;
  readonly readOnly: boolean;
  /** The file's path, for messages. */
  readonly path: string;
  private readonly file: PagedFile;
  private readonly allocator: PageAllocator;
  private readonly cache: PageCache;
  /** A page-sized buffer for compressed reads and writes and for chain pages. */
  private readonly scratch: Uint8Array;
  /** The page buffer of `peek` (a nested peek takes a fresh one), and whether it is lent out. */
  private readonly peekBuffer: Uint8Array;
  private peeking = false;
  private catalog: Map<string, Uint8Array>;
  private durable: MetaState;
  /** The version stamped on pages written now (the generation of the next checkpoint to begin). */
  private writeVersion: number;
  private lsnValue: Lsn;
  private closed = false;
  private failure: PhotonError | undefined;
  private inFlight: Promise<void> | undefined;
  private checkpointCount = 0;
  private pagesWritten = 0;
  /** File bytes known durable with their size (a checkpoint that grows the file does a full sync). */
  private syncedSizeBytes: number;

  private constructor(file: PagedFile, meta: MetaState, allocator: PageAllocator, options: PageFileOptions) {
    this.file = file;
    this.path = file.path;
    this.pageSizeBytes = meta.pageSizeBytes;
    this.payloadCapacityBytes = payloadCapacity(meta.pageSizeBytes);
    this.catalogCapacityBytes = catalogCapacity(meta.pageSizeBytes);
    this.compression = meta.compression;
    this.readOnly = options.readOnly === true;
    this.allocator = allocator;
    this.durable = meta;
    this.catalog = new Map(meta.catalog);
    this.writeVersion = meta.generation + 1;
    this.lsnValue = unsafeLsn(meta.checkpointLsn);
    this.syncedSizeBytes = file.sizeBytes();
    this.scratch = new Uint8Array(meta.pageSizeBytes);
    this.peekBuffer = new Uint8Array(meta.pageSizeBytes);
    const budget = options.cacheSizeBytes ?? DEFAULT_CACHE_SIZE_BYTES;
    const capacity = Math.max(MIN_CACHE_PAGES, Math.floor(budget / meta.pageSizeBytes));
    this.cache = new PageCache(meta.pageSizeBytes, capacity, options.cache ?? 'arc', (entry) => this.writeBack(entry, this.writeVersion));
  }

  /**
   * Opens (or with `create`, creates) the page file `fileName` in `dir`. Synchronous.
   * Reads both meta pages and uses the newest valid one; loads the free list.
   * Throws INVALID_ARGUMENT (bad options), NOT_FOUND (missing file without `create`),
   * NOT_A_DATABASE (a file that is not a page file), UNSUPPORTED_VERSION (a newer format),
   * CORRUPTION (neither meta page valid, or a damaged free list), IO.
   */
  static open(dir: Directory, options: PageFileOptions = {}): PageFile {
    checkOptions(options);
    const name = options.fileName ?? DEFAULT_FILE_NAME;
    const readOnly = options.readOnly === true;
    const existed = dir.exists(name);
    if (!existed && (readOnly || options.create !== true)) {
      throw new PhotonError('NOT_FOUND', `no page file ${name} in ${dir.path}; pass create: true to make one`, { path: dir.path });
    }
    let file = existed ? dir.openFile(name, { readOnly }) : undefined;
    try {
      // A missing file, or an empty (or all-zero) one when create is asked, is made whole.
      if (file === undefined || (!readOnly && options.create === true && isAllZero(file))) {
        file?.close();
        file = undefined;
        PageFile.create(dir, name, options);
        file = dir.openFile(name, { readOnly });
      }
      const choice = chooseMeta(file);
      const allocator = PageFile.loadFreeList(file, choice.meta);
      const store = new PageFile(file, choice.meta, allocator, options);
      if (choice.otherProblem !== undefined && !readOnly) store.repairOtherMeta(choice.slot);
      return store;
    } catch (e) {
      file?.close();
      throw e;
    }
  }

  /**
   * Creates the file whole or not at all: the two meta pages go to `<name>.creating`, which is
   * synced and then renamed into place, and the directory is synced. A crash leaves either no
   * file or a complete empty one (a stale `.creating` file is overwritten next time).
   */
  private static create(dir: Directory, name: string, options: PageFileOptions): void {
    const temp = `${name}.creating`;
    const file = dir.openFile(temp, { create: true });
    try {
      file.truncate(0);
      PageFile.initialize(file, options);
    } finally {
      file.close();
    }
    dir.rename(temp, name);
    dir.syncSync();
  }

  /** Writes the two meta pages of an empty file (generations 0 and 1) and syncs. */
  private static initialize(file: PagedFile, options: PageFileOptions): void {
    const pageSizeBytes = options.pageSizeBytes ?? DEFAULT_PAGE_SIZE_BYTES;
    const page = new Uint8Array(pageSizeBytes);
    for (const generation of [0, 1]) {
      encodeMetaPage(page, {
        pageSizeBytes,
        compression: options.compression ?? 'none',
        generation,
        checkpointLsn: ZERO_LSN,
        pageCount: 2,
        freeListHead: 0,
        freeListPages: 0,
        freePageCount: 0,
        catalog: new Map(),
      });
      file.write(generation * pageSizeBytes, page);
    }
    file.syncSync();
  }

  /** Reads and checks the durable free-list chain; throws CORRUPTION. */
  private static loadFreeList(file: PagedFile, meta: MetaState): PageAllocator {
    const { chain, free } = readFreeChain(file, meta);
    return new PageAllocator(meta.pageCount, free, chain);
  }

  /** Rewrites the invalid meta slot as a copy of the chosen state labelled one generation older. */
  private repairOtherMeta(slot: number): void {
    if (this.durable.generation === 0) return;
    const page = new Uint8Array(this.pageSizeBytes);
    encodeMetaPage(page, { ...this.durable, generation: this.durable.generation - 1 });
    this.guardIo(() => {
      this.file.write((1 - slot) * this.pageSizeBytes, page);
      this.file.datasyncSync();
    });
  }

  get checkpointLsn(): Lsn {
    return this.lsnValue;
  }

  /** Pages in the file, including meta, free-list and free pages. */
  get pageCount(): number {
    return this.allocator.pageCount;
  }

  // ------------------------------------------------------------------------------ PageStore

  /** Returns a fresh page (empty payload). Throws CLOSED, READ_ONLY, IO, TOO_LARGE (file full). */
  allocate(): PageId {
    this.checkWritable();
    const id = this.allocator.allocate();
    this.cache.discard(id);
    this.cache.insert(id, true, () => 0);
    return unsafePageId(id);
  }

  /** Frees a live page; it becomes allocatable after the next checkpoint (at once if fresh). */
  free(id: PageId): void {
    this.checkWritable();
    this.checkLive(id, 'free');
    this.cache.discard(id);
    this.allocator.free(id);
  }

  /**
   * Reads and pins a live page. The ref's payload is owned by the cache and valid until
   * `release()`; do not modify it. Throws CLOSED, INVALID_ARGUMENT (free or out of range),
   * CORRUPTION (checksum, header or decompression failure), IO.
   */
  pin(id: PageId): PageRef {
    this.checkOpen();
    this.checkLive(id, 'read');
    let entry = this.cache.lookup(id);
    if (entry === undefined) {
      this.cache.counters.misses++;
      entry = this.cache.insert(id, false, (buffer) => this.readInto(id, buffer));
    }
    return this.cache.pin(entry);
  }

  /**
   * PageStore.peek: a cached page is lent to `use` as `pin` would (counted as a hit); any other is
   * read and checked like a miss of `pin`, into a buffer kept for this (one per store, a fresh
   * one for a peek made from inside `use`), and not cached. For point lookups over more pages
   * than the cache holds: a cache insert costs ARC bookkeeping and a buffer from the pool, and
   * evicts a page likelier to be read again than this one. Throws as `pin`.
   */
  peek<T>(id: PageId, use: (payload: Uint8Array) => T): T {
    this.checkOpen();
    this.checkLive(id, 'read');
    const entry = this.cache.lookup(id);
    if (entry !== undefined) {
      const ref = this.cache.pin(entry);
      try {
        return use(ref.payload);
      } finally {
        ref.release();
      }
    }
    this.cache.counters.misses++;
    const nested = this.peeking;
    const buffer = nested ? new Uint8Array(this.pageSizeBytes) : this.peekBuffer;
    const length = this.readInto(id, buffer);
    this.peeking = true;
    try {
      return use(buffer.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + length));
    } finally {
      this.peeking = nested;
    }
  }

  /**
   * Sets a fresh page's payload (copied). Throws CLOSED, READ_ONLY, IO, INVALID_ARGUMENT (not a
   * fresh page: durable pages are copy-on-write), TOO_LARGE (over payloadCapacityBytes).
   */
  write(id: PageId, payload: Uint8Array): void {
    this.checkWritable();
    this.checkLive(id, 'write');
    if (this.allocator.state(id) !== PAGE_STATE.fresh) {
      throw new PhotonError(
        'INVALID_ARGUMENT',
        `page ${id} is part of the last durable checkpoint and cannot be overwritten; allocate a new page (copy-on-write)`,
        { pageId: id },
      );
    }
    if (!(payload instanceof Uint8Array)) throw invalid('page payload must be a Uint8Array');
    if (payload.length > this.payloadCapacityBytes) {
      throw new PhotonError(
        'TOO_LARGE',
        `page payload is ${formatCount(payload.length)} bytes; at most ${formatCount(this.payloadCapacityBytes)} fit in one page`,
        { pageId: id, limit: this.payloadCapacityBytes, actual: payload.length },
      );
    }
    let entry = this.cache.peek(id);
    if (entry !== undefined && entry.pins > 0) {
      this.cache.discard(id);
      entry = undefined;
    }
    if (entry === undefined) entry = this.cache.insert(id, true, () => 0);
    entry.buffer.set(payload, PAGE_HEADER_BYTES);
    this.cache.resize(entry, payload.length);
    entry.dirty = true;
  }

  /** A copy of a catalog entry's value, or undefined. Throws CLOSED. */
  getCatalog(name: string): Uint8Array | undefined {
    this.checkOpen();
    const value = this.catalog.get(name);
    return value === undefined ? undefined : copyBytes(value);
  }

  /**
   * Sets (or removes) a catalog entry, durable at the next checkpoint. Throws CLOSED, READ_ONLY,
   * INVALID_ARGUMENT (empty or non-string name, name over 65,535 UTF-8 bytes, non-Uint8Array
   * value), TOO_LARGE (the catalog would exceed catalogCapacityBytes).
   */
  setCatalog(name: string, value: Uint8Array | undefined): void {
    this.checkWritable();
    if (typeof name !== 'string' || name.length === 0 || LONE_SURROGATE.test(name) || utf8.encode(name).length > 0xffff) {
      throw invalid('catalog name must be a non-empty, well-formed string of at most 65,535 UTF-8 bytes');
    }
    if (value !== undefined && !(value instanceof Uint8Array)) throw invalid('catalog value must be a Uint8Array or undefined');
    const next = new Map(this.catalog);
    if (value === undefined) next.delete(name);
    else next.set(name, copyBytes(value));
    const size = catalogSizeBytes(next);
    if (size > this.catalogCapacityBytes) {
      throw new PhotonError(
        'TOO_LARGE',
        `catalog would take ${formatCount(size)} bytes; at most ${formatCount(this.catalogCapacityBytes)} fit in the meta page`,
        { limit: this.catalogCapacityBytes, actual: size },
      );
    }
    this.catalog = next;
  }

  /** Names of the catalog entries, sorted. Throws CLOSED. */
  catalogNames(): string[] {
    this.checkOpen();
    return [...this.catalog.keys()].sort();
  }

  /**
   * Makes every change made before the call durable, atomically, recording `lsn`. Calls made
   * while it runs wait for the running one. Changes made while it runs belong to the next one
   * (pages fresh when it began are durable from its start: writing them again is INVALID_ARGUMENT).
   * Throws CLOSED, READ_ONLY, INVALID_ARGUMENT (lsn below checkpointLsn or not an LSN), IO (the
   * handle is then poisoned; reopen to recover the last durable checkpoint).
   */
  async checkpoint(lsn: Lsn): Promise<void> {
    this.checkWritable();
    if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) throw invalid(`checkpoint LSN must be a non-negative safe integer; got ${String(lsn)}`);
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    this.checkWritable();
    if (lsn < this.lsnValue) {
      throw new PhotonError('INVALID_ARGUMENT', `checkpoint LSN ${lsn} is below the current checkpoint LSN ${this.lsnValue}`, {
        lsn,
        limit: this.lsnValue,
      });
    }
    const running = this.runCheckpoint(lsn);
    this.inFlight = running;
    try {
      await running;
    } finally {
      if (this.inFlight === running) this.inFlight = undefined;
    }
  }

  stats(): PageFileStats {
    let dirty = 0;
    for (const entry of this.cache.dirtyEntries()) dirty += entry.length;
    return {
      pageSizeBytes: this.pageSizeBytes,
      pageCount: this.allocator.pageCount,
      freePageCount: this.allocator.freePageCount,
      cacheHits: this.cache.counters.hits,
      cacheMisses: this.cache.counters.misses,
      cacheEvictions: this.cache.counters.evictions,
      dirtyPages: this.allocator.freshCount,
      checkpoints: this.checkpointCount,
      checkpointLsn: this.lsnValue,
      generation: this.durable.generation,
      cachePolicy: this.cache.policyName,
      cachedPages: this.cache.size,
      cacheCapacityPages: this.cache.capacityPages,
      pinnedPages: this.cache.pinnedPages,
      dirtyBytes: dirty,
      compression: this.compression,
      pagesWritten: this.pagesWritten,
    };
  }

  /** Closes the file. Changes since the last checkpoint are discarded. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    this.closed = true;
    this.cache.clear();
    this.file.close();
  }

  // ------------------------------------------------------------------------------ inspection

  /**
   * Checks the durable checkpoint as stored: both meta pages, the free-list chain, and the header
   * and checksum of every page the checkpoint uses; plus the in-memory page states. Returns every
   * problem found (an empty list when the file is sound). Reads the whole file. Throws CLOSED.
   * Call it when no checkpoint is running.
   */
  verify(): VerifyProblem[] {
    this.checkOpen();
    const problems = verifyPageFile(this.file, this.durable);
    for (const message of this.allocator.check()) problems.push({ message: `in memory: ${message}` });
    return problems;
  }

  /**
   * Describes page `id` as stored in the file (a dirty page's new bytes appear once written):
   * its role, header fields, whether its checksum holds, and how full it is. Never throws for
   * a damaged page (checksumOk is false). Throws CLOSED, INVALID_ARGUMENT (out of range).
   */
  describePage(id: PageId): PageDescription {
    this.checkOpen();
    this.checkInRange(id);
    return describeStoredPage(this.readRawPage(id), id, this.roleOf(id));
  }

  /** The page's stored bytes, header included (zeros past the end of the file). A new array. */
  readRawPage(id: PageId): Uint8Array {
    this.checkOpen();
    this.checkInRange(id);
    const page = new Uint8Array(this.pageSizeBytes);
    this.file.read(id * this.pageSizeBytes, page);
    return page;
  }

  // ------------------------------------------------------------------------------ internals

  private roleOf(id: number): string {
    const state = this.allocator.state(id);
    if (state === PAGE_STATE.meta) return 'meta';
    if (state === PAGE_STATE.chain) return 'free-list';
    if (state === PAGE_STATE.free || state === PAGE_STATE.pending) return 'free';
    return 'data';
  }

  private async runCheckpoint(lsn: Lsn): Promise<void> {
    // (1) The plan, fixed synchronously so later calls cannot change what this checkpoint writes.
    const generation = this.writeVersion;
    this.writeVersion = generation + 1;
    const plan = this.allocator.beginCheckpoint(freeIdsPerPage(this.pageSizeBytes));
    const meta: MetaState = {
      pageSizeBytes: this.pageSizeBytes,
      compression: this.compression,
      generation,
      checkpointLsn: lsn,
      pageCount: plan.pageCount,
      freeListHead: plan.chain.length > 0 ? plan.chain[0] : 0,
      freeListPages: plan.chain.length,
      freePageCount: plan.listed.length,
      catalog: new Map(this.catalog),
    };
    const metaPage = new Uint8Array(this.pageSizeBytes);
    encodeMetaPage(metaPage, meta);
    const fileBytes = plan.pageCount * this.pageSizeBytes;
    try {
      // (2) Dirty pages and the new free-list chain.
      for (const entry of this.cache.dirtyEntries()) this.writeBack(entry, generation);
      this.writeChain(plan, generation);
      if (this.file.sizeBytes() < fileBytes) this.file.truncate(fileBytes);
      // (3) Everything the new meta references is durable before the meta is written.
      failpoint('slab:checkpoint-before-data-sync');
      if (fileBytes > this.syncedSizeBytes) await this.file.sync();
      else await this.file.datasync();
      this.syncedSizeBytes = Math.max(this.syncedSizeBytes, fileBytes);
      // (4) and (5): the other meta slot.
      failpoint('slab:checkpoint-before-meta-write');
      this.file.write((generation % 2) * this.pageSizeBytes, metaPage);
      failpoint('slab:checkpoint-before-meta-sync');
      await this.file.datasync();
      // (6a) Pages past the new end were free in both checkpoints: cut them off. Pages allocated
      // while this ran (ids from the old end on) are kept. A crash first leaves a longer file,
      // which open accepts (its tail is past the meta's page count and never read).
      const keepBytes = this.allocator.pageCount * this.pageSizeBytes;
      if (this.file.sizeBytes() > keepBytes) {
        failpoint('slab:checkpoint-before-truncate');
        this.file.truncate(keepBytes);
        this.syncedSizeBytes = Math.min(this.syncedSizeBytes, keepBytes);
      }
    } catch (e) {
      throw this.poison(e);
    }
    // (6) The checkpoint is durable.
    this.allocator.completeCheckpoint(plan);
    this.durable = meta;
    this.lsnValue = lsn;
    this.checkpointCount++;
    if (VERIFY_AFTER_CHECKPOINT) {
      const problems = this.verify();
      invariant(problems.length === 0, `verify after checkpoint: ${problems.map((p) => p.message).join('; ')}`);
    }
  }

  private writeChain(plan: CheckpointPlan, version: number): void {
    const perPage = freeIdsPerPage(this.pageSizeBytes);
    for (let i = 0; i < plan.chain.length; i++) {
      const ids = plan.listed.slice(i * perPage, (i + 1) * perPage);
      const payload = encodeFreeListPayload(i + 1 < plan.chain.length ? plan.chain[i + 1] : 0, ids);
      const page = this.scratch;
      page.fill(0);
      page.set(payload, PAGE_HEADER_BYTES);
      sealPage(page, {
        type: PAGE_TYPE.freeList,
        flags: 0,
        pageId: plan.chain[i],
        version,
        payloadBytes: payload.length,
        storedBytes: payload.length,
        payloadChecksum: 0,
      });
      this.writePage(plan.chain[i], page);
    }
  }

  /** Stores a dirty entry at its place (compressed when that shrinks it) and marks it clean. */
  private writeBack(entry: CacheEntry, version: number): void {
    this.checkNotFailed();
    const payload = entry.view;
    const compressed = this.compression === 'snappy' ? compressPayload(payload, this.payloadCapacityBytes) : undefined;
    let page: Uint8Array;
    if (compressed !== undefined) {
      page = this.scratch;
      page.fill(0);
      page.set(compressed, PAGE_HEADER_BYTES);
    } else {
      page = entry.buffer;
      page.fill(0, PAGE_HEADER_BYTES + entry.length);
    }
    sealPage(page, {
      type: PAGE_TYPE.data,
      flags: compressed !== undefined ? PAGE_FLAG_COMPRESSED : 0,
      pageId: entry.id,
      version,
      payloadBytes: entry.length,
      storedBytes: compressed !== undefined ? compressed.length : entry.length,
      payloadChecksum: compressed !== undefined ? checksum(payload) : 0,
    });
    this.writePage(entry.id, page);
    entry.dirty = false;
  }

  private writePage(id: number, page: Uint8Array): void {
    invariant(this.allocator.state(id) !== PAGE_STATE.meta, `a data write aimed at meta page ${id}`);
    try {
      this.file.write(id * this.pageSizeBytes, page);
    } catch (e) {
      throw this.poison(e);
    }
    this.pagesWritten++;
  }

  /** Reads page `id` into `buffer` (one page) and decodes it; returns the payload length. */
  private readInto(id: number, buffer: Uint8Array): number {
    const offset = id * this.pageSizeBytes;
    const where: PageLocation = { path: this.path, pageId: id, offset };
    const read = this.file.read(offset, buffer);
    if (read !== this.pageSizeBytes) throw corruption(where, `the file ends ${read} bytes into the page`);
    const header = checkPage(buffer, where);
    if (header.type !== PAGE_TYPE.data) throw corruption(where, `page type ${header.type} where a data page belongs`);
    if (header.version > this.writeVersion) {
      throw corruption(where, `page version ${header.version} is newer than the file's generation ${this.durable.generation}`);
    }
    if ((header.flags & PAGE_FLAG_COMPRESSED) !== 0) this.decompressInPlace(buffer, header, where);
    return header.payloadBytes;
  }

  private decompressInPlace(buffer: Uint8Array, header: PageHeader, where: PageLocation): void {
    const stored = this.scratch.subarray(0, header.storedBytes);
    stored.set(buffer.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + header.storedBytes));
    const out = buffer.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + header.payloadBytes);
    const problem = decodeSnappyInto(stored, out);
    if (problem !== undefined) throw corruption(where, `compressed payload: ${problem}`);
    if (checksum(out) !== header.payloadChecksum) throw corruption(where, 'decompressed payload fails its checksum');
  }

  private poison(e: unknown): PhotonError {
    if (this.failure === undefined) {
      const cause = e as { message?: unknown; code?: unknown };
      this.failure = new PhotonError(
        'IO',
        `${this.path}: the page file failed (${String(cause?.message ?? e)}); reopen it to recover the last checkpoint`,
        { path: this.path },
        { cause: e },
      );
    }
    return (e as { code?: unknown })?.code === 'IO' ? (e as PhotonError) : this.failure;
  }

  private guardIo(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      throw this.poison(e);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new PhotonError('CLOSED', `${this.path}: the page file is closed`, { path: this.path });
  }

  private checkNotFailed(): void {
    if (this.failure !== undefined) {
      throw new PhotonError('IO', this.failure.message, { path: this.path }, { cause: this.failure.cause });
    }
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readOnly) throw new PhotonError('READ_ONLY', `${this.path} was opened read-only`, { path: this.path });
    this.checkNotFailed();
  }

  private checkInRange(id: number): void {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id >= this.allocator.pageCount) {
      throw new PhotonError('INVALID_ARGUMENT', `page ${String(id)} is outside the file's ${this.allocator.pageCount} pages`, {
        limit: this.allocator.pageCount,
      });
    }
  }

  private checkLive(id: number, what: string): void {
    this.checkInRange(id);
    if (!this.allocator.isLive(id)) {
      throw new PhotonError('INVALID_ARGUMENT', `cannot ${what} page ${id}: it is ${this.roleOf(id)}, not an allocated data page`, {
        pageId: id,
      });
    }
  }
}
