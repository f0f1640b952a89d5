/**
 * The on-disk format of the page file: every structure's spec, its constants, and its encoder and
 * decoder. Nothing here does I/O or keeps state; the page file, the free list and the slotted-page
 * helpers call these functions. Decoders never trust the bytes: every length is bounded before it
 * is used, and a violation is a `CORRUPTION` error naming the page and its file offset.
 *
 * Byte order: little-endian everywhere. 64-bit fields hold integers below 2^53 and are written as
 * two unsigned 32-bit halves (low half first). Checksums are CRC-32 (IEEE, zlib.crc32).
 */
import { PhotonError } from '@photondb/contracts';
import { checksumSkipping } from '@photondb/io';

// ------------------------------------------------------------------------------------------------
// Page header
// ------------------------------------------------------------------------------------------------

/**
 * Page header, format v1. Every page of the file starts with it; the payload follows.
 *
 *   OFFSET  SIZE  FIELD           MEANING
 *        0     4  magic           0x47504850 ("PHPG" read as bytes 50 48 50 47)
 *        4     4  checksum        CRC-32 of the whole page (all pageSizeBytes) with bytes [4, 8)
 *                                 taken as zero
 *        8     1  type            PAGE_TYPE: 1 meta, 2 data, 3 free-list
 *        9     1  flags           bit 0 (PAGE_FLAG_COMPRESSED): the stored payload is a snappy
 *                                 stream; other bits must be zero
 *       10     2  reserved        zero
 *       12     4  pageId          the page's own number (a page copied to another offset is caught)
 *       16     8  version         the checkpoint generation that wrote the page
 *       24     4  payloadBytes    logical (uncompressed) payload length, <= payload capacity
 *       28     4  storedBytes     bytes of payload area in use: = payloadBytes when not
 *                                 compressed, else the snappy stream's length (< payloadBytes)
 *       32     4  payloadChecksum CRC-32 of the logical payload when compressed, else zero
 *       36     4  reserved        zero
 *       40     -  payload area    storedBytes bytes, then zeros to the end of the page
 *
 * Payload capacity = pageSizeBytes - PAGE_HEADER_BYTES.
 * Valid iff (1) magic matches, (2) the checksum matches, (3) type is known, (4) pageId equals the
 * page's position, (5) flags and reserved fields are as above, (6) payloadBytes and storedBytes
 * are within the capacity and agree with the compressed flag, (7) a compressed payload decodes
 * (by our bounds-checked decoder) to exactly payloadBytes bytes whose CRC-32 is payloadChecksum.
 * Reader: any violation is CORRUPTION { path, pageId, offset }; never data.
 * Pinned by format.test.ts "golden data page v1".
 */
export const PAGE_MAGIC = 0x47504850;
/** Bytes of the page header. */
export const PAGE_HEADER_BYTES = 40;
export const PAGE_TYPE = { meta: 1, data: 2, freeList: 3 } as const;
export type PageTypeCode = (typeof PAGE_TYPE)[keyof typeof PAGE_TYPE];
/** Header flag: the payload area holds a snappy stream. */
export const PAGE_FLAG_COMPRESSED = 1;
/** Smallest page size (bytes). */
export const MIN_PAGE_SIZE_BYTES = 4096;
/** Largest page size (bytes). */
export const MAX_PAGE_SIZE_BYTES = 65536;
/** Page size of a new file unless another is chosen. */
export const DEFAULT_PAGE_SIZE_BYTES = 8192;
/** Page ids are stored in 32 bits; a file holds at most this many pages. */
export const MAX_PAGE_COUNT = 0xffffffff;

const H_MAGIC = 0;
const H_CHECKSUM = 4;
const H_TYPE = 8;
const H_FLAGS = 9;
const H_RESERVED1 = 10;
const H_PAGE_ID = 12;
const H_VERSION = 16;
const H_PAYLOAD_BYTES = 24;
const H_STORED_BYTES = 28;
const H_PAYLOAD_CHECKSUM = 32;
const H_RESERVED2 = 36;

