/**
 * The page cache: decoded pages in pooled buffers, a replacement policy (ARC or LRU), pins and
 * dirty tracking. It holds at most `capacityPages` unpinned pages (the byte budget divided by the
 * page size); pinned pages are never evicted, so it can run over while many are pinned.
 *
 * An entry's buffer is one page long and laid out like the page on disk: the payload sits at
 * PAGE_HEADER_BYTES, so a clean read fills it straight from the file and a write-back seals the
 * header in place, without copying (bench/pages.bench.ts "pin miss", "write+checkpoint").
 *
 * Pins and rewrites: a pinned entry's bytes never change. When a pinned page is rewritten or
 * freed, its entry is detached (it leaves the map, the pin keeps the buffer) and a new entry takes
 * its place; the detached buffer returns to the pool on the last `release()`.
 *
 * The cache does no I/O itself: it asks its owner to write back a dirty victim.
 */
import type { PageId, PageRef } from '@photondb/contracts';
import { PAGE_HEADER_BYTES } from './format.js';
import { createCachePolicy } from './cache-policy.js';
import type { CachePolicy, CachePolicyName } from './cache-policy.js';

/** One cached page. */
export interface CacheEntry {
  readonly id: number;
  /** A pool buffer of one page; payload at [PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + length). */
  readonly buffer: Uint8Array;
  length: number;
  /** The payload view handed to pins; replaced when the length changes. */
  view: Uint8Array;
  pins: number;
  /** Written since it was last stored. */
  dirty: boolean;
  /** Left the cache while pinned; its buffer returns to the pool on the last release. */
  detached: boolean;
}

/** Buffers are carved from chunks of this many pages, allocated only when the pool runs dry. */
const POOL_CHUNK_PAGES = 16;

/** A pool of page-sized buffers, reused without allocation once warm. */
export class BufferPool {
  private readonly pageSizeBytes: number;
  private readonly spare: Uint8Array[] = [];
  private allocatedPages = 0;

  constructor(pageSizeBytes: number, preallocatePages: number) {
    this.pageSizeBytes = pageSizeBytes;
    this.addChunk(Math.max(1, preallocatePages));
  }

  /** Buffers carved so far. */
  get allocated(): number {
    return this.allocatedPages;
  }

  take(): Uint8Array {
    if (this.spare.length === 0) this.addChunk(POOL_CHUNK_PAGES);
    return this.spare.pop()!;
  }

  give(buffer: Uint8Array): void {
    this.spare.push(buffer);
  }

  private addChunk(pages: number): void {
    const block = new Uint8Array(pages * this.pageSizeBytes);
    for (let i = pages - 1; i >= 0; i--) this.spare.push(block.subarray(i * this.pageSizeBytes, (i + 1) * this.pageSizeBytes));
    this.allocatedPages += pages;
  }
}

/** A pin on an entry; `release()` is idempotent. */
class PinnedPage implements PageRef {
  readonly id: PageId;
  readonly payload: Uint8Array;
  private entry: CacheEntry | undefined;
  private readonly cache: PageCache;

  constructor(cache: PageCache, entry: CacheEntry) {
    this.cache = cache;
    this.entry = entry;
    this.id = entry.id as PageId;
    this.payload = entry.view;
  }

  release(): void {
    const entry = this.entry;
    if (entry === undefined) return;
    this.entry = undefined;
    this.cache.unpin(entry);
  }
}

/** Counters of the cache. */
export interface CacheCounters {
  hits: number;
  misses: number;
  evictions: number;
}

/** The cache of decoded pages. */
export class PageCache {
  readonly capacityPages: number;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0 };
  private readonly entries = new Map<number, CacheEntry>();
  private readonly policy: CachePolicy;
  private readonly pool: BufferPool;
  private readonly writeBack: (entry: CacheEntry) => void;
  private pinnedCount = 0;
  private readonly canEvict = (id: number): boolean => this.entries.get(id)!.pins === 0;

  constructor(pageSizeBytes: number, capacityPages: number, policy: CachePolicyName, writeBack: (entry: CacheEntry) => void) {
    this.capacityPages = capacityPages;
    this.policy = createCachePolicy(policy, capacityPages);
    this.pool = new BufferPool(pageSizeBytes, Math.min(capacityPages, 64));
    this.writeBack = writeBack;
  }

  get policyName(): CachePolicyName {
    return this.policy.name;
  }

  get size(): number {
    return this.entries.size;
  }

  get pinnedPages(): number {
    return this.pinnedCount;
  }

  get poolPages(): number {
    return this.pool.allocated;
  }

  /** The resident entry of `id`, counting a hit, or undefined (no miss counted). */
  lookup(id: number): CacheEntry | undefined {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.counters.hits++;
      this.policy.touch(id);
    }
    return entry;
  }

  /** The resident entry of `id` without touching the policy or counters. */
  peek(id: number): CacheEntry | undefined {
    return this.entries.get(id);
  }

  /**
   * Makes a new entry for `id` (not resident), evicting (and writing back) victims first.
   * `fill` fills the buffer and returns the payload length; if it throws, nothing is kept.
   */
  insert(id: number, dirty: boolean, fill: (buffer: Uint8Array) => number): CacheEntry {
    const victims = this.policy.admit(id, this.canEvict);
    try {
      for (const victim of victims) this.evict(victim);
    } catch (e) {
      this.policy.remove(id);
      throw e;
    }
    const buffer = this.pool.take();
    let length: number;
    try {
      length = fill(buffer);
    } catch (e) {
      this.pool.give(buffer);
      this.policy.remove(id);
      throw e;
    }
    const entry: CacheEntry = {
      id,
      buffer,
      length,
      view: buffer.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + length),
      pins: 0,
      dirty,
      detached: false,
    };
    this.entries.set(id, entry);
    return entry;
  }

  /** Pins `entry` and returns the reference handed to the caller. */
  pin(entry: CacheEntry): PageRef {
    if (entry.pins++ === 0) this.pinnedCount++;
    return new PinnedPage(this, entry);
  }

  unpin(entry: CacheEntry): void {
    if (--entry.pins === 0) {
      this.pinnedCount--;
      if (entry.detached) this.pool.give(entry.buffer);
    }
  }

  /** Sets a resident, unpinned entry's payload length (its bytes were written by the caller). */
  resize(entry: CacheEntry, length: number): void {
    entry.length = length;
    entry.view = entry.buffer.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + length);
  }

  /**
   * Removes `id` without writing it back (the page was freed, or is about to be replaced).
   * A pinned entry is detached and stays readable through its pins.
   */
  discard(id: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.policy.remove(id);
    if (entry.pins > 0) entry.detached = true;
    else this.pool.give(entry.buffer);
  }

  /** Resident dirty entries, by page id. */
  dirtyEntries(): CacheEntry[] {
    const out: CacheEntry[] = [];
    for (const entry of this.entries.values()) if (entry.dirty) out.push(entry);
    return out.sort((a, b) => a.id - b.id);
  }

  /** Drops every entry (close). Pinned buffers stay with their pins. */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.discard(id);
  }

  private evict(id: number): void {
    const entry = this.entries.get(id)!;
    if (entry.dirty) this.writeBack(entry);
    this.entries.delete(id);
    this.pool.give(entry.buffer);
    this.counters.evictions++;
  }
}
