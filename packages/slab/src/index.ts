/**
 * @photondb/slab: a durable page and blob store. `PageFile` is a `PageStore` (from
 * `@photondb/contracts`) in one file of checksummed pages with copy-on-write checkpoints, two
 * alternating meta pages, a persistent free list, optional snappy compression and an ARC/LRU
 * cache. `SlottedPage` lays variable-size cells out inside a page payload.
 */
export { PageFile, DEFAULT_FILE_NAME, DEFAULT_CACHE_SIZE_BYTES, MIN_CACHE_PAGES } from './page-file.js';
export type { PageFileOptions, PageFileStats } from './page-file.js';
export type { VerifyProblem, PageDescription } from './verify.js';
export { ArcPolicy, LruPolicy, createCachePolicy } from './cache-policy.js';
export type { CachePolicy, CachePolicyName } from './cache-policy.js';
export {
  PAGE_HEADER_BYTES,
  PAGE_MAGIC,
  PAGE_TYPE,
  PAGE_FLAG_COMPRESSED,
  MIN_PAGE_SIZE_BYTES,
  MAX_PAGE_SIZE_BYTES,
  DEFAULT_PAGE_SIZE_BYTES,
  MAX_PAGE_COUNT,
  FORMAT_VERSION,
  META_FIXED_BYTES,
  SLOTTED_HEADER_BYTES,
  SLOT_BYTES,
  MAX_SLOTTED_PAYLOAD_BYTES,
  isValidPageSize,
  payloadCapacity,
  catalogCapacity,
} from './format.js';
export type { CompressionName } from './format.js';
export { decodeSnappyInto } from './snappy.js';
export { SlottedPage } from './slotted-page.js';
export { BlobStore, MAX_BLOB_BYTES, blobSizeClasses, encodeBlobRef, decodeBlobRef } from './blob-store.js';
export type { BlobRef, BlobStoreStats } from './blob-store.js';
export { BLOB_REF_BYTES, OVERFLOW_SLOT } from './format.js';