/** The decoded fields of a page header. */
export interface PageHeader {
  readonly type: number;
  readonly flags: number;
  readonly pageId: number;
  readonly version: number;
  readonly payloadBytes: number;
  readonly storedBytes: number;
  readonly payloadChecksum: number;
}

/** The page header fields to write. */
export interface PageHeaderInit {
  readonly type: PageTypeCode;
  readonly flags: number;
  readonly pageId: number;
  readonly version: number;
  readonly payloadBytes: number;
  readonly storedBytes: number;
  readonly payloadChecksum: number;
}

/** True when `pageSizeBytes` is a power of two from 4096 to 65536. */
export function isValidPageSize(pageSizeBytes: unknown): pageSizeBytes is number {
  return (
    typeof pageSizeBytes === 'number' &&
    Number.isInteger(pageSizeBytes) &&
    pageSizeBytes >= MIN_PAGE_SIZE_BYTES &&
    pageSizeBytes <= MAX_PAGE_SIZE_BYTES &&
    (pageSizeBytes & (pageSizeBytes - 1)) === 0
  );
}

/** Payload bytes one page of `pageSizeBytes` holds. */
export function payloadCapacity(pageSizeBytes: number): number {
  return pageSizeBytes - PAGE_HEADER_BYTES;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads an unsigned 64-bit field (< 2^53) written as two 32-bit halves. */
export function getU64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x100000000;
}

/** Writes an unsigned integer below 2^53 as two 32-bit halves. */
export function setU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / 0x100000000), true);
}

/**
 * Writes the header into `page[0, 40)` and the checksum over the whole page. The payload area
 * must already hold `storedBytes` bytes followed by zeros. `page.length` is the page size.
 */
export function sealPage(page: Uint8Array, init: PageHeaderInit): void {
  const v = viewOf(page);
  v.setUint32(H_MAGIC, PAGE_MAGIC, true);
  v.setUint32(H_CHECKSUM, 0, true);
  v.setUint8(H_TYPE, init.type);
  v.setUint8(H_FLAGS, init.flags);
  v.setUint16(H_RESERVED1, 0, true);
  v.setUint32(H_PAGE_ID, init.pageId, true);
  setU64(v, H_VERSION, init.version);
  v.setUint32(H_PAYLOAD_BYTES, init.payloadBytes, true);
  v.setUint32(H_STORED_BYTES, init.storedBytes, true);
  v.setUint32(H_PAYLOAD_CHECKSUM, init.payloadChecksum, true);
  v.setUint32(H_RESERVED2, 0, true);
  v.setUint32(H_CHECKSUM, pageChecksum(page), true);
}

/** CRC-32 of the page with the checksum field taken as zero (the field is left unchanged). */
export function pageChecksum(page: Uint8Array): number {
  return checksumSkipping(page, H_CHECKSUM, 4);
}

/** True when the first bytes of `page` carry the page magic. */
export function hasPageMagic(page: Uint8Array): boolean {
  return page.length >= 4 && viewOf(page).getUint32(H_MAGIC, true) === PAGE_MAGIC;
}

/** The checksum stored in the header. */
export function storedChecksum(page: Uint8Array): number {
  return viewOf(page).getUint32(H_CHECKSUM, true);
}

/** Decodes a header without checking it (for inspection of damaged pages). */
export function readHeader(page: Uint8Array): PageHeader {
  const v = viewOf(page);
  return {
    type: v.getUint8(H_TYPE),
    flags: v.getUint8(H_FLAGS),
    pageId: v.getUint32(H_PAGE_ID, true),
    version: getU64(v, H_VERSION),
    payloadBytes: v.getUint32(H_PAYLOAD_BYTES, true),
    storedBytes: v.getUint32(H_STORED_BYTES, true),
    payloadChecksum: v.getUint32(H_PAYLOAD_CHECKSUM, true),
  };
}

/** Where a page lives, for CORRUPTION errors. */
export interface PageLocation {
  readonly path: string;
  readonly pageId: number;
  readonly offset: number;
}

