/**
 * BlobStore: `put(bytes) -> ref`, `get(ref)`, `free(ref)` over any `PageStore` (a PageFile, or the
 * reference MemoryPageStore).
 *
 * Layout. Small blobs (up to a quarter of a page payload) are packed into slotted pages, one open
 * "fill page" per size class, so blobs of similar size share pages. Larger blobs get a chain of
 * overflow pages of their own (format.ts "Overflow page"). The blob directory records every
 * packed page and how many of its cells are live (format.ts "Blob directory").
 *
 * Copy-on-write. A page is writable only until the next checkpoint, so a fill page is sealed by
 * a checkpoint: later puts open a new fill page. Freeing a cell of an unsealed page removes it
 * and reuses its space; freeing a cell of a sealed page only lowers the page's live count, and
 * the page is freed with its last cell (refs never move, so pages are never rewritten).
 *
 * Durability. Call `flush()` before every `store.checkpoint()`: it writes the directory (copy-on-
 * write) and names it in the catalog. After a crash the store is as of the last checkpoint, and
 * refs returned after it are gone.
 *
 * Not done here: double frees of a sealed cell are detected only within one session (no per-cell
 * bits are persisted), and free space in sealed pages is never reused before the page is empty.
 */
import { PhotonError, copyBytes, formatCount, hasErrorCode, unsafePageId } from '@photondb/contracts';
import type { PageId, PageStore } from '@photondb/contracts';
import {
  BLOB_DIRECTORY_ENTRY_BYTES,
  BLOB_DIRECTORY_HEADER_BYTES,
  BLOB_REF_BYTES,
  OVERFLOW_HEADER_BYTES,
  OVERFLOW_SLOT,
  SLOT_BYTES,
} from './format.js';
import { SlottedPage } from './slotted-page.js';

/** Where a blob lives. Encode it with `encodeBlobRef` to keep it in another structure. */
export interface BlobRef {
  readonly pageId: PageId;
  /** Slot in a packed page, or OVERFLOW_SLOT for an overflow chain. */
  readonly slot: number;
  readonly length: number;
}

/** The largest blob (the ref's length field is 32 bits). */
export const MAX_BLOB_BYTES = 0xffffffff;

/** Counters of a blob store. */
export interface BlobStoreStats {
  readonly packedPages: number;
  readonly fillPages: number;
  /** Pages of the directory chain written by the last flush. */
  readonly directoryPages: number;
  readonly liveCells: number;
  readonly sizeClasses: readonly number[];
}

interface FillPage {
  readonly id: PageId;
  readonly page: SlottedPage;
}

/** The size classes (largest cell of each) for a page payload of `capacityBytes`. */
export function blobSizeClasses(capacityBytes: number): number[] {
  const largest = Math.floor(capacityBytes / 4) - SLOT_BYTES;
  const classes = [64, 256, 1024].filter((c) => c < largest);
  classes.push(largest);
  return classes;
}

/** Encodes a ref into BLOB_REF_BYTES bytes (format.ts "Blob reference"). */
export function encodeBlobRef(ref: BlobRef): Uint8Array {
  const out = new Uint8Array(BLOB_REF_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, ref.pageId, true);
  v.setUint16(4, ref.slot, true);
  v.setUint32(6, ref.length, true);
  return out;
}

