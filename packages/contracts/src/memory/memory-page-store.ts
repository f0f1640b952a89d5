/**
 * The reference in-memory PageStore: the simplest implementation of the contract, used to test
 * B-trees without a page file and as the model the contract suite is proven against.
 *
 * "Durable" state lives in a `MemoryPageStoreBacking` that survives `close()` and simulated
 * crashes; open a new store on the same backing to "reopen". Only `checkpoint()` changes it.
 */
import { PhotonError, copyBytes } from '../errors.js';
import { ZERO_LSN, unsafePageId } from '../ids.js';
import type { Lsn, PageId } from '../ids.js';
import type { PageRef, PageStore, PageStoreStats } from '../page-store.js';

/** The durable image of a MemoryPageStore; share it between opens to simulate reopening. */
export interface MemoryPageStoreBacking {
  pageSizeBytes: number;
  pages: Map<number, Uint8Array>;
  catalog: Map<string, Uint8Array>;
  free: Set<number>;
  nextPageId: number;
  checkpointLsn: Lsn;
  checkpoints: number;
}

/** Options for a new backing. */
export interface MemoryPageStoreOptions {
  /** Page size, default 4096. The payload capacity is the page size minus 32 header bytes. */
  readonly pageSizeBytes?: number;
}

/** The header bytes the reference store pretends each page spends, so capacities look real. */
const REFERENCE_HEADER_BYTES = 32;
const REFERENCE_CATALOG_BYTES = 1024;
/** Page ids 0 and 1 are reserved, as meta pages are in a real page file. */
const FIRST_PAGE_ID = 2;

/** Creates an empty durable image. */
export function createMemoryPageStoreBacking(options: MemoryPageStoreOptions = {}): MemoryPageStoreBacking {
  return {
    pageSizeBytes: options.pageSizeBytes ?? 4096,
    pages: new Map(),
    catalog: new Map(),
    free: new Set(),
    nextPageId: FIRST_PAGE_ID,
    checkpointLsn: ZERO_LSN,
    checkpoints: 0,
  };
}

/** The reference PageStore, in memory. */
export class MemoryPageStore implements PageStore {
  readonly pageSizeBytes: number;
  readonly payloadCapacityBytes: number;
  readonly catalogCapacityBytes = REFERENCE_CATALOG_BYTES;
  private readonly backing: MemoryPageStoreBacking;
  private pages: Map<number, Uint8Array>;
  private catalog: Map<string, Uint8Array>;
  /** Reusable now. */
  private freeIds: Set<number>;
  /** Freed since the last checkpoint: reusable after the next one. */
  private pendingFree = new Set<number>();
  /** Allocated since the last checkpoint: the only writable pages. */
  private fresh = new Set<number>();
  private nextPageId: number;
  private lsnValue: Lsn;
  private closed = false;
  private checkpointCount: number;

  constructor(backing: MemoryPageStoreBacking = createMemoryPageStoreBacking()) {
    this.backing = backing;
    this.pageSizeBytes = backing.pageSizeBytes;
    this.payloadCapacityBytes = backing.pageSizeBytes - REFERENCE_HEADER_BYTES;
    this.pages = new Map(backing.pages);
    this.catalog = new Map(backing.catalog);
    this.freeIds = new Set(backing.free);
    this.nextPageId = backing.nextPageId;
    this.lsnValue = backing.checkpointLsn;
    this.checkpointCount = backing.checkpoints;
  }

  get checkpointLsn(): Lsn {
    return this.lsnValue;
  }

  allocate(): PageId {
    this.checkOpen();
    let id: number;
    const reused = this.freeIds.values().next();
    if (!reused.done) {
      id = reused.value;
      this.freeIds.delete(id);
    } else {
      id = this.nextPageId++;
    }
    this.fresh.add(id);
    this.pages.set(id, new Uint8Array(0));
    return unsafePageId(id);
  }

  free(id: PageId): void {
    this.checkOpen();
    this.checkLive(id, 'free');
    this.pages.delete(id);
    if (this.fresh.delete(id)) this.freeIds.add(id);
    else this.pendingFree.add(id);
  }

  pin(id: PageId): PageRef {
    this.checkOpen();
    this.checkLive(id, 'read');
    const payload = this.pages.get(id)!;
    return { id, payload, release() {} };
  }