/** A CORRUPTION error naming the file, page and offset. */
export function corruption(where: PageLocation, what: string): PhotonError {
  return new PhotonError('CORRUPTION', `${where.path}: page ${where.pageId} at offset ${where.offset}: ${what}`, {
    path: where.path,
    pageId: where.pageId,
    offset: where.offset,
  });
}

/**
 * Checks rules (1) to (6) of the page header spec and returns the header; throws CORRUPTION.
 * `page.length` must be the page size. Rule (7) is checked by whoever decompresses.
 */
export function checkPage(page: Uint8Array, where: PageLocation): PageHeader {
  if (!hasPageMagic(page)) throw corruption(where, `bad page magic 0x${viewOf(page).getUint32(0, true).toString(16)}`);
  const expected = storedChecksum(page);
  const actual = pageChecksum(page);
  if (expected !== actual) {
    throw corruption(where, `checksum mismatch: header says 0x${expected.toString(16)}, page hashes to 0x${actual.toString(16)}`);
  }
  const h = readHeader(page);
  const v = viewOf(page);
  if (h.type !== PAGE_TYPE.meta && h.type !== PAGE_TYPE.data && h.type !== PAGE_TYPE.freeList) {
    throw corruption(where, `unknown page type ${h.type}`);
  }
  if (h.pageId !== where.pageId) throw corruption(where, `header names page ${h.pageId}`);
  if ((h.flags & ~PAGE_FLAG_COMPRESSED) !== 0 || v.getUint16(H_RESERVED1, true) !== 0 || v.getUint32(H_RESERVED2, true) !== 0) {
    throw corruption(where, `unknown flags 0x${h.flags.toString(16)} or non-zero reserved fields`);
  }
  const capacity = payloadCapacity(page.length);
  if (h.payloadBytes > capacity || h.storedBytes > capacity) {
    throw corruption(where, `payload of ${h.payloadBytes} bytes (${h.storedBytes} stored) exceeds the capacity ${capacity}`);
  }
  const compressed = (h.flags & PAGE_FLAG_COMPRESSED) !== 0;
  if (compressed ? h.storedBytes >= h.payloadBytes : h.storedBytes !== h.payloadBytes || h.payloadChecksum !== 0) {
    throw corruption(where, `stored length ${h.storedBytes} disagrees with payload length ${h.payloadBytes}`);
  }
  return h;
}

// ------------------------------------------------------------------------------------------------
// Meta page
// ------------------------------------------------------------------------------------------------

/**
 * Meta page payload, format v1. Pages 0 and 1 are meta pages (header type 1, header version =
 * generation, never compressed). Checkpoint generation g is written to page g % 2, so the two
 * alternate and the previous one survives a torn write of the next.
 *
 *   OFFSET  SIZE  FIELD           MEANING
 *        0     8  fileMagic       ASCII "PhotonDB"
 *        8     4  formatVersion   FORMAT_VERSION (1); a newer one is refused (UNSUPPORTED_VERSION)
 *       12     4  pageSizeBytes   power of two, 4096..65536; equals the page's own size
 *       16     1  compression     0 none, 1 snappy (the setting for new page writes)
 *       17     3  reserved        zero
 *       20     4  catalogBytes    bytes of the catalog area, <= catalog capacity
 *       24     8  generation      checkpoint generation; equals the header's version
 *       32     8  checkpointLsn   the caller's LSN recorded by the checkpoint
 *       40     8  pageCount       pages in use by the file (ids 0 .. pageCount - 1), >= 2; the
 *                                 file is at least pageCount pages long and may be longer (a
 *                                 checkpoint that shrank it is cut after its meta sync; bytes
 *                                 past pageCount pages are never read)
 *       48     4  freeListHead    first free-list page, 0 when the free list is empty
 *       52     4  freeListPages   pages in the free-list chain
 *       56     4  freePageCount   page ids listed in the chain
 *       60     4  reserved        zero
 *       64   cat  catalog         u16 entryCount, then per entry: u16 nameBytes, UTF-8 name,
 *                                 u32 valueBytes, value; names sorted by UTF-16 order, unique
 *
 * Valid iff the page header is valid (type meta, pageId 0 or 1) and (1) fileMagic matches,
 * (2) formatVersion is 1, (3) pageSizeBytes is the page's size, (4) the catalog parses exactly
 * into catalogBytes, (5) freeListHead < pageCount and pageCount <= MAX_PAGE_COUNT.
 * Open picks the valid meta with the highest generation (LMDB style); if neither is valid the
 * file is CORRUPTION, if neither carries our magic it is NOT_A_DATABASE.
 * Pinned by format.test.ts "golden meta page v1".
 */
