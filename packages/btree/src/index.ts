/**
 * @photondb/btree: a durable copy-on-write B+tree of byte keys and byte values over any
 * PageStore, with range, prefix and reverse iteration, cursors, snapshots, bulk loading, a node
 * pager and a logical redo format.
 */
export { BTree, prefixEnd } from './tree.js';
export { compareKeys } from './compare.js';
export { encodeRedo, encodeRedoInto, redoBytes, decodeRedo } from './format.js';
export type { BatchOp, Descriptor } from './format.js';
export type { RangeOptions, Cursor } from './cursor.js';
export type { TreeSnapshot } from './snapshot.js';
export type { TreeOptions } from './limits.js';
export { MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, MAX_VALUE_BYTES, DEFAULT_CACHE_NODES, DEFAULT_PACK_FILL, MIN_PAYLOAD_BYTES, checkPackFill } from './limits.js';
export type { TreeStats, PathStep } from './verify.js';
