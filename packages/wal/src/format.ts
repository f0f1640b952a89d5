/**
 * The on-disk format of the write-ahead log: the segment header and the record, their constants,
 * encoders and decoders. Nothing here does I/O or keeps state. Decoders never trust the bytes:
 * every length is bounded before it is used.
 *
 * Byte order: little-endian everywhere. 64-bit fields hold integers below 2^53 and are written as
 * two unsigned 32-bit halves (low half first). Checksums are CRC-32 (IEEE, zlib.crc32), from
 * `@photondb/io` (the same checksum as the page file).
 */
import { checksum } from '@photondb/io';

// ------------------------------------------------------------------------------------------------
// Segment files
// ------------------------------------------------------------------------------------------------

/**
 * Log directory and segment header, format v1.
 *
 * A log is a directory of segment files named `<16 hex digits of the segment number>.wal`
 * (`0000000000000001.wal`, ...), numbered consecutively. Each segment is created as
 * `<name>.tmp`, given its header, preallocated with zeros to its size, fsynced, renamed to its
 * final name and the directory fsynced: a segment under its final name always has a durable,
 * valid header. Left-over `.tmp` files are removed on open.
 *
 * Segment header (the first SEGMENT_HEADER_BYTES bytes of the file):
 *
 *   OFFSET  SIZE  FIELD          MEANING
 *        0     8  magic          ASCII "PHOTNWAL"
 *        8     4  version        1 (WAL_FORMAT_VERSION)
 *       12     4  salt           random; repeated in every record of this segment, so a record
 *                                left from another segment (or another log) never validates here
 *       16     8  segmentNo      the number in the file name
 *       24     8  firstLsn       the LSN the first record of this segment has (or would have)
 *       32    12  reserved       zero
 *       44     4  checksum       CRC-32 of bytes [0, 44)
 *       48   464  zero           the rest of the first 512-byte sector
 *      512     -  records        each at an 8-byte aligned offset; then zeros to the end of the
 *                                (preallocated) file, except that the rest of the sector after
 *                                the last record may hold the remains of a torn write (see
 *                                "Sector alignment"; also in a sealed segment, whose end the
 *                                next segment's firstLsn fixes). A clean `close()` cuts the
 *                                last segment at the sector boundary after its closing marker,
 *                                so a segment may be shorter than the configured size; the
 *                                writer then starts a new segment for the next record
 *
 * Valid iff magic, version, checksum match and the reserved bytes are zero; anything else in a
 * file with a segment's name is CORRUPTION. Pinned by format.test.ts "golden segment header v1".
 */
export const SEGMENT_MAGIC = Uint8Array.from([0x50, 0x48, 0x4f, 0x54, 0x4e, 0x57, 0x41, 0x4c]);
/** The format version written into every segment header. */
export const WAL_FORMAT_VERSION = 1;
/** Bytes of the segment header. */
export const SEGMENT_HEADER_BYTES = 48;
/** The unit a disk writes atomically, and the unit of alignment after a sync (see the record spec). */
export const SECTOR_BYTES = 512;
/** Offset of a segment's first record: the header has the first sector to itself. */
export const FIRST_RECORD_OFFSET = SECTOR_BYTES;

/** Rounds `n` up to a multiple of SECTOR_BYTES. */
export function alignSector(n: number): number {
  return Math.ceil(n / SECTOR_BYTES) * SECTOR_BYTES;
}

/** A decoded segment header. */
export interface SegmentHeader {
  readonly salt: number;
  readonly segmentNo: number;
  readonly firstLsn: number;
}

/** The file name of segment `n`. */
export function segmentFileName(n: number): string {
  return `${n.toString(16).padStart(16, '0')}.wal`;
}

/** The segment number a file name denotes, or undefined when it is not a segment's name. */
export function parseSegmentFileName(name: string): number | undefined {
  if (!/^[0-9a-f]{16}\.wal$/.test(name)) return undefined;
  const n = Number.parseInt(name.slice(0, 16), 16);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function putU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 0x1_0000_0000, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
}