  peek<T>(id: PageId, use: (payload: Uint8Array) => T): T {
    this.checkOpen();
    this.checkLive(id, 'read');
    return use(this.pages.get(id)!);
  }

  write(id: PageId, payload: Uint8Array): void {
    this.checkOpen();
    this.checkLive(id, 'write');
    if (!this.fresh.has(id)) {
      throw new PhotonError(
        'INVALID_ARGUMENT',
        `page ${id} is part of the last durable checkpoint and cannot be overwritten; allocate a new page (copy-on-write)`,
        { pageId: id },
      );
    }
    if (!(payload instanceof Uint8Array)) {
      throw new PhotonError('INVALID_ARGUMENT', 'page payload must be a Uint8Array');
    }
    if (payload.length > this.payloadCapacityBytes) {
      throw new PhotonError(
        'TOO_LARGE',
        `page payload is ${payload.length} bytes; at most ${this.payloadCapacityBytes} fit in one page`,
        { pageId: id, limit: this.payloadCapacityBytes, actual: payload.length },
      );
    }
    this.pages.set(id, copyBytes(payload));
  }

  getCatalog(name: string): Uint8Array | undefined {
    this.checkOpen();
    const value = this.catalog.get(name);
    return value === undefined ? undefined : copyBytes(value);
  }

  setCatalog(name: string, value: Uint8Array | undefined): void {
    this.checkOpen();
    if (typeof name !== 'string' || name.length === 0) {
      throw new PhotonError('INVALID_ARGUMENT', 'catalog name must be a non-empty string');
    }
    const next = new Map(this.catalog);
    if (value === undefined) next.delete(name);
    else next.set(name, copyBytes(value));
    const size = catalogSizeBytes(next);
    if (size > this.catalogCapacityBytes) {
      throw new PhotonError(
        'TOO_LARGE',
        `catalog would take ${size} bytes; at most ${this.catalogCapacityBytes} are allowed`,
        { limit: this.catalogCapacityBytes, actual: size },
      );
    }
    this.catalog = next;
  }

  catalogNames(): string[] {
    this.checkOpen();
    return [...this.catalog.keys()].sort();
  }

  async checkpoint(lsn: Lsn): Promise<void> {
    this.checkOpen();
    if (lsn < this.lsnValue) {
      throw new PhotonError(
        'INVALID_ARGUMENT',
        `checkpoint LSN ${lsn} is below the current checkpoint LSN ${this.lsnValue}`,
        { lsn, limit: this.lsnValue },
      );
    }
    for (const id of this.pendingFree) this.freeIds.add(id);
    this.pendingFree.clear();
    this.fresh.clear();
    this.lsnValue = lsn;
    this.checkpointCount++;
    const b = this.backing;
    b.pages = new Map(this.pages);
    b.catalog = new Map(this.catalog);
    b.free = new Set(this.freeIds);
    b.nextPageId = this.nextPageId;
    b.checkpointLsn = lsn;
    b.checkpoints = this.checkpointCount;
  }

  stats(): PageStoreStats {
    return {
      pageSizeBytes: this.pageSizeBytes,
      pageCount: this.nextPageId,
      freePageCount: this.freeIds.size + this.pendingFree.size,
      cacheHits: 0,
      cacheMisses: 0,
      cacheEvictions: 0,
      dirtyPages: this.fresh.size,
      checkpoints: this.checkpointCount,
      checkpointLsn: this.lsnValue,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new PhotonError('CLOSED', 'the page store is closed');
  }

  private checkLive(id: PageId, what: string): void {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new PhotonError('INVALID_ARGUMENT', `cannot ${what} page ${String(id)}: not a page id`);
    }
    if (!this.pages.has(id)) {
      throw new PhotonError(
        'INVALID_ARGUMENT',
        `cannot ${what} page ${id}: it is not allocated (free or beyond the ${this.nextPageId} pages)`,
        { pageId: id },
      );
    }
  }
}

function catalogSizeBytes(catalog: Map<string, Uint8Array>): number {
  let size = 0;
  for (const [name, value] of catalog) size += 4 + utf8.encode(name).length + value.length;
  return size;
}
const utf8 = new TextEncoder();
