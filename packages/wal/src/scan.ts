/**
 * Recovery scan: reads every segment of a log directory once, finds where the valid records end,
 * and decides between a clean end, a torn tail and mid-log corruption (format.ts, "Torn tail or
 * corruption"). Shared by `WriteAheadLog.open` and `inspectLog`. Reads only; the caller cuts a
 * torn tail.
 */
import { PhotonError } from '@photondb/contracts';
import type { Directory, PagedFile } from '@photondb/contracts';
import {
  CLOSING_MARKER_TYPE,
  FIRST_RECORD_OFFSET,
  alignSector,
  decodeSegmentHeader,
  parseSegmentFileName,
  recordAt,
  recordBytes,
  segmentFileName,
} from './format.js';
import type { RecordHeader } from './format.js';
import { MAX_MAX_RECORD_BYTES } from './options.js';

/** One segment as the scan found it. */
export interface ScannedSegment {
  readonly segmentNo: number;
  readonly name: string;
  readonly salt: number;
  readonly firstLsn: number;
  /** The file's size (its preallocated capacity). */
  readonly sizeBytes: number;
  /** Offset just past the last valid record (FIRST_RECORD_OFFSET when empty). */
  end: number;
  /** Valid caller records in the segment (closing markers not counted). */
  records: number;
}

/** One record's place, for tools. */
export interface RecordPlace {
  readonly lsn: number;
  readonly type: number;
  readonly length: number;
  readonly segment: number;
  readonly offset: number;
}

/** What the tail of the log looked like. */
export interface TornTail {
  /** The segment and offset where the valid records end. */
  readonly segment: number;
  readonly offset: number;
  /** Nonzero bytes found from there to the end of the segment (what a cut removes). */
  readonly bytesDropped: number;
  /** The last valid record's LSN (the torn data came after it). */
  readonly afterLsn: number;
}

/** Damage followed by proof that it hit durable data (only reported in salvage mode). */
export interface CorruptionReport {
  readonly segment: number;
  readonly offset: number;
  readonly message: string;
}

/** The result of a scan. */
export interface ScanResult {
  readonly segments: ScannedSegment[];
  /** LSN of the last valid caller record (firstLsn - 1 of the first segment when there is none). */
  readonly lastLsn: number;
  /** Whether the last valid record is a closing marker. */
  readonly cleanShutdown: boolean;
  readonly tornTail?: TornTail;
  readonly corruption?: CorruptionReport;
  /** Every record's place (only when asked for). */
  readonly places?: RecordPlace[];
  /** Left-over `.tmp` files of interrupted segment creations. */
  readonly temporaryFiles: string[];
}

/**
 * The record that continues the log at `offset`, or else at the next sector boundary (format.ts,
 * "Sector alignment"): a caller record with LSN `expected`, or a closing marker repeating
 * `expected - 1`. Undefined when neither place holds one.
 */
export function nextRecord(bytes: Uint8Array, offset: number, end: number, salt: number, expected: number): { header: RecordHeader; offset: number } | undefined {
  const accept = (h: RecordHeader | undefined): h is RecordHeader =>
    h !== undefined && (h.type === CLOSING_MARKER_TYPE ? h.length === 0 && h.lsn === expected - 1 : h.type < CLOSING_MARKER_TYPE && h.lsn === expected);
  const here = recordAt(bytes, offset, end, salt, MAX_MAX_RECORD_BYTES);
  if (accept(here)) return { header: here, offset };
  const boundary = alignSector(offset);
  if (boundary === offset) return undefined;
  const there = recordAt(bytes, boundary, end, salt, MAX_MAX_RECORD_BYTES);
  return accept(there) ? { header: there, offset: boundary } : undefined;
}

/** Reads a whole file into memory. */
export function readWhole(file: PagedFile): Uint8Array {
  const bytes = new Uint8Array(file.sizeBytes());
  let done = 0;
  while (done < bytes.length) {
    const n = file.read(done, bytes.subarray(done));
    if (n === 0) break;
    done += n;
  }
  return done === bytes.length ? bytes : bytes.subarray(0, done);
}

/** Offset of the last nonzero byte in bytes[from, to) plus one, or `from` when all are zero. */
function nonzeroEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (bytes[i] !== 0) return i + 1;
  return from;
}

function corruption(dir: Directory, name: string, offset: number, message: string): PhotonError {
  const path = `${dir.path}/${name}`;
  return new PhotonError('CORRUPTION', `log segment ${path} is damaged at offset ${offset}: ${message}`, { path, offset });
}

/**
 * Scans the log in `dir`. Throws CORRUPTION (unless `salvage`) for damage that hit durable data,
 * UNSUPPORTED_VERSION for a segment of a newer format.
 */
