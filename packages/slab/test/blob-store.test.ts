import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { unsafeLsn, unsafePageId } from '@photondb/contracts';
import type { PageStore } from '@photondb/contracts';
import { MemoryPageStore, createMemoryPageStoreBacking, expectCode, fcRuns } from '@photondb/contracts/testing';
import { BlobStore, OVERFLOW_SLOT, PageFile, blobSizeClasses, decodeBlobRef, encodeBlobRef } from '../src/index.js';
import type { BlobRef, PageFileOptions } from '../src/index.js';
import type { Directory } from '@photondb/contracts';
import { memoryDirectory } from './helpers/files.js';

function blob(seed: number, length: number, text = false): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed + 7;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = text ? 97 + ((x >>> 24) % 8) : x >>> 24;
  }
  return out;
}

/** Byte equality without jest's element-by-element diffing (slow on MiB arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function pageFile(options: PageFileOptions = {}): { dir: Directory; store: PageFile } {
  const dir = memoryDirectory();
  return { dir, store: PageFile.open(dir, { create: true, cacheSizeBytes: 0, ...options }) };
}

describe('BlobStore formats', () => {
  it('golden blob ref v1', () => {
    const ref = { pageId: unsafePageId(0x01020304), slot: 5, length: 0x0a0b0c0d };
    expect(Buffer.from(encodeBlobRef(ref)).toString('hex')).toBe('0403020105000d0c0b0a');
    expect(decodeBlobRef(encodeBlobRef(ref))).toEqual(ref);
  });

  it('golden overflow chain v1 and golden blob directory v1', async () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    const ref = blobs.put(new Uint8Array(store.payloadCapacityBytes).fill(9));
    expect(ref.slot).toBe(OVERFLOW_SLOT);
    const first = store.pin(ref.pageId);
    const second = new DataView(first.payload.buffer, first.payload.byteOffset).getUint32(0, true);
    expect(Buffer.from(first.payload.subarray(0, 6)).toString('hex')).toBe(`${Buffer.from(Uint32Array.of(second).buffer).toString('hex')}0909`);
    expect(first.payload.length).toBe(store.payloadCapacityBytes);
    first.release();
    const small = blobs.put(Uint8Array.of(1, 2, 3));
    blobs.flush();
    const head = store.getCatalog('blob:blobs')!;
    const dirPage = new DataView(head.buffer).getUint32(0, true);
    expect(new DataView(head.buffer).getUint32(4, true)).toBe(1);
    const pin = store.pin(unsafePageId(dirPage));
    const expected = Buffer.alloc(16);
    expected.writeUInt32LE(0, 0);
    expected.writeUInt32LE(1, 4);
    expected.writeUInt32LE(small.pageId, 8);
    expected.writeUInt16LE(1, 12);
    expect(Buffer.from(pin.payload).toString('hex')).toBe(expected.toString('hex'));
    pin.release();
  });

  it('has size classes that grow with the page and end at a quarter page', () => {
    expect(blobSizeClasses(4056)).toEqual([64, 256, 1010]);
    expect(blobSizeClasses(65496)).toEqual([64, 256, 1024, 16370]);
  });
});

describe('BlobStore', () => {
  for (const compression of ['none', 'snappy'] as const) {
    it(`round-trips blobs from 0 bytes to 3 MiB (${compression})`, async () => {
      const { dir, store } = pageFile({ compression });
      const blobs = BlobStore.open(store);
      const sizes = [0, 1, 63, 64, 65, 255, 1000, 1010, 1011, 4000, 4052, 4053, 9000, 100_000, 3 * 1024 * 1024];
      const refs = sizes.map((n, i) => blobs.put(blob(i, n, i % 2 === 0)));
      sizes.forEach((n, i) => expect(same(blobs.get(refs[i]), blob(i, n, i % 2 === 0))).toBe(true));
      blobs.flush();
      await store.checkpoint(unsafeLsn(1));
      await store.close();
      const reopened = PageFile.open(dir, {});
      const again = BlobStore.open(reopened);
      sizes.forEach((n, i) => expect(same(again.get(refs[i]), blob(i, n, i % 2 === 0))).toBe(true));
      expect(again.check()).toEqual([]);
      expect(reopened.verify()).toEqual([]);
      await reopened.close();
    });
  }

  it('packs small blobs of one size class into shared pages', () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    const refs = Array.from({ length: 40 }, (_, i) => blobs.put(blob(i, 50)));
    expect(new Set(refs.map((r) => r.pageId)).size).toBe(1);
    const big = blobs.put(blob(1, 200));
    expect(big.pageId).not.toBe(refs[0].pageId);
  });

  it('reuses a freed cell\'s space in an unsealed page and frees a sealed page with its last cell', async () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    const a = blobs.put(blob(1, 60));
    blobs.free(a);
    const b = blobs.put(blob(2, 60));
    expect(b).toEqual({ ...a, length: 60 });
    const c = blobs.put(blob(3, 60));
    blobs.flush();
    await store.checkpoint(unsafeLsn(1));
    const d = blobs.put(blob(4, 60));
    expect(d.pageId).not.toBe(b.pageId);
    const freeBefore = store.stats().freePageCount;
    blobs.free(b);
    expect(blobs.get(c)).toEqual(blob(3, 60));
    blobs.free(c);
    expect(store.stats().freePageCount).toBe(freeBefore + 1);
    await expectCode('INVALID_ARGUMENT', () => blobs.get(c));
    await expectCode('INVALID_ARGUMENT', () => blobs.free(c));
  });

  it('rejects refs it did not make with INVALID_ARGUMENT and non-bytes with INVALID_ARGUMENT', async () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    const ref = blobs.put(blob(1, 10));
    await expectCode('INVALID_ARGUMENT', () => blobs.get({ ...ref, length: 11 }));
    await expectCode('INVALID_ARGUMENT', () => blobs.get({ ...ref, slot: 3 }));
    await expectCode('INVALID_ARGUMENT', () => blobs.get({ ...ref, pageId: unsafePageId(77) }));
    await expectCode('INVALID_ARGUMENT', () => blobs.get({ ...ref, slot: OVERFLOW_SLOT }));
    await expectCode('INVALID_ARGUMENT', () => blobs.get(null as unknown as BlobRef));
    await expectCode('INVALID_ARGUMENT', () => blobs.put('x' as unknown as Uint8Array));
    await expectCode('INVALID_ARGUMENT', () => decodeBlobRef(new Uint8Array(3)));
    await expectCode('INVALID_ARGUMENT', () => BlobStore.open(store, ''));
  });

  it('matches a Map model over puts, frees, flush+checkpoints and crashes', async () => {
    type Op = { kind: 'put'; seed: number; len: number } | { kind: 'free'; pick: number } | { kind: 'checkpoint' } | { kind: 'crash' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), seed: fc.nat(100), len: fc.oneof(fc.nat(300), fc.nat(12000)) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 50 }), async (ops) => {
        const backing = createMemoryPageStoreBacking();
        let store: PageStore = new MemoryPageStore(backing);
        let blobs = BlobStore.open(store);
        let current = new Map<string, [BlobRef, Uint8Array]>();
        let durable = new Map(current);
        let lsn = 0;
        for (const o of ops) {
          if (o.kind === 'put') {
            const data = blob(o.seed, o.len);
            const ref = blobs.put(data);
            current.set(JSON.stringify(ref), [ref, data]);
          } else if (o.kind === 'free' && current.size > 0) {
            const keys = [...current.keys()];
            const key = keys[o.pick % keys.length];
            blobs.free(current.get(key)![0]);
            current.delete(key);
          } else if (o.kind === 'checkpoint') {
            blobs.flush();
            await store.checkpoint(unsafeLsn(++lsn));
            durable = new Map(current);
          } else if (o.kind === 'crash') {
            store = new MemoryPageStore(backing);
            blobs = BlobStore.open(store);
            current = new Map(durable);
          }
          for (const [ref, data] of current.values()) expect(same(blobs.get(ref), data)).toBe(true);
          expect(blobs.check()).toEqual([]);
        }
        // Every page is either a blob page, a directory page, or free: nothing leaks.
        for (const [ref] of current.values()) blobs.free(ref);
        blobs.flush();
        await store.checkpoint(unsafeLsn(++lsn));
        const stats = store.stats();
        expect(blobs.stats().packedPages).toBe(0);
        expect(stats.pageCount - 2 - stats.freePageCount).toBe(blobs.stats().directoryPages);
      }),
      { numRuns: fcRuns(60) },
    );
  });
});

describe('BlobStore regression (torture tier, seed 790851075)', () => {
  it('frees a blob put into a page id that an earlier, freed page had', async () => {
    const store = PageFile.open(memoryDirectory(), { create: true, pageSizeBytes: 4096 });
    const blobs = BlobStore.open(store);
    const a = blobs.put(new Uint8Array(0));
    blobs.flush();
    await store.checkpoint(unsafeLsn(1));
    blobs.free(a);
    blobs.flush();
    await store.checkpoint(unsafeLsn(2));
    const b = blobs.put(new Uint8Array(0));
    expect(b.pageId).toBe(a.pageId); // the same page id and slot, a different blob
    blobs.flush();
    await store.checkpoint(unsafeLsn(3));
    blobs.free(b);
    expect(() => blobs.free(b)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as never);
    await store.close();
  });
});