export const FILE_MAGIC = Uint8Array.of(0x50, 0x68, 0x6f, 0x74, 0x6f, 0x6e, 0x44, 0x42);
/** The format version this package writes and reads. */
export const FORMAT_VERSION = 1;
/** Bytes of the fixed part of the meta payload, before the catalog. */
export const META_FIXED_BYTES = 64;
export const COMPRESSION_CODE = { none: 0, snappy: 1 } as const;
export type CompressionName = keyof typeof COMPRESSION_CODE;

const M_FORMAT_VERSION = 8;
const M_PAGE_SIZE = 12;
const M_COMPRESSION = 16;
const M_RESERVED1 = 17;
const M_CATALOG_BYTES = 20;
const M_GENERATION = 24;
const M_LSN = 32;
const M_PAGE_COUNT = 40;
const M_FREE_HEAD = 48;
const M_FREE_PAGES = 52;
const M_FREE_COUNT = 56;
const M_RESERVED2 = 60;

/** The contents of a meta page. */
export interface MetaState {
  readonly pageSizeBytes: number;
  readonly compression: CompressionName;
  readonly generation: number;
  readonly checkpointLsn: number;
  readonly pageCount: number;
  readonly freeListHead: number;
  readonly freeListPages: number;
  readonly freePageCount: number;
  /** Sorted by name. */
  readonly catalog: ReadonlyMap<string, Uint8Array>;
}

