/**
 * @photondb/contracts: the interfaces that cross PhotonDB package boundaries, branded ids and
 * PhotonError. No I/O and no runtime dependencies. Contract test suites and reference in-memory
 * implementations live in `@photondb/contracts/testing`.
 */
export { ERROR_CODES, PhotonError, isPhotonError, hasErrorCode, invariant, formatCount, describeValue, copyBytes, ownedCopy } from './errors.js';
export type { ErrorCode, ErrorContext } from './errors.js';
export { pageId, lsn, txnId, segmentNo, ZERO_LSN, unsafePageId, unsafeLsn } from './ids.js';
export type { PageId, Lsn, TxnId, SegmentNo } from './ids.js';
export { isValidFileName } from './files.js';
export type {
  PagedFile,
  AppendFile,
  Directory,
  FileSystem,
  FileLock,
  OpenFileOptions,
  OpenDirectoryOptions,
} from './files.js';
export type { PageStore, PageRef, PageStoreStats } from './page-store.js';
export { RESERVED_RECORD_TYPE_MIN } from './redo-log.js';
export type { RedoLog, LogRecord, FlushOptions, ReadLogOptions, RedoLogStats } from './redo-log.js';
export { mutantActive, setMutants } from './mutants.js';
