import { describe, expect, it } from '@jest/globals';
import { lsn, unsafePageId } from '@photondb/contracts';
import { expectCode } from '@photondb/contracts/testing';
import { PAGE_HEADER_BYTES, PageFile } from '../src/index.js';
import { encodeMetaPage, pageChecksum, sealPage, PAGE_TYPE, PAGE_FLAG_COMPRESSED } from '../src/format.js';
import type { Directory } from '@photondb/contracts';
import { fileBytes, flipBits, memoryDirectory, patch, readPayload } from './helpers/files.js';

const FILE = 'data.photon';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function fresh(options: Parameters<typeof PageFile.open>[1] = {}): { dir: Directory; store: PageFile } {
  const dir = memoryDirectory();
  return { dir, store: PageFile.open(dir, { create: true, pageSizeBytes: 4096, ...options }) };
}

const read = readPayload;

describe('PageFile open', () => {
  it('creates an empty file of two meta pages with the default page size, 8 KiB', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true });
    expect(store.pageSizeBytes).toBe(8192);
    expect(fileBytes(dir, FILE).length).toBe(16384);
    expect(store.stats()).toMatchObject({ pageCount: 2, freePageCount: 0, checkpointLsn: 0 });
    expect(store.verify()).toEqual([]);
    await store.close();
  });

  it('rejects bad options with INVALID_ARGUMENT before touching the directory', async () => {
    const dir = memoryDirectory();
    for (const pageSizeBytes of [0, 2048, 5000, 131072, 4096.5]) {
      await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, { create: true, pageSizeBytes }));
    }
    await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, { create: true, compression: 'zip' as 'none' }));
    await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, { create: true, cache: 'fifo' as 'lru' }));
    await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, { create: true, cacheSizeBytes: -1 }));
    expect(dir.list()).toEqual([]);
  });

  it('fails with NOT_FOUND for a missing file unless create is set', async () => {
    await expectCode('NOT_FOUND', () => PageFile.open(memoryDirectory(), {}));
    await expectCode('NOT_FOUND', () => PageFile.open(memoryDirectory(), { create: true, readOnly: true }));
  });

  it('fails with NOT_A_DATABASE for a file that is not a page file', async () => {
    const dir = memoryDirectory();
    patch(dir, FILE, 0, text('hello, this is a text file and not a page file at all\n'.repeat(200)));
    await expectCode('NOT_A_DATABASE', () => PageFile.open(dir, { create: true }));
  });

  it('makes an empty existing file whole with create, and calls it NOT_A_DATABASE without', async () => {
    const dir = memoryDirectory();
    patch(dir, FILE, 0, new Uint8Array(0));
    await expectCode('NOT_A_DATABASE', () => PageFile.open(dir, {}));
    const store = PageFile.open(dir, { create: true, pageSizeBytes: 4096 });
    expect(store.verify()).toEqual([]);
    expect(dir.list()).toEqual([FILE]);
    await store.close();
  });

  it('fails with UNSUPPORTED_VERSION for a file of a newer format', async () => {
    const { dir, store } = fresh();
    await store.close();
    for (const slot of [0, 1]) {
      const page = fileBytes(dir, FILE).subarray(slot * 4096, (slot + 1) * 4096);
      page[PAGE_HEADER_BYTES + 8] = 2; // formatVersion
      new DataView(page.buffer, page.byteOffset).setUint32(4, pageChecksum(page), true);
      patch(dir, FILE, slot * 4096, page);
    }
    await expectCode('UNSUPPORTED_VERSION', () => PageFile.open(dir, {}));
  });

  it('fails with CORRUPTION when neither meta page is valid', async () => {
    const { dir, store } = fresh();
    await store.close();
    flipBits(dir, FILE, 100, 1);
    flipBits(dir, FILE, 4096 + 100, 1);
    await expectCode('CORRUPTION', () => PageFile.open(dir, {}));
  });

  it('keeps an existing file\'s page size and compression whatever the options say', async () => {
    const { dir, store } = fresh({ pageSizeBytes: 8192, compression: 'snappy' });
    await store.close();
    const again = PageFile.open(dir, { pageSizeBytes: 4096, compression: 'none' });
    expect(again.pageSizeBytes).toBe(8192);
    expect(again.compression).toBe('snappy');
    await again.close();
  });

  it('falls back to the other meta page when the newest one is damaged, then repairs it', async () => {
    const { dir, store } = fresh();
    const a = store.allocate();
    store.write(a, text('first'));
    await store.checkpoint(lsn(1));
    const b = store.allocate();
    store.write(b, text('second'));
    store.setCatalog('x', text('2'));
    await store.checkpoint(lsn(2));
    await store.close();
    // Generation 3 (lsn 2) sits in slot 1; damage it.
    flipBits(dir, FILE, 4096 + 200, 0x10);
    const reopened = PageFile.open(dir, {});
    expect(reopened.checkpointLsn).toBe(1);
    expect(read(reopened, a)).toEqual(text('first'));
    expect(reopened.getCatalog('x')).toBeUndefined();
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('reports a damaged meta page in verify() when opened read-only (no repair)', async () => {
    const { dir, store } = fresh();
    await store.checkpoint(lsn(1));
    await store.close();
    flipBits(dir, FILE, 4096 * ((3 + 1) % 2) + 300, 1);
    const ro = PageFile.open(dir, { readOnly: true });
    expect(ro.verify()).toEqual([expect.objectContaining({ pageId: 0 })]);
    await expectCode('READ_ONLY', () => ro.allocate());
    await expectCode('READ_ONLY', () => ro.setCatalog('a', undefined));
    await expectCode('READ_ONLY', () => ro.checkpoint(lsn(2)));
    await ro.close();
  });
});

