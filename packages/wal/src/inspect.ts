/**
 * inspectLog: what a log directory holds, for tools (the playground's `wal` command, debugging).
 * Reads only: takes no lock, cuts no torn tail, creates nothing, and reports mid-log corruption
 * as data instead of throwing.
 */
import type { Directory } from '@photondb/contracts';
import { scanLog } from './scan.js';
import type { CorruptionReport, RecordPlace, TornTail } from './scan.js';

/** One segment file. */
export interface SegmentSummary {
  readonly name: string;
  readonly segmentNo: number;
  readonly firstLsn: number;
  /** Bytes of records (header and padding included) up to the end of the valid ones. */
  readonly bytes: number;
  /** The file's preallocated size. */
  readonly capacityBytes: number;
  readonly records: number;
}

/** What `inspectLog` found. */
export interface LogInspection {
  readonly segments: SegmentSummary[];
  /** Every valid record's LSN, type, payload length, segment number and offset, in LSN order. */
  readonly records: RecordPlace[];
  readonly lastLsn: number;
  readonly cleanShutdown: boolean;
  readonly tornTail?: TornTail;
  readonly corruption?: CorruptionReport;
}

/** Describes the log in `dir` without changing it. */
export function inspectLog(dir: Directory): LogInspection {
  const scan = scanLog(dir, { salvage: true, places: true });
  return {
    segments: scan.segments.map((s) => ({ name: s.name, segmentNo: s.segmentNo, firstLsn: s.firstLsn, bytes: s.end, capacityBytes: s.sizeBytes, records: s.records })),
    records: scan.places ?? [],
    lastLsn: scan.lastLsn,
    cleanShutdown: scan.segments.length === 0 ? true : scan.cleanShutdown,
    ...(scan.tornTail ? { tornTail: scan.tornTail } : {}),
    ...(scan.corruption ? { corruption: scan.corruption } : {}),
  };
}