/** Catalog bytes that fit in a meta page of `pageSizeBytes` (count field included). */
export function catalogCapacity(pageSizeBytes: number): number {
  return payloadCapacity(pageSizeBytes) - META_FIXED_BYTES;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes the encoded catalog takes (count field included). */
export function catalogSizeBytes(catalog: ReadonlyMap<string, Uint8Array>): number {
  let size = 2;
  for (const [name, value] of catalog) size += 6 + utf8Encoder.encode(name).length + value.length;
  return size;
}

/** Encodes a full meta page (header included) into `page` (length = page size). */
export function encodeMetaPage(page: Uint8Array, meta: MetaState): void {
  page.fill(0);
  const body = page.subarray(PAGE_HEADER_BYTES);
  const v = viewOf(body);
  body.set(FILE_MAGIC, 0);
  v.setUint32(M_FORMAT_VERSION, FORMAT_VERSION, true);
  v.setUint32(M_PAGE_SIZE, meta.pageSizeBytes, true);
  v.setUint8(M_COMPRESSION, COMPRESSION_CODE[meta.compression]);
  setU64(v, M_GENERATION, meta.generation);
  setU64(v, M_LSN, meta.checkpointLsn);
  setU64(v, M_PAGE_COUNT, meta.pageCount);
  v.setUint32(M_FREE_HEAD, meta.freeListHead, true);
  v.setUint32(M_FREE_PAGES, meta.freeListPages, true);
  v.setUint32(M_FREE_COUNT, meta.freePageCount, true);
  const names = [...meta.catalog.keys()].sort();
  let at = META_FIXED_BYTES;
  v.setUint16(at, names.length, true);
  at += 2;
  for (const name of names) {
    const nameBytes = utf8Encoder.encode(name);
    const value = meta.catalog.get(name)!;
    v.setUint16(at, nameBytes.length, true);
    body.set(nameBytes, at + 2);
    at += 2 + nameBytes.length;
    v.setUint32(at, value.length, true);
    body.set(value, at + 4);
    at += 4 + value.length;
  }
  const catalogBytes = at - META_FIXED_BYTES;
  v.setUint32(M_CATALOG_BYTES, catalogBytes, true);
  sealPage(page, {
    type: PAGE_TYPE.meta,
    flags: 0,
    pageId: meta.generation % 2,
    version: meta.generation,
    payloadBytes: at,
    storedBytes: at,
    payloadChecksum: 0,
  });
}

/** The format version a meta page claims, when it carries both magics (else undefined). */
export function claimedFormatVersion(page: Uint8Array): number | undefined {
  if (page.length < PAGE_HEADER_BYTES + META_FIXED_BYTES || !hasPageMagic(page)) return undefined;
  const body = page.subarray(PAGE_HEADER_BYTES);
  for (let i = 0; i < FILE_MAGIC.length; i++) if (body[i] !== FILE_MAGIC[i]) return undefined;
  return viewOf(body).getUint32(M_FORMAT_VERSION, true);
}

/** The page size a meta page claims (unchecked), when it carries both magics. */
export function claimedPageSize(page: Uint8Array): number | undefined {
  if (claimedFormatVersion(page) === undefined) return undefined;
  return viewOf(page.subarray(PAGE_HEADER_BYTES)).getUint32(M_PAGE_SIZE, true);
}

/** Decodes and checks a meta page (full page, header included); throws CORRUPTION. */
export function decodeMetaPage(page: Uint8Array, where: PageLocation): MetaState {
  const h = checkPage(page, where);
  if (h.type !== PAGE_TYPE.meta) throw corruption(where, `page type ${h.type} where a meta page belongs`);
  const body = page.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + h.payloadBytes);
  if (body.length < META_FIXED_BYTES) throw corruption(where, `meta payload of ${body.length} bytes is too short`);
  const version = claimedFormatVersion(page);
  if (version === undefined) throw corruption(where, 'meta page without the file magic');
  if (version !== FORMAT_VERSION) throw corruption(where, `meta page of format version ${version}`);
  const v = viewOf(body);
  const pageSizeBytes = v.getUint32(M_PAGE_SIZE, true);
  if (pageSizeBytes !== page.length) throw corruption(where, `meta says page size ${pageSizeBytes}, read ${page.length}`);
  const compressionCode = v.getUint8(M_COMPRESSION);
  if (compressionCode > 1 || v.getUint8(M_RESERVED1) !== 0 || v.getUint16(M_RESERVED1 + 1, true) !== 0 || v.getUint32(M_RESERVED2, true) !== 0) {
    throw corruption(where, `unknown compression ${compressionCode} or non-zero reserved fields`);
  }
  const generation = getU64(v, M_GENERATION);
  if (generation !== h.version || generation % 2 !== where.pageId) {
    throw corruption(where, `meta generation ${generation} does not match its header version ${h.version} or slot`);
  }
  const pageCount = getU64(v, M_PAGE_COUNT);
  const freeListHead = v.getUint32(M_FREE_HEAD, true);
  if (pageCount < 2 || pageCount > MAX_PAGE_COUNT || freeListHead >= pageCount || freeListHead === 1) {
    throw corruption(where, `page count ${pageCount} or free-list head ${freeListHead} out of range`);
  }
  const catalogBytes = v.getUint32(M_CATALOG_BYTES, true);
  if (META_FIXED_BYTES + catalogBytes !== body.length) {
    throw corruption(where, `catalog length ${catalogBytes} disagrees with the payload length ${body.length}`);
  }
  return {
    pageSizeBytes,
    compression: compressionCode === 1 ? 'snappy' : 'none',
    generation,
    checkpointLsn: getU64(v, M_LSN),
    pageCount,
    freeListHead,
    freeListPages: v.getUint32(M_FREE_PAGES, true),
    freePageCount: v.getUint32(M_FREE_COUNT, true),
    catalog: decodeCatalog(body.subarray(META_FIXED_BYTES), where),
  };
}

