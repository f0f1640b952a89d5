/**
 * @photondb/wal: a segmented, checksummed write-ahead log with LSNs, group commit, replay,
 * torn-tail detection, truncation and a closing marker. Implements `RedoLog` from
 * `@photondb/contracts`; works on any `Directory` from `@photondb/io`.
 */
export { WriteAheadLog } from './write-ahead-log.js';
export type { RecoveryReport, WriteAheadLogStats } from './write-ahead-log.js';
export type { WriteAheadLogOptions } from './options.js';
export { DEFAULT_SEGMENT_SIZE_BYTES, DEFAULT_MAX_RECORD_BYTES, MIN_SEGMENT_SIZE_BYTES, MAX_SEGMENT_SIZE_BYTES, MAX_MAX_RECORD_BYTES } from './options.js';
export { inspectLog } from './inspect.js';
export type { LogInspection, SegmentSummary } from './inspect.js';
export type { TornTail, CorruptionReport, RecordPlace } from './scan.js';
export {
  CLOSING_MARKER_TYPE,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  FIRST_RECORD_OFFSET,
  SECTOR_BYTES,
  WAL_FORMAT_VERSION,
  segmentFileName,
  parseSegmentFileName,
} from './format.js';