/** Decodes a ref; INVALID_ARGUMENT unless `bytes` is BLOB_REF_BYTES long. */
export function decodeBlobRef(bytes: Uint8Array): BlobRef {
  if (!(bytes instanceof Uint8Array) || bytes.length !== BLOB_REF_BYTES) {
    throw new PhotonError('INVALID_ARGUMENT', `a blob ref is ${BLOB_REF_BYTES} bytes`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { pageId: unsafePageId(v.getUint32(0, true)), slot: v.getUint16(4, true), length: v.getUint32(6, true) };
}

function badRef(ref: unknown, why: string): PhotonError {
  const r = ref as Partial<BlobRef> | undefined;
  return new PhotonError('INVALID_ARGUMENT', `blob ref ${JSON.stringify(r ?? null)} ${why}`, {
    ...(typeof r?.pageId === 'number' ? { pageId: r.pageId } : {}),
  });
}

/** A blob store over a page store. */
export class BlobStore {
  private readonly store: PageStore;
  private readonly catalogName: string;
  private readonly classes: number[];
  private readonly overflowPieceBytes: number;
  /** Packed pages and their live cell counts. */
  private readonly directory = new Map<number, number>();
  /** Open fill pages by size class, and the same pages by page id. */
  private readonly fillByClass = new Map<number, FillPage>();
  private readonly fills = new Map<number, FillPage>();
  private chainPages: PageId[] = [];
  /** Cells of sealed pages freed in this session (to catch double frees). */
  /** Freed cells of sealed pages, by page id (a page's entry goes when the page is freed). */
  private readonly freedSealed = new Map<number, Set<number>>();

  private constructor(store: PageStore, name: string) {
    this.store = store;
    this.catalogName = `blob:${name}`;
    this.classes = blobSizeClasses(store.payloadCapacityBytes);
    this.overflowPieceBytes = store.payloadCapacityBytes - OVERFLOW_HEADER_BYTES;
  }

  /**
   * Opens the blob store `name` kept in `store` (an empty one if the catalog has none). Throws
   * CORRUPTION for a damaged directory, INVALID_ARGUMENT for an empty name.
   */
  static open(store: PageStore, name = 'blobs'): BlobStore {
    if (typeof name !== 'string' || name.length === 0) throw new PhotonError('INVALID_ARGUMENT', 'blob store name must be a non-empty string');
    const blobs = new BlobStore(store, name);
    blobs.loadDirectory();
    return blobs;
  }

  /**
   * Stores a copy of `bytes` and returns its ref. Throws INVALID_ARGUMENT (not a Uint8Array),
   * TOO_LARGE (over MAX_BLOB_BYTES), and the store's errors (CLOSED, READ_ONLY, IO).
   */
  put(bytes: Uint8Array): BlobRef {
    if (!(bytes instanceof Uint8Array)) throw new PhotonError('INVALID_ARGUMENT', 'a blob must be a Uint8Array');
    if (bytes.length > MAX_BLOB_BYTES) {
      throw new PhotonError('TOO_LARGE', `blob is ${formatCount(bytes.length)} bytes; at most ${formatCount(MAX_BLOB_BYTES)}`, {
        limit: MAX_BLOB_BYTES,
        actual: bytes.length,
      });
    }
    const cls = this.classes.findIndex((c) => bytes.length <= c);
    return cls === -1 ? this.putOverflow(bytes) : this.putPacked(cls, bytes);
  }

  /**
   * A copy of the blob. Throws INVALID_ARGUMENT for a ref this store did not return (or one
   * freed), CORRUPTION for a damaged page, and the store's errors.
   */
  get(ref: BlobRef): Uint8Array {
    this.checkRefShape(ref);
    if (ref.slot === OVERFLOW_SLOT) return this.readOverflow(ref, undefined);
    const fill = this.fills.get(ref.pageId);
    if (fill !== undefined) return copyBytes(this.cellOf(fill.page, ref));
    if (!this.directory.has(ref.pageId)) throw badRef(ref, 'does not name a packed page of this blob store');
    const pin = this.store.pin(ref.pageId);
    try {
      return copyBytes(this.cellOf(SlottedPage.read(pin.payload), ref));
    } finally {
      pin.release();
    }
  }

  /** Frees a blob. Throws INVALID_ARGUMENT for a ref not returned by this store or already freed. */
  free(ref: BlobRef): void {
    this.checkRefShape(ref);
    if (ref.slot === OVERFLOW_SLOT) {
      const pages: PageId[] = [];
      this.readOverflow(ref, pages);
      for (const id of pages) this.store.free(id);
      return;
    }
    const fill = this.fills.get(ref.pageId);
    if (fill !== undefined) {
      this.cellOf(fill.page, ref);
      fill.page.delete(ref.slot);
      if (this.rewrite(fill)) {
        this.directory.set(ref.pageId, this.directory.get(ref.pageId)! - 1);
        return;
      }
    }
    this.freeSealedCell(ref);
  }

  /**
   * Writes the directory (copy-on-write) and names it in the catalog. Call it before each
   * `store.checkpoint()`; refs are durable once both have run.
   */
  flush(): void {
    for (const fill of [...this.fills.values()]) {
      if (this.directory.get(fill.id) !== 0) continue;
      this.dropFill(fill);
      this.directory.delete(fill.id);
      this.store.free(fill.id);
    }
    for (const id of this.chainPages) this.store.free(id);
    const entries = [...this.directory.entries()].sort((a, b) => a[0] - b[0]);
    const perPage = Math.floor((this.store.payloadCapacityBytes - BLOB_DIRECTORY_HEADER_BYTES) / BLOB_DIRECTORY_ENTRY_BYTES);
    const count = Math.ceil(entries.length / perPage);
    const pages = Array.from({ length: count }, () => this.store.allocate());
    for (let i = 0; i < count; i++) {
      const chunk = entries.slice(i * perPage, (i + 1) * perPage);
      const payload = new Uint8Array(BLOB_DIRECTORY_HEADER_BYTES + chunk.length * BLOB_DIRECTORY_ENTRY_BYTES);
      const v = new DataView(payload.buffer);
      v.setUint32(0, i + 1 < count ? pages[i + 1] : 0, true);
      v.setUint32(4, chunk.length, true);
      chunk.forEach(([id, live], j) => {
        v.setUint32(BLOB_DIRECTORY_HEADER_BYTES + j * BLOB_DIRECTORY_ENTRY_BYTES, id, true);
        v.setUint16(BLOB_DIRECTORY_HEADER_BYTES + j * BLOB_DIRECTORY_ENTRY_BYTES + 4, live, true);
      });
      this.store.write(pages[i], payload);
    }
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, count > 0 ? pages[0] : 0, true);
    new DataView(head.buffer).setUint32(4, count, true);
    this.store.setCatalog(this.catalogName, head);
    this.chainPages = pages;
  }

  stats(): BlobStoreStats {
    let live = 0;
    for (const n of this.directory.values()) live += n;
    return { packedPages: this.directory.size, fillPages: this.fills.size, directoryPages: this.chainPages.length, liveCells: live, sizeClasses: this.classes };
  }

  /** Every problem with the packed pages (unreadable, malformed, fewer cells than counted). */
  check(): string[] {
    const problems: string[] = [];
    for (const [id, live] of this.directory) {
      try {
        const fill = this.fills.get(id);
        const pin = fill === undefined ? this.store.pin(unsafePageId(id)) : undefined;
        try {
          const page = fill?.page ?? SlottedPage.read(pin!.payload);
          if (page.liveCount < live) problems.push(`packed page ${id} holds ${page.liveCount} cells, ${live} counted live`);
        } finally {
          pin?.release();
        }
      } catch (e) {
        problems.push(`packed page ${id}: ${(e as Error).message}`);
      }
    }
    return problems;
  }

  // ------------------------------------------------------------------------------ internals

  private putPacked(cls: number, bytes: Uint8Array): BlobRef {
    for (let attempt = 0; attempt < 3; attempt++) {
      let fill = this.fillByClass.get(cls);
      let slot = fill === undefined ? -1 : fill.page.insert(bytes);
      if (fill === undefined || slot === -1) {
        fill = this.openFill(cls);
        slot = fill.page.insert(bytes);
      }
      if (this.rewrite(fill)) {
        this.directory.set(fill.id, (this.directory.get(fill.id) ?? 0) + 1);
        return { pageId: fill.id, slot, length: bytes.length };
      }
    }
    throw new PhotonError('INTERNAL', 'a freshly allocated fill page could not be written');
  }

  private openFill(cls: number): FillPage {
    const id = this.store.allocate();
    const fill = { id, page: SlottedPage.init(new Uint8Array(this.store.payloadCapacityBytes)) };
    this.fillByClass.set(cls, fill);
    this.fills.set(id, fill);
    this.directory.set(id, 0);
    return fill;
  }

  /**
   * Writes a fill page; false (and the fill page is dropped) when a checkpoint has sealed it, in
   * which case the caller's change to the in-memory page did not happen on disk.
   */
  private rewrite(fill: FillPage): boolean {
    try {
      this.store.write(fill.id, fill.page.bytes);
      return true;
    } catch (e) {
      if (!hasErrorCode(e, 'INVALID_ARGUMENT')) throw e;
      this.dropFill(fill);
      return false;
    }
  }

  private dropFill(fill: FillPage): void {
    this.fills.delete(fill.id);
    for (const [cls, value] of [...this.fillByClass]) if (value === fill) this.fillByClass.delete(cls);
  }

  private freeSealedCell(ref: BlobRef): void {
    const live = this.directory.get(ref.pageId);
    const freed = this.freedSealed.get(ref.pageId);
    if (live === undefined || freed?.has(ref.slot)) throw badRef(ref, 'is not a live blob of this store');
    const pin = this.store.pin(ref.pageId);
    try {
      this.cellOf(SlottedPage.read(pin.payload), ref);
    } finally {
      pin.release();
    }
    if (freed === undefined) this.freedSealed.set(ref.pageId, new Set([ref.slot]));
    else freed.add(ref.slot);
    if (live <= 1) {
      this.directory.delete(ref.pageId);
      this.store.free(ref.pageId);
      // The page id may come back from allocate() for new blobs: forget its freed slots.
      this.freedSealed.delete(ref.pageId);
    } else {
      this.directory.set(ref.pageId, live - 1);
    }
  }

  private cellOf(page: SlottedPage, ref: BlobRef): Uint8Array {
    const cell = page.get(ref.slot);
    if (cell === undefined || cell.length !== ref.length) throw badRef(ref, 'does not name a live blob');
    return cell;
  }

  private putOverflow(bytes: Uint8Array): BlobRef {
    const piece = this.overflowPieceBytes;
    const count = Math.max(1, Math.ceil(bytes.length / piece));
    const pages = Array.from({ length: count }, () => this.store.allocate());
    for (let i = 0; i < count; i++) {
      const data = bytes.subarray(i * piece, (i + 1) * piece);
      const payload = new Uint8Array(OVERFLOW_HEADER_BYTES + data.length);
      new DataView(payload.buffer).setUint32(0, i + 1 < count ? pages[i + 1] : 0, true);
      payload.set(data, OVERFLOW_HEADER_BYTES);
      this.store.write(pages[i], payload);
    }
    return { pageId: pages[0], slot: OVERFLOW_SLOT, length: bytes.length };
  }

  /** Reads an overflow chain (checking its shape); collects its page ids into `pages` if given. */
  private readOverflow(ref: BlobRef, pages: PageId[] | undefined): Uint8Array {
    const piece = this.overflowPieceBytes;
    const count = Math.max(1, Math.ceil(ref.length / piece));
    const out = pages === undefined ? new Uint8Array(ref.length) : undefined;
    let id: number = ref.pageId;
    for (let i = 0; i < count; i++) {
      const expected = i + 1 < count ? piece : ref.length - piece * (count - 1);
      const pin = this.store.pin(unsafePageId(id));
      try {
        const payload = pin.payload;
        const next = payload.length >= OVERFLOW_HEADER_BYTES ? new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true) : -1;
        if (payload.length !== OVERFLOW_HEADER_BYTES + expected || (i + 1 < count) !== (next !== 0)) {
          throw badRef(ref, `does not match overflow page ${id} (piece ${i} of ${count})`);
        }
        out?.set(payload.subarray(OVERFLOW_HEADER_BYTES), i * piece);
        pages?.push(unsafePageId(id));
        id = next;
      } finally {
        pin.release();
      }
    }
    return out ?? new Uint8Array(0);
  }

  private checkRefShape(ref: BlobRef): void {
    if (
      typeof ref !== 'object' ||
      ref === null ||
      !Number.isSafeInteger(ref.pageId) ||
      !Number.isInteger(ref.slot) ||
      ref.slot < 0 ||
      ref.slot > OVERFLOW_SLOT ||
      !Number.isSafeInteger(ref.length) ||
      ref.length < 0 ||
      ref.length > MAX_BLOB_BYTES
    ) {
      throw badRef(ref, 'is not a blob ref');
    }
    if (ref.slot === OVERFLOW_SLOT && ref.length <= this.classes[this.classes.length - 1]) {
      throw badRef(ref, 'is too short for an overflow chain');
    }
  }

  private loadDirectory(): void {
    const head = this.store.getCatalog(this.catalogName);
    if (head === undefined) return;
    const fail = (why: string): PhotonError => new PhotonError('CORRUPTION', `blob store ${this.catalogName}: ${why}`);
    if (head.length !== 8) throw fail(`catalog entry of ${head.length} bytes, expected 8`);
    const hv = new DataView(head.buffer, head.byteOffset, 8);
    let id = hv.getUint32(0, true);
    const pages = hv.getUint32(4, true);
    for (let i = 0; i < pages; i++) {
      if (id === 0 || this.chainPages.includes(unsafePageId(id))) throw fail(`directory chain ends or loops after ${i} of ${pages} pages`);
      this.chainPages.push(unsafePageId(id));
      const pin = this.store.pin(unsafePageId(id));
      try {
        const p = pin.payload;
        const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
        if (p.length < BLOB_DIRECTORY_HEADER_BYTES) throw fail(`directory page ${id} is too short`);
        const count = v.getUint32(4, true);
        if (BLOB_DIRECTORY_HEADER_BYTES + count * BLOB_DIRECTORY_ENTRY_BYTES !== p.length) throw fail(`directory page ${id} length disagrees with its count`);
        for (let j = 0; j < count; j++) {
          const at = BLOB_DIRECTORY_HEADER_BYTES + j * BLOB_DIRECTORY_ENTRY_BYTES;
          this.directory.set(v.getUint32(at, true), v.getUint16(at + 4, true));
        }
        id = v.getUint32(0, true);
      } finally {
        pin.release();
      }
    }
    if (id !== 0) throw fail(`directory chain is longer than ${pages} pages`);
  }
}
