/**
 * @photondb/contracts/memory: the reference in-memory implementations of `PageStore` and
 * `RedoLog`. They keep every invariant of the contracts and nothing more, so they are the model
 * the contract suites are proven against, and a page store for in-memory trees. No dependencies.
 */
export { MemoryPageStore, createMemoryPageStoreBacking } from './memory-page-store.js';
export type { MemoryPageStoreBacking, MemoryPageStoreOptions } from './memory-page-store.js';
export { MemoryRedoLog, createMemoryRedoLogBacking } from './memory-redo-log.js';
export type { MemoryRedoLogBacking } from './memory-redo-log.js';
