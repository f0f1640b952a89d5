/**
 * @photondb/contracts/testing: contract suites every implementation runs, and the reference
 * in-memory implementations they are proven against. Needs `fast-check` (optional peer).
 */
export { fcRuns, expectCode } from './test-api.js';
export type { TestApi } from './test-api.js';
export { runPageStoreContract } from './page-store-contract.js';
export type { PageStoreHarness } from './page-store-contract.js';
export { runRedoLogContract } from './redo-log-contract.js';
export type { RedoLogHarness } from './redo-log-contract.js';
export { runFileSystemContract } from './file-system-contract.js';
export type { FileSystemHarness } from './file-system-contract.js';
export { MemoryPageStore, createMemoryPageStoreBacking } from '../memory/memory-page-store.js';
export type { MemoryPageStoreBacking, MemoryPageStoreOptions } from '../memory/memory-page-store.js';
export { MemoryRedoLog, createMemoryRedoLogBacking } from '../memory/memory-redo-log.js';
export type { MemoryRedoLogBacking } from '../memory/memory-redo-log.js';