function getU64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

/** Encodes a segment header. */
export function encodeSegmentHeader(header: SegmentHeader): Uint8Array {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(SEGMENT_MAGIC, 0);
  view.setUint32(8, WAL_FORMAT_VERSION, true);
  view.setUint32(12, header.salt >>> 0, true);
  putU64(view, 16, header.segmentNo);
  putU64(view, 24, header.firstLsn);
  view.setUint32(44, checksum(bytes.subarray(0, 44)), true);
  return bytes;
}

/**
 * Decodes a segment header, or returns why it is not one (a message for a CORRUPTION error, or
 * `unsupported version N` for a header of a format this code does not read).
 */
export function decodeSegmentHeader(bytes: Uint8Array): SegmentHeader | string {
  if (bytes.length < SEGMENT_HEADER_BYTES) return `the file is ${bytes.length} bytes, shorter than a segment header (${SEGMENT_HEADER_BYTES})`;
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) if (bytes[i] !== SEGMENT_MAGIC[i]) return 'bad magic (not a PhotonDB log segment)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER_BYTES);
  if (view.getUint32(44, true) !== checksum(bytes.subarray(0, 44))) return 'segment header checksum mismatch';
  const version = view.getUint32(8, true);
  if (version !== WAL_FORMAT_VERSION) return `unsupported version ${version}`;
  for (let i = 32; i < 44; i++) if (bytes[i] !== 0) return 'nonzero reserved bytes in the segment header';
  const segmentNo = getU64(view, 16);
  const firstLsn = getU64(view, 24);
  if (!Number.isSafeInteger(segmentNo) || segmentNo < 1) return `segment number ${segmentNo} is outside 1 to 2^53 - 1`;
  if (!Number.isSafeInteger(firstLsn) || firstLsn < 1 || firstLsn >= Number.MAX_SAFE_INTEGER) return `first LSN ${firstLsn} is outside 1 to 2^53 - 2`;
  return { salt: view.getUint32(12, true), segmentNo, firstLsn };
}

// ------------------------------------------------------------------------------------------------
// Records
// ------------------------------------------------------------------------------------------------

/**
 * Record, format v1. Starts at an 8-byte aligned offset of a segment, after the header.
 *
 *   OFFSET  SIZE  FIELD        MEANING
 *        0     4  checksum     CRC-32 of bytes [4, 32 + length): the rest of the header, then
 *                              the payload
 *        4     4  length       payload bytes (0 to the log's maxRecordBytes)
 *        8     8  lsn          this record's LSN: the previous record's + 1 (the first record of
 *                              a segment has the header's firstLsn); a closing marker repeats the
 *                              LSN of the record before it (it takes no LSN of its own)
 *       16     8  durableLsn   the highest LSN known to be on stable storage when this record was
 *                              written (see "Torn tail or corruption" below)
 *       24     1  type         0x00-0xEF: the caller's; 0xF0: closing marker; 0xF1-0xFF reserved
 *       25     3  reserved     zero
 *       28     4  salt         the segment header's salt
 *       32     -  payload      `length` bytes
 *        -     -  padding      zeros up to the next multiple of 8
 *
 * Sector alignment. A sector that holds durable bytes is never written again: the first record
 * written after a sync starts (or began) starts at the next multiple of SECTOR_BYTES, the bytes
 * before it left as they were (zeros, or the remains of an earlier torn tail), because a power
 * loss during a write may garble the whole sector written, durable neighbours included. A reader
 * that finds no valid record at an offset looks at the next sector boundary: a valid record there
 * with exactly the expected LSN continues the log (nothing can be missing in between).
 *
 * A record is valid iff its length fits in the segment, the checksum matches, the salt is the
 * segment's, the reserved bytes are zero and its LSN is the expected one. A record never spans two
 * segments: one that does not fit in the rest of a segment starts the next, and one larger than
 * the segment size gets a segment of its own, sized to fit.
 *
 * Torn tail or corruption. Reading stops at the first position that does not hold a valid record.
 * Zeros there are the normal end of the log. If any later position (in this or a later segment)
 * holds a valid record whose durableLsn is at least the LSN expected at the stop, that record was
 * written after the damaged one was durable: the damage hit synced data, and reading fails with
 * CORRUPTION naming the segment and offset. Otherwise the damage is the tail of a write that
 * never completed its sync (a torn tail): it and everything after it are dropped and reported.
 * Pinned by format.test.ts "golden record v1".
 */