export function scanLog(dir: Directory, options: { salvage: boolean; places: boolean }): ScanResult {
  const names = dir.list();
  const temporaryFiles = names.filter((n) => n.endsWith('.wal.tmp'));
  const numbers = names
    .map(parseSegmentFileName)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
  const segments: ScannedSegment[] = [];
  const places: RecordPlace[] | undefined = options.places ? [] : undefined;
  let expected = 0; // the LSN the next record must have
  let lastLsn = 0;
  let cleanShutdown = false;
  let tornTail: TornTail | undefined;
  let report: CorruptionReport | undefined;
  const fail = (name: string, offset: number, message: string): void => {
    if (!options.salvage) throw corruption(dir, name, offset, message);
    report ??= { segment: parseSegmentFileName(name) ?? 0, offset, message };
  };

  for (let i = 0; i < numbers.length && report === undefined && tornTail === undefined; i++) {
    const no = numbers[i];
    const name = segmentFileName(no);
    const file = dir.openFile(name, { readOnly: true });
    let bytes: Uint8Array;
    try {
      bytes = readWhole(file);
    } finally {
      file.close();
    }
    const header = decodeSegmentHeader(bytes);
    if (typeof header === 'string') {
      if (header.startsWith('unsupported version')) {
        throw new PhotonError('UNSUPPORTED_VERSION', `log segment ${dir.path}/${name} has ${header}; this code reads version 1`, { path: `${dir.path}/${name}` });
      }
      fail(name, 0, header);
      break;
    }
    if (header.segmentNo !== no) {
      fail(name, 16, `the header says segment ${header.segmentNo}, the file name ${no}`);
      break;
    }
    if (i === 0) {
      expected = header.firstLsn;
      lastLsn = header.firstLsn - 1;
    } else if (no !== numbers[i - 1] + 1) {
      fail(name, 0, `segment ${numbers[i - 1] + 1} is missing before it`);
      break;
    } else if (header.firstLsn !== expected) {
      fail(name, 24, `it starts at LSN ${header.firstLsn} but the segment before it ends at LSN ${expected - 1}`);
      break;
    }
    const segment: ScannedSegment = { segmentNo: no, name, salt: header.salt, firstLsn: header.firstLsn, sizeBytes: bytes.length, end: FIRST_RECORD_OFFSET, records: 0 };
    segments.push(segment);
    let offset = FIRST_RECORD_OFFSET;
    for (;;) {
      const found = nextRecord(bytes, offset, bytes.length, header.salt, expected);
      if (found === undefined) break;
      const r = found.header;
      if (r.type === CLOSING_MARKER_TYPE) {
        cleanShutdown = true;
      } else {
        cleanShutdown = false;
        places?.push({ lsn: r.lsn, type: r.type, length: r.length, segment: no, offset: found.offset });
        segment.records++;
        lastLsn = r.lsn;
        expected = r.lsn + 1;
      }
      offset = found.offset + recordBytes(r.length);
    }
    segment.end = offset;
    const isLast = i === numbers.length - 1;
    const garbageEnd = nonzeroEnd(bytes, offset, bytes.length);
    if (garbageEnd === offset && !isLast) continue; // a sealed segment's normal end
    // A sealed segment may also end with the remains of a torn write in the rest of its last
    // record's sector: opening the log after a crash zeroes whole sectors past a torn tail but
    // leaves the sector that holds durable records alone (rewriting it could tear them), and
    // writes resume at the next sector. Past that sector it must be zeros. No record can be lost
    // unseen there: the next segment's first LSN, checked above, says where this one ends.
    const sectorEnd = Math.min(alignSector(offset), bytes.length);
    if (!isLast && nonzeroEnd(bytes, sectorEnd, bytes.length) === sectorEnd) continue;
    if (!isLast) {
      fail(name, offset, `a sealed segment holds damaged bytes after LSN ${expected - 1}`);
      break;
    }
    if (garbageEnd === offset) break; // the clean end of the log
    // Damage in the last segment: a torn tail unless a later record proves it was durable.
    for (let p = offset + 8; p + 32 <= bytes.length; p += 8) {
      const later = recordAt(bytes, p, bytes.length, header.salt, MAX_MAX_RECORD_BYTES);
      if (later !== undefined && later.lsn >= expected - 1 && later.durableLsn >= expected) {
        fail(name, offset, `the record for LSN ${expected} is damaged, but the record for LSN ${later.lsn} at offset ${p} was written after it was durable`);
        break;
      }
    }
    if (report === undefined) {
      tornTail = { segment: no, offset, bytesDropped: garbageEnd - offset, afterLsn: expected - 1 };
      cleanShutdown = false;
    }
  }
  if (segments.length === 0) cleanShutdown = true;
  return {
    segments,
    lastLsn,
    cleanShutdown: cleanShutdown && tornTail === undefined,
    ...(tornTail !== undefined ? { tornTail } : {}),
    ...(report !== undefined ? { corruption: report } : {}),
    ...(places !== undefined ? { places } : {}),
    temporaryFiles,
  };
}
