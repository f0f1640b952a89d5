/**
 * @photondb/engine: an embedded, durable, transactional ordered key-value store for Node.js.
 *
 *     import { open } from '@photondb/engine';
 *     const db = await open('./my-db', { keyEncoding: 'utf8', valueEncoding: 'json' });
 *     await db.set('user:1', { name: 'Ada' });
 *     console.log(await db.get('user:1'));
 *     await db.close();
 */
export { open, PhotonDB, Table } from './engine.js';
export type { OpenOptions, EncodingName, RecoveryProgress } from './options.js';
export {
  DEFAULT_PAGE_SIZE_BYTES,
  DEFAULT_CACHE_SIZE_BYTES,
  DEFAULT_MAX_KEY_BYTES,
  DEFAULT_MAX_VALUE_BYTES,
  DEFAULT_CHECKPOINT_LOG_BYTES,
  DEFAULT_CHECKPOINT_DIRTY_BYTES,
  MEMORY_OVERHEAD_BYTES,
} from './options.js';
export { DATA_FILE, WAL_DIRECTORY, DEFAULT_TABLE, MAX_TABLE_NAME_BYTES } from './core.js';
export type { EngineCore } from './core.js';
export type {
  StorageEngine,
  Transaction,
  Snapshot,
  ReadOperations,
  RangeOptions,
  BatchOperation,
  CommitOptions,
  CompactOptions,
  CompactProgress,
  CompactReport,
  EntryIterable,
  EngineIterator,
  EngineStats,
  RecoveryReport,
  VerifyProblem,
} from './types.js';
export { RECORD_COMMIT, RECORD_CREATE_TABLE, RECORD_DROP_TABLE } from './format.js';
