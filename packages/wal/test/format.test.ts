/**
 * Pins the on-disk format of format.ts: the segment header and the record, byte for byte, and the
 * decoders' refusals. A change here is a format change: bump WAL_FORMAT_VERSION.
 */
import { describe, expect, it } from '@jest/globals';
import { checksum } from '@photondb/io';
import {
  CLOSING_MARKER_TYPE,
  FIRST_RECORD_OFFSET,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  decodeSegmentHeader,
  encodeRecord,
  encodeSegmentHeader,
  parseSegmentFileName,
  recordAt,
  recordBytes,
  segmentFileName,
} from '../src/format.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('segment header', () => {
  it('golden segment header v1', () => {
    const h = encodeSegmentHeader({ salt: 0x11223344, segmentNo: 7, firstLsn: 0x1_0000_0005 });
    expect(h.length).toBe(SEGMENT_HEADER_BYTES);
    expect(hex(h)).toBe('50484f544e57414c0100000044332211070000000000000005000000010000000000000000000000000000001ced91fa');
    expect(new TextDecoder().decode(h.subarray(0, 8))).toBe('PHOTNWAL');
    expect(view(h).getUint32(8, true)).toBe(1);
    expect(view(h).getUint32(12, true)).toBe(0x11223344);
    expect(view(h).getUint32(16, true)).toBe(7);
    expect(view(h).getUint32(24, true)).toBe(5);
    expect(view(h).getUint32(28, true)).toBe(1);
    expect(view(h).getUint32(44, true)).toBe(checksum(h.subarray(0, 44)));
    expect(decodeSegmentHeader(h)).toEqual({ salt: 0x11223344, segmentNo: 7, firstLsn: 0x1_0000_0005 });
  });

  it('refuses a bad magic, a bad checksum, nonzero reserved bytes and a short file', () => {
    const good = encodeSegmentHeader({ salt: 1, segmentNo: 1, firstLsn: 1 });
    const magic = good.slice();
    magic[0] ^= 1;
    expect(decodeSegmentHeader(magic)).toMatch(/bad magic/);
    const sum = good.slice();
    sum[20] ^= 1;
    expect(decodeSegmentHeader(sum)).toMatch(/checksum/);
    const reserved = good.slice();
    reserved[33] = 1;
    view(reserved).setUint32(44, checksum(reserved.subarray(0, 44)), true);
    expect(decodeSegmentHeader(reserved)).toMatch(/reserved/);
    expect(decodeSegmentHeader(good.subarray(0, 20))).toMatch(/shorter/);
  });

  it('reports a newer version as unsupported, not as damage', () => {
    const h = encodeSegmentHeader({ salt: 1, segmentNo: 1, firstLsn: 1 });
    view(h).setUint32(8, 2, true);
    view(h).setUint32(44, checksum(h.subarray(0, 44)), true);
    expect(decodeSegmentHeader(h)).toBe('unsupported version 2');
  });

  it('names segments with 16 hex digits and parses only such names', () => {
    expect(segmentFileName(1)).toBe('0000000000000001.wal');
    expect(segmentFileName(0xabc)).toBe('0000000000000abc.wal');
    expect(parseSegmentFileName('0000000000000abc.wal')).toBe(0xabc);
    for (const bad of ['0000000000000000.wal', 'abc.wal', '0000000000000001.wal.tmp', 'LOCK', '000000000000000G.wal']) {
      expect(parseSegmentFileName(bad)).toBeUndefined();
    }
    expect(FIRST_RECORD_OFFSET).toBe(512);
  });
});

describe('record', () => {
  it('golden record v1', () => {
    const r = new Uint8Array(recordBytes(5));
    expect(r.length).toBe(40); // 32-byte header + 5 bytes + 3 bytes of padding
    encodeRecord(r, 0, 0x11223344, 42, 40, 3, Uint8Array.from([1, 2, 3, 4, 5]));
    expect(hex(r)).toBe('84533abf050000002a00000000000000280000000000000003000000443322110102030405000000');
    expect(view(r).getUint32(0, true)).toBe(checksum(r.subarray(4, RECORD_HEADER_BYTES + 5)));
    expect(view(r).getUint32(4, true)).toBe(5);
    expect(view(r).getUint32(8, true)).toBe(42);
    expect(view(r).getUint32(16, true)).toBe(40);
    expect(r[24]).toBe(3);
    expect(view(r).getUint32(28, true)).toBe(0x11223344);
  });

  it('validates only with the segment salt, an intact checksum and a length inside the segment', () => {
    const r = new Uint8Array(recordBytes(5) + 8);
    encodeRecord(r, 0, 9, 1, 0, 1, Uint8Array.from([1, 2, 3, 4, 5]));
    expect(recordAt(r, 0, r.length, 9, 100)?.lsn).toBe(1);
    expect(recordAt(r, 0, r.length, 10, 100)).toBeUndefined();
    expect(recordAt(r, 0, 36, 9, 100)).toBeUndefined();
    expect(recordAt(r, 0, r.length, 9, 4)).toBeUndefined();
    for (let bit = 0; bit < 37 * 8; bit++) {
      const flipped = r.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(recordAt(flipped, 0, flipped.length, 9, 100)).toBeUndefined();
    }
    const reserved = r.slice();
    reserved[26] = 1;
    expect(recordAt(reserved, 0, reserved.length, 9, 100)).toBeUndefined();
  });

  it('reserves 0xF0 for the closing marker', () => {
    expect(CLOSING_MARKER_TYPE).toBe(0xf0);
  });
});