function decodeCatalog(bytes: Uint8Array, where: PageLocation): Map<string, Uint8Array> {
  const v = viewOf(bytes);
  const fail = (what: string): PhotonError => corruption(where, `catalog: ${what}`);
  if (bytes.length < 2) throw fail('missing entry count');
  const count = v.getUint16(0, true);
  const catalog = new Map<string, Uint8Array>();
  let at = 2;
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) throw fail(`entry ${i} runs past the end`);
    const nameBytes = v.getUint16(at, true);
    if (at + 2 + nameBytes + 4 > bytes.length) throw fail(`entry ${i} name runs past the end`);
    let name: string;
    try {
      name = utf8Decoder.decode(bytes.subarray(at + 2, at + 2 + nameBytes));
    } catch {
      throw fail(`entry ${i} name is not UTF-8`);
    }
    at += 2 + nameBytes;
    const valueBytes = v.getUint32(at, true);
    if (at + 4 + valueBytes > bytes.length) throw fail(`entry ${i} value runs past the end`);
    if (previous !== undefined && !(previous < name)) throw fail(`names out of order at entry ${i}`);
    catalog.set(name, bytes.slice(at + 4, at + 4 + valueBytes));
    at += 4 + valueBytes;
    previous = name;
  }
  if (at !== bytes.length) throw fail(`${bytes.length - at} trailing bytes`);
  return catalog;
}

// ------------------------------------------------------------------------------------------------
// Free-list page
// ------------------------------------------------------------------------------------------------

/**
 * Free-list page payload, format v1 (header type 3, never compressed). The free list of a
 * checkpoint is a chain of these pages, written copy-on-write at every checkpoint; the meta page
 * names the head, the chain length and the total count.
 *
 *   OFFSET  SIZE     FIELD  MEANING
 *        0     4     next   next free-list page id, 0 = end of chain
 *        4     4     count  ids in this page, <= FREE_IDS_PER_PAGE(pageSize)
 *        8  4*count  ids    free page ids (u32 each), each >= 2 and < pageCount
 *
 * Valid iff the page header is valid and payloadBytes = 8 + 4 * count. The chain is valid iff it
 * has exactly freeListPages pages, no cycle, and its ids are distinct, in range, not chain pages,
 * and number freePageCount. Any violation is CORRUPTION at open.
 * Pinned by format.test.ts "golden free-list page v1".
 */
export const FREE_LIST_HEADER_BYTES = 8;

/** Free page ids one free-list page holds. */
export function freeIdsPerPage(pageSizeBytes: number): number {
  return Math.floor((payloadCapacity(pageSizeBytes) - FREE_LIST_HEADER_BYTES) / 4);
}

/** Encodes a free-list payload (not the header) into a new array. */
export function encodeFreeListPayload(next: number, ids: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(FREE_LIST_HEADER_BYTES + 4 * ids.length);
  const v = viewOf(out);
  v.setUint32(0, next, true);
  v.setUint32(4, ids.length, true);
  for (let i = 0; i < ids.length; i++) v.setUint32(FREE_LIST_HEADER_BYTES + 4 * i, ids[i], true);
  return out;
}

/** Decodes a free-list payload; throws CORRUPTION when its lengths disagree. */
export function decodeFreeListPayload(payload: Uint8Array, where: PageLocation): { next: number; ids: number[] } {
  if (payload.length < FREE_LIST_HEADER_BYTES) throw corruption(where, 'free-list page shorter than its header');
  const v = viewOf(payload);
  const next = v.getUint32(0, true);
  const count = v.getUint32(4, true);
  if (FREE_LIST_HEADER_BYTES + 4 * count !== payload.length) {
    throw corruption(where, `free-list page claims ${count} ids in ${payload.length} payload bytes`);
  }
  const ids = new Array<number>(count);
  for (let i = 0; i < count; i++) ids[i] = v.getUint32(FREE_LIST_HEADER_BYTES + 4 * i, true);
  return { next, ids };
}