describe('PageFile pages', () => {
  it('keeps a pinned page\'s bytes while the page is rewritten or freed', async () => {
    const { store } = fresh();
    const id = store.allocate();
    store.write(id, text('one'));
    const ref = store.pin(id);
    store.write(id, text('two!'));
    expect(ref.payload).toEqual(text('one'));
    expect(read(store, id)).toEqual(text('two!'));
    const ref2 = store.pin(id);
    store.free(id);
    const again = store.allocate();
    store.write(again, text('three'));
    expect(ref2.payload).toEqual(text('two!'));
    ref.release();
    ref.release();
    ref2.release();
    expect(store.stats().pinnedPages).toBe(0);
    await store.close();
  });

  it('writes dirty pages back when the cache evicts them and reads them again', async () => {
    const { store } = fresh({ cacheSizeBytes: 8 * 4096 });
    const ids = Array.from({ length: 50 }, (_, i) => {
      const id = store.allocate();
      store.write(id, text(`page ${i}`));
      return id;
    });
    expect(store.stats().cacheEvictions).toBeGreaterThan(0);
    expect(store.stats().cachedPages).toBeLessThanOrEqual(8);
    ids.forEach((id, i) => expect(read(store, id)).toEqual(text(`page ${i}`)));
    await store.checkpoint(lsn(1));
    expect(store.verify()).toEqual([]);
    const stats = store.stats();
    expect(stats.cacheMisses).toBeGreaterThan(0);
    read(store, ids[49]);
    expect(store.stats().cacheHits).toBe(stats.cacheHits + 1);
    await store.close();
  });

  it('peek reads a page it does not cache through the cache-free path, and a cached one from the cache', async () => {
    const { dir, store } = fresh({ cacheSizeBytes: 8 * 4096 });
    const ids = Array.from({ length: 30 }, (_, i) => {
      const id = store.allocate();
      store.write(id, text(`page ${i}`));
      return id;
    });
    await store.checkpoint(lsn(1));
    await store.close();
    const reopened = PageFile.open(dir, { cacheSizeBytes: 8 * 4096 });
    const before = reopened.stats();
    ids.forEach((id, i) => expect(reopened.peek(id, (p) => Buffer.from(p).toString())).toBe(`page ${i}`));
    // Every peek missed and none was cached or evicted anything.
    expect(reopened.stats()).toMatchObject({ cachedPages: before.cachedPages, cacheMisses: before.cacheMisses + 30, cacheEvictions: before.cacheEvictions });
    // Once pinned, a page is served to peek from the cache.
    expect(read(reopened, ids[3])).toEqual(text('page 3'));
    const hits = reopened.stats().cacheHits;
    expect(reopened.peek(ids[3], (p) => p.length)).toBe(6);
    expect(reopened.stats().cacheHits).toBe(hits + 1);
    expect(reopened.stats().pinnedPages).toBe(0);
    await reopened.close();
  });

  it('never evicts pinned pages, running over the budget instead', async () => {
    const { store } = fresh({ cacheSizeBytes: 0 });
    const refs = Array.from({ length: 20 }, (_, i) => {
      const id = store.allocate();
      store.write(id, text(String(i)));
      return store.pin(id);
    });
    expect(store.stats().cachedPages).toBe(20);
    refs.forEach((ref, i) => expect(ref.payload).toEqual(text(String(i))));
    refs.forEach((ref) => ref.release());
    await store.close();
  });

  it('persists the free list: freed pages are reused after a checkpoint and after reopening', async () => {
    const { dir, store } = fresh();
    const ids = Array.from({ length: 2000 }, () => store.allocate());
    await store.checkpoint(lsn(1));
    ids.forEach((id) => store.free(id));
    expect(store.stats().freePageCount).toBe(2000);
    await store.checkpoint(lsn(2));
    expect(store.verify()).toEqual([]);
    await store.close();
    const reopened = PageFile.open(dir, {});
    const stats = reopened.stats();
    expect(stats.freePageCount).toBe(stats.pageCount - 2 - 2); // two chain pages
    const reused = reopened.allocate();
    expect(ids).toContain(reused);
    expect(reopened.describePage(unsafePageId(2000 + 2)).type).toBe('free-list');
    await reopened.close();
  });

  it('stores compressible payloads compressed and reads them back', async () => {
    const { dir, store } = fresh({ compression: 'snappy' });
    const payload = text('the quick brown fox jumps over the lazy dog. '.repeat(80));
    const id = store.allocate();
    store.write(id, payload);
    await store.checkpoint(lsn(1));
    const d = store.describePage(id);
    expect(d).toMatchObject({ type: 'data', compressed: true, checksumOk: true, payloadBytes: payload.length, version: 2 });
    await store.close();
    const reopened = PageFile.open(dir, {});
    expect(read(reopened, id)).toEqual(payload);
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('describes pages and returns their raw bytes for the page map', async () => {
    const { store } = fresh();
    const id = store.allocate();
    store.write(id, new Uint8Array(store.payloadCapacityBytes / 2));
    await store.checkpoint(lsn(1));
    expect(store.describePage(unsafePageId(0))).toMatchObject({ type: 'meta', checksumOk: true });
    expect(store.describePage(id)).toMatchObject({ type: 'data', checksumOk: true, compressed: false, fill: 0.5 });
    expect(store.readRawPage(id).length).toBe(4096);
    await expectCode('INVALID_ARGUMENT', () => store.describePage(unsafePageId(99)));
    await store.close();
    await expectCode('CLOSED', () => store.describePage(id));
    await expectCode('CLOSED', () => store.verify());
  });

  it('rejects writes to durable pages, freed pages and non-payloads', async () => {
    const { store } = fresh();
    const id = store.allocate();
    await store.checkpoint(lsn(1));
    await expectCode('INVALID_ARGUMENT', () => store.write(id, text('x')));
    await expectCode('INVALID_ARGUMENT', () => store.free(unsafePageId(0)));
    await expectCode('INVALID_ARGUMENT', () => store.pin(unsafePageId(1)));
    const other = store.allocate();
    await expectCode('INVALID_ARGUMENT', () => store.write(other, 'text' as unknown as Uint8Array));
    await expectCode('INVALID_ARGUMENT', () => store.setCatalog('', text('x')));
    await expectCode('INVALID_ARGUMENT', () => store.setCatalog('\ud800', text('x')));
    await expectCode('INVALID_ARGUMENT', () => store.checkpoint(-1 as never));
    await store.close();
  });

  it('makes pages fresh before a checkpoint began read-only while it runs', async () => {
    const { store } = fresh();
    const id = store.allocate();
    const running = store.checkpoint(lsn(1));
    await expectCode('INVALID_ARGUMENT', () => store.write(id, text('late')));
    const during = store.allocate();
    store.write(during, text('during'));
    await running;
    expect(store.stats().dirtyPages).toBe(1);
    await store.checkpoint(lsn(2));
    expect(read(store, during)).toEqual(text('during'));
    expect(store.verify()).toEqual([]);
    await store.close();
  });
});

describe('PageFile corruption', () => {
  async function withPage(options: Parameters<typeof PageFile.open>[1] = {}) {
    const { dir, store } = fresh(options);
    const id = store.allocate();
    store.write(id, text('payload '.repeat(100)));
    await store.checkpoint(lsn(1));
    await store.close();
    return { dir, id };
  }

  it('reports a flipped bit in a data page as CORRUPTION on pin and in verify()', async () => {
    for (const offset of [0, 5, 12, 20, 41, 500, 4095]) {
      const { dir, id } = await withPage();
      flipBits(dir, FILE, id * 4096 + offset, 0x04);
      const store = PageFile.open(dir, {});
      await expectCode('CORRUPTION', () => store.pin(id));
      await expectCode('CORRUPTION', () => store.peek(id, () => 0));
      expect(store.verify()).toEqual([expect.objectContaining({ pageId: id })]);
      expect(store.describePage(id).checksumOk).toBe(false);
      await store.close();
    }
  });

  it('reports a compressed page with a lying stream as CORRUPTION even when its checksum is fixed', async () => {
    const { dir, id } = await withPage({ compression: 'snappy' });
    for (const stream of [[0x0a, 0xfc, 0xfa, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0x07], [100, 0x08, 1, 2, 3]]) {
      const page = new Uint8Array(4096);
      page.set(stream, PAGE_HEADER_BYTES);
      sealPage(page, { type: PAGE_TYPE.data, flags: PAGE_FLAG_COMPRESSED, pageId: id, version: 2, payloadBytes: 100, storedBytes: stream.length, payloadChecksum: 0 });
      patch(dir, FILE, id * 4096, page);
      const store = PageFile.open(dir, {});
      await expectCode('CORRUPTION', () => store.pin(id));
      expect(store.verify()).toHaveLength(1);
      await store.close();
    }
  });

  it('reports a page copied to another position as CORRUPTION', async () => {
    const { dir } = fresh();
    const store = PageFile.open(dir, {});
    const a = store.allocate();
    const b = store.allocate();
    store.write(a, text('a'));
    store.write(b, text('b'));
    await store.checkpoint(lsn(1));
    await store.close();
    patch(dir, FILE, b * 4096, fileBytes(dir, FILE).subarray(a * 4096, (a + 1) * 4096));
    const again = PageFile.open(dir, {});
    await expectCode('CORRUPTION', () => again.pin(b));
    await again.close();
  });

  it('refuses a free list with a cycle with CORRUPTION at open', async () => {
    const { dir, store } = fresh();
    const ids = Array.from({ length: 3 }, () => store.allocate());
    await store.checkpoint(lsn(1));
    ids.forEach((id) => store.free(id));
    await store.checkpoint(lsn(2));
    await store.close();
    const chainPage = PageFile.open(dir, { readOnly: true });
    const head = [...Array(chainPage.pageCount).keys()].find((i) => chainPage.describePage(unsafePageId(i)).type === 'free-list')!;
    await chainPage.close();
    const page = fileBytes(dir, FILE).subarray(head * 4096, (head + 1) * 4096);
    new DataView(page.buffer, page.byteOffset).setUint32(PAGE_HEADER_BYTES, head, true); // next = itself
    new DataView(page.buffer, page.byteOffset).setUint32(4, pageChecksum(page), true);
    patch(dir, FILE, head * 4096, page);
    await expectCode('CORRUPTION', () => PageFile.open(dir, {}));
  });

  it('refuses a meta page whose page count lies (beyond the limit or beyond the file)', async () => {
    for (const pageCount of [2 ** 40, 2 ** 32 - 1, 2 ** 31, 3]) {
      const { dir, store } = fresh();
      await store.close();
      const page = new Uint8Array(4096);
      encodeMetaPage(page, { pageSizeBytes: 4096, compression: 'none', generation: 3, checkpointLsn: 0, pageCount, freeListHead: 0, freeListPages: 0, freePageCount: 0, catalog: new Map() });
      patch(dir, FILE, 4096, page);
      const reopened = PageFile.open(dir, {});
      expect(reopened.stats().generation).toBe(0);
      await reopened.close();
    }
  });
});

describe('PageFile meta repair', () => {
  it('falls back to the repaired meta slot, whole, when the newest one is damaged later', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: 4096 });
    const a = store.allocate();
    store.write(a, text('a'));
    await store.checkpoint(lsn(1)); // generation 2, slot 0
    const b = store.allocate();
    store.write(b, text('b'));
    store.free(a);
    await store.checkpoint(lsn(2)); // generation 3, slot 1 (free list now holds a)
    await store.close();
    flipBits(dir, FILE, 300, 1); // damage slot 0 (generation 2): repaired at open as a copy of 3
    const repaired = PageFile.open(dir, {});
    expect(repaired.verify()).toEqual([]);
    await repaired.close();
    flipBits(dir, FILE, 4096 + 300, 1); // now damage generation 3 itself
    const fallback = PageFile.open(dir, {});
    expect(fallback.checkpointLsn).toBe(2);
    expect(read(fallback, b)).toEqual(text('b'));
    expect(fallback.stats().freePageCount).toBe(1);
    await fallback.close();
  });
});