export const RECORD_HEADER_BYTES = 32;
/** Record type of the closing marker that `close()` writes. */
export const CLOSING_MARKER_TYPE = 0xf0;

/** Rounds `n` up to a multiple of 8. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes a record with `length` payload bytes takes in a segment, padding included. */
export function recordBytes(length: number): number {
  return align8(RECORD_HEADER_BYTES + length);
}

/** Encodes a record (header, payload, padding) into `target` at `offset`; returns the bytes used. */
export function encodeRecord(
  target: Uint8Array,
  offset: number,
  salt: number,
  lsn: number,
  durableLsn: number,
  type: number,
  payload: Uint8Array,
): number {
  const size = recordBytes(payload.length);
  const view = new DataView(target.buffer, target.byteOffset + offset, RECORD_HEADER_BYTES);
  view.setUint32(4, payload.length, true);
  putU64(view, 8, lsn);
  putU64(view, 16, durableLsn);
  view.setUint32(24, type & 0xff, true);
  view.setUint32(28, salt >>> 0, true);
  target.set(payload, offset + RECORD_HEADER_BYTES);
  target.fill(0, offset + RECORD_HEADER_BYTES + payload.length, offset + size);
  view.setUint32(0, checksum(target.subarray(offset + 4, offset + RECORD_HEADER_BYTES + payload.length)), true);
  return size;
}

/** A record's header fields, as found at some offset (before validation of the payload). */
export interface RecordHeader {
  readonly checksum: number;
  readonly length: number;
  readonly lsn: number;
  readonly durableLsn: number;
  readonly type: number;
  readonly salt: number;
  readonly reservedZero: boolean;
}

/** Reads the header at `offset` of `bytes` (which must hold RECORD_HEADER_BYTES from there). */
export function readRecordHeader(bytes: Uint8Array, offset: number): RecordHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, RECORD_HEADER_BYTES);
  return {
    checksum: view.getUint32(0, true),
    length: view.getUint32(4, true),
    lsn: getU64(view, 8),
    durableLsn: getU64(view, 16),
    type: bytes[offset + 24],
    salt: view.getUint32(28, true),
    reservedZero: bytes[offset + 25] === 0 && bytes[offset + 26] === 0 && bytes[offset + 27] === 0,
  };
}

/**
 * Whether `bytes` holds a valid record of a segment with `salt` at `offset`, ignoring the LSN
 * sequence (the caller checks it). `end` bounds the record (the segment's size in `bytes`).
 */
export function recordAt(bytes: Uint8Array, offset: number, end: number, salt: number, maxRecordBytes: number): RecordHeader | undefined {
  if (offset + RECORD_HEADER_BYTES > end) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, RECORD_HEADER_BYTES);
  if (view.getUint32(28, true) !== salt >>> 0) return undefined;
  const length = view.getUint32(4, true);
  if (length > maxRecordBytes || offset + RECORD_HEADER_BYTES + length > end) return undefined;
  const header = readRecordHeader(bytes, offset);
  if (!header.reservedZero) return undefined;
  if (checksum(bytes.subarray(offset + 4, offset + RECORD_HEADER_BYTES + length)) !== header.checksum) return undefined;
  return header;
}