// ------------------------------------------------------------------------------------------------
// Slotted page (a payload format offered to callers; the page file does not interpret it)
// ------------------------------------------------------------------------------------------------

/**
 * Slotted payload, format v1: variable-size cells addressed by stable slot numbers. It lives in a
 * data page's payload (any length up to 65,535 bytes); cells grow down from the end, the slot
 * directory grows up after the header.
 *
 *   OFFSET  SIZE       FIELD         MEANING
 *        0     2       slotCount     slots in the directory (live and empty)
 *        2     2       cellStart     lowest byte used by a cell (= payload length when none)
 *        4     2       garbageBytes  bytes inside [cellStart, end) no longer used by any cell
 *        6     2       reserved      zero
 *        8  4*slots    directory     per slot: u16 offset (0 = empty slot), u16 length
 *   cellStart  ...     cells         cell bytes, in any order, up to the end of the payload
 *
 * Valid iff 8 + 4 * slotCount <= cellStart <= payload length, every live cell lies inside
 * [cellStart, payload length) and no two overlap, and garbageBytes equals the unused bytes of
 * that range. `SlottedPage.check()` returns every violation as data.
 * Pinned by slotted-page.test.ts "golden slotted payload v1".
 */
export const SLOTTED_HEADER_BYTES = 8;
/** Bytes of one slot directory entry. */
export const SLOT_BYTES = 4;
/** The largest payload a slotted page can address (16-bit offsets). */
export const MAX_SLOTTED_PAYLOAD_BYTES = 0xffff;

// ------------------------------------------------------------------------------------------------
// Blob store structures (payload formats inside data pages; see blob-store.ts)
// ------------------------------------------------------------------------------------------------

/**
 * Blob reference, format v1: what `BlobStore.put` returns, for callers to store (10 bytes).
 *
 *   OFFSET  SIZE  FIELD   MEANING
 *        0     4  pageId  the packed page, or the first page of an overflow chain
 *        4     2  slot    the cell's slot in a packed page; 0xFFFF (OVERFLOW_SLOT) for a chain
 *        6     4  length  the blob's length in bytes
 *
 * Pinned by blob-store.test.ts "golden blob ref v1".
 */
export const BLOB_REF_BYTES = 10;
/** The slot value of a blob stored in an overflow chain. */
export const OVERFLOW_SLOT = 0xffff;

/**
 * Overflow page payload, format v1: one piece of a blob too large to pack.
 *
 *   OFFSET  SIZE  FIELD  MEANING
 *        0     4  next   next page of the chain, 0 on the last page
 *        4     n  data   the next n bytes of the blob (n = payloadBytes - 4)
 *
 * Valid iff every page but the last is full (n = capacity - 4), the chain has exactly
 * ceil(length / (capacity - 4)) pages (at least 1), and the pieces add up to the ref's length.
 * Pinned by blob-store.test.ts "golden overflow chain v1".
 */
export const OVERFLOW_HEADER_BYTES = 4;

/**
 * Blob directory, format v1: the packed pages of a blob store and their live cell counts, so a
 * page is freed when its last cell is. Written copy-on-write by `BlobStore.flush()` as a chain of
 * data pages; the catalog entry `blob:<name>` holds the head.
 *
 *   catalog value: OFFSET 0 SIZE 4 head (0 = empty), OFFSET 4 SIZE 4 pages in the chain
 *   page payload:
 *   OFFSET  SIZE     FIELD    MEANING
 *        0     4     next     next directory page, 0 = end
 *        4     4     count    entries in this page
 *        8  8*count  entries  per packed page: u32 pageId, u16 liveCells, u16 reserved (zero)
 *
 * Valid iff the chain has the recorded number of pages, no cycle, and its page ids are distinct.
 * Pinned by blob-store.test.ts "golden blob directory v1".
 */
export const BLOB_DIRECTORY_HEADER_BYTES = 8;
/** Bytes of one blob directory entry. */
export const BLOB_DIRECTORY_ENTRY_BYTES = 8;
