import { describe, expect, it } from '@jest/globals';
import {
  FORMAT_VERSION,
  PAGE_HEADER_BYTES,
  PAGE_TYPE,
  checkPage,
  decodeFreeListPayload,
  decodeMetaPage,
  encodeFreeListPayload,
  encodeMetaPage,
  freeIdsPerPage,
  isValidPageSize,
  payloadCapacity,
  sealPage,
} from '../src/format.js';
import { checksum } from '@photondb/io';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const where = (pageId: number) => ({ path: 'test', pageId, offset: pageId * 4096 });

function goldenDataPage(): Uint8Array {
  const page = new Uint8Array(4096);
  page.set([1, 2, 3, 4, 5], PAGE_HEADER_BYTES);
  sealPage(page, { type: PAGE_TYPE.data, flags: 0, pageId: 7, version: 3, payloadBytes: 5, storedBytes: 5, payloadChecksum: 0 });
  return page;
}

describe('page format v1', () => {
  it('computes CRC-32 with the standard check value', () => {
    expect(checksum(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('golden data page v1: header bytes are pinned', () => {
    const page = goldenDataPage();
    expect(hex(page.subarray(0, 48))).toBe(
      '5048504770cd7cd302000000070000000300000000000000050000000500000000000000000000000102030405000000',
    );
    expect(page.subarray(45).every((b) => b === 0)).toBe(true);
  });

  it('golden meta page v1: header, fixed fields and catalog are pinned', () => {
    const page = new Uint8Array(4096);
    encodeMetaPage(page, {
      pageSizeBytes: 4096,
      compression: 'snappy',
      generation: 5,
      checkpointLsn: 0x123456789,
      pageCount: 10,
      freeListHead: 9,
      freeListPages: 1,
      freePageCount: 2,
      catalog: new Map([['t', Uint8Array.of(0xaa, 0xbb)]]),
    });
    expect(hex(page.subarray(0, 115))).toBe(
      '50485047a91807d9010000000100000005000000000000004b0000004b000000000000000000000050686f746f6e44420100000000100000010000000b000000050000000000000089674523010000000a0000000000000009000000010000000200000000000000010001007402000000aabb',
    );
    const meta = decodeMetaPage(page, where(1));
    expect(meta.generation).toBe(5);
    expect(meta.checkpointLsn).toBe(0x123456789);
    expect(meta.compression).toBe('snappy');
    expect([...meta.catalog.entries()]).toEqual([['t', Uint8Array.of(0xaa, 0xbb)]]);
  });

  it('golden free-list page v1: header and ids are pinned', () => {
    const page = new Uint8Array(4096);
    const payload = encodeFreeListPayload(0, [4, 6]);
    page.set(payload, PAGE_HEADER_BYTES);
    sealPage(page, { type: PAGE_TYPE.freeList, flags: 0, pageId: 9, version: 5, payloadBytes: payload.length, storedBytes: payload.length, payloadChecksum: 0 });
    expect(hex(page.subarray(0, 56))).toBe(
      '50485047320bdab3030000000900000005000000000000001000000010000000000000000000000000000000020000000400000006000000',
    );
    expect(decodeFreeListPayload(payload, where(9))).toEqual({ next: 0, ids: [4, 6] });
  });

  it('accepts exactly the powers of two from 4 KiB to 64 KiB as page sizes', () => {
    expect([4096, 8192, 16384, 32768, 65536].every(isValidPageSize)).toBe(true);
    expect([0, 2048, 4095, 6144, 131072, 4096.5, NaN, '4096'].some(isValidPageSize)).toBe(false);
    expect(payloadCapacity(4096)).toBe(4096 - PAGE_HEADER_BYTES);
    expect(freeIdsPerPage(4096)).toBe(Math.floor((4096 - PAGE_HEADER_BYTES - 8) / 4));
    expect(FORMAT_VERSION).toBe(1);
  });

  it('reports a flipped bit anywhere in a page as CORRUPTION naming the page and offset', () => {
    const page = goldenDataPage();
    for (const bit of [0, 37, 8 * 8, 8 * 12 + 1, 8 * 44, 8 * 4095 + 7]) {
      const damaged = page.slice();
      damaged[bit >> 3] ^= 1 << (bit & 7);
      let error: unknown;
      try {
        checkPage(damaged, where(7));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'CORRUPTION', pageId: 7, offset: 7 * 4096, path: 'test' });
    }
  });

  it('rejects a valid page found at another page position (copied page)', () => {
    expect(() => checkPage(goldenDataPage(), where(8))).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
  });

  it('rejects lying lengths even when the checksum has been fixed up', () => {
    for (const [payloadBytes, storedBytes, flags] of [[5000, 5000, 0], [10, 9, 0], [2 ** 32 - 1, 3, 1], [3, 3, 1], [3, 3, 0x80]]) {
      const page = new Uint8Array(4096);
      sealPage(page, { type: PAGE_TYPE.data, flags, pageId: 2, version: 1, payloadBytes, storedBytes, payloadChecksum: 0 });
      expect(() => checkPage(page, where(2))).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
    }
  });
});
