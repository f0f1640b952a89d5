/**
 * Edge cases of the slab the main suites do not reach: checks behind the checksums that only
 * `pin()`, `verify()` or a direct decode can meet (each edit re-seals the page checksum), option
 * and catalog validation, close() during a checkpoint, double pins, hostile blob directories and
 * forged overflow refs, a 4-byte-offset snappy copy, and malformed slotted payloads.
 */
import { describe, expect, it } from '@jest/globals';
import { lsn, unsafePageId } from '@photondb/contracts';
import type { Directory, PageStore } from '@photondb/contracts';
import { MemoryPageStore, expectCode } from '@photondb/contracts/testing';
import { checksumSkipping } from '@photondb/io';
import { withFailpoints } from '@photondb/io/testing';
import { PAGE_TYPE, decodeFreeListPayload, decodeMetaPage, encodeMetaPage, sealPage } from '../src/format.js';
import type { MetaState } from '../src/format.js';
import { ArcPolicy, BlobStore, LruPolicy, OVERFLOW_SLOT, PageFile, SlottedPage, blobSizeClasses, decodeSnappyInto } from '../src/index.js';
import type { PageFileOptions } from '../src/index.js';
import { fileBytes, memoryDirectory, patch } from './helpers/files.js';

const FILE = 'data.photon';
const PAGE = 4096;
const META = 40; // page header bytes: a payload starts here

/** The error `fn` throws or rejects with (fails the test when it does not). */
async function caught(fn: () => unknown): Promise<Error & { code?: string; pageId?: number; actual?: number }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** Applies `edit` to page `pageId` of the page file and re-seals its checksum. */
function editPage(dir: Directory, pageId: number, edit: (page: Uint8Array, view: DataView) => void): void {
  const page = fileBytes(dir, FILE).slice(pageId * PAGE, (pageId + 1) * PAGE);
  const view = new DataView(page.buffer);
  edit(page, view);
  view.setUint32(4, checksumSkipping(page, 4, 4), true);
  patch(dir, FILE, pageId * PAGE, page);
}

function setFileSize(dir: Directory, sizeBytes: number): void {
  const file = dir.openFile(FILE);
  try {
    file.truncate(sizeBytes);
  } finally {
    file.close();
  }
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * A closed page file of 4 KiB pages: six data pages holding `text` (two of them freed, so the
 * checkpoint has a free-list chain) and two checkpoints. Returns the ids still in use.
 */
async function storedFile(options: PageFileOptions = {}): Promise<{ dir: Directory; used: number[] }> {
  const dir = memoryDirectory();
  const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE, cacheSizeBytes: 0, ...options });
  const ids = Array.from({ length: 6 }, () => store.allocate());
  ids.forEach((id, i) => store.write(id, text(`page ${i} `.repeat(200))));
  for (const id of ids.slice(0, 2)) store.free(id);
  await store.checkpoint(lsn(1));
  await store.checkpoint(lsn(2));
  await store.close();
  return { dir, used: ids.slice(2) };
}

/** The slot (0 or 1) of the newest meta page and the free-list head it names. */
function newestMeta(dir: Directory): { slot: number; freeHead: number } {
  const bytes = fileBytes(dir, FILE);
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const slot = v.getUint32(META + 24, true) > v.getUint32(PAGE + META + 24, true) ? 0 : 1;
  return { slot, freeHead: v.getUint32(slot * PAGE + META + 48, true) };
}

describe('PageFile: page checks met on pin()', () => {
  it('reports a re-sealed page of an unknown type as CORRUPTION naming the page', async () => {
    const { dir, used } = await storedFile();
    editPage(dir, used[0], (p) => (p[8] = 9));
    const store = PageFile.open(dir, {});
    const error = await caught(() => store.pin(unsafePageId(used[0])));
    expect(error).toMatchObject({ code: 'CORRUPTION', pageId: used[0] });
    expect(error.message).toContain('unknown page type 9');
    expect(store.pin(unsafePageId(used[1])).payload).toEqual(text('page 3 '.repeat(200)));
    await store.close();
  });

  it('reports a re-sealed page stamped with a future version as CORRUPTION', async () => {
    const { dir, used } = await storedFile();
    editPage(dir, used[0], (_, v) => v.setUint32(16, 1000, true));
    const store = PageFile.open(dir, {});
    const error = await caught(() => store.pin(unsafePageId(used[0])));
    expect(error).toMatchObject({ code: 'CORRUPTION', pageId: used[0] });
    expect(error.message).toMatch(/page version 1000 is newer than the file's generation/);
    await store.close();
  });

  it('reports a compressed page whose decompressed bytes fail their checksum as CORRUPTION', async () => {
    const { dir, used } = await storedFile({ compression: 'snappy' });
    editPage(dir, used[0], (_, v) => v.setUint32(32, v.getUint32(32, true) ^ 0x10, true));
    const store = PageFile.open(dir, {});
    expect(store.describePage(unsafePageId(used[0]))).toMatchObject({ compressed: true });
    const error = await caught(() => store.pin(unsafePageId(used[0])));
    expect(error).toMatchObject({ code: 'CORRUPTION', pageId: used[0] });
    expect(error.message).toContain('decompressed payload fails its checksum');
    await store.close();
  });

  it('reports a page cut off by a file truncated under the open store as CORRUPTION', async () => {
    const { dir, used } = await storedFile();
    const store = PageFile.open(dir, {});
    const last = Math.max(...used);
    setFileSize(dir, last * PAGE + PAGE / 2);
    const error = await caught(() => store.pin(unsafePageId(last)));
    expect(error).toMatchObject({ code: 'CORRUPTION', pageId: last, offset: last * PAGE });
    expect(error.message).toContain(`the file ends ${PAGE / 2} bytes into the page`);
    await store.close();
  });
});

describe('PageFile: verify() of slots and chains changed under an open store', () => {
  it('reports a meta page past the end and a free-list page past the end of a truncated file', async () => {
    const { dir } = await storedFile();
    const store = PageFile.open(dir, {});
    expect(store.verify()).toEqual([]);
    setFileSize(dir, PAGE + 100);
    const problems = store.verify();
    expect(problems).toContainEqual({ pageId: 1, message: 'meta page 1 is past the end of the file' });
    expect(problems.map((p) => p.message).join('\n')).toMatch(/page \d+ at offset \d+: free-list page past the end of the file/);
    await store.close();
  });

  it('reports an older, valid meta page put back into the current slot (a stale page version)', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    store.write(store.allocate(), text('a'));
    await store.checkpoint(lsn(1));
    const old = store.stats().generation;
    const oldSlot = fileBytes(dir, FILE).slice((old % 2) * PAGE, (old % 2 + 1) * PAGE);
    await store.checkpoint(lsn(2));
    await store.checkpoint(lsn(3));
    const current = store.stats().generation;
    expect(current % 2).toBe(old % 2);
    expect(store.verify()).toEqual([]);
    patch(dir, FILE, (old % 2) * PAGE, oldSlot);
    expect(store.verify()).toEqual([{ pageId: old % 2, message: `meta page ${old % 2} holds generation ${old}, expected ${current}` }]);
    await store.close();
  });

  const otherSlotEdits: [string, (p: Uint8Array, v: DataView) => void, RegExp][] = [
    ['a payload shorter than the fixed meta fields', (_, v) => (v.setUint32(24, 10, true), v.setUint32(28, 10, true)), /meta payload of 10 bytes is too short/],
    ['no file magic', (p) => (p[META] = 0x41), /meta page without the file magic/],
    ['format version 2', (_, v) => v.setUint32(META + 8, 2, true), /meta page of format version 2/],
  ];
  for (const [what, edit, message] of otherSlotEdits) {
    it(`reports the other meta slot with ${what}, re-sealed, as a problem of that slot`, async () => {
      const { dir } = await storedFile();
      const store = PageFile.open(dir, {});
      const other = 1 - newestMeta(dir).slot;
      editPage(dir, other, edit);
      const problems = store.verify();
      expect(problems).toHaveLength(1);
      expect(problems[0].pageId).toBe(other);
      expect(problems[0].message).toMatch(message);
      await store.close();
    });
  }
});

describe('PageFile: free-list chains that disagree with their meta page', () => {
  const cases: [string, (dir: Directory, slot: number, head: number) => void, RegExp][] = [
    ['a meta page recording fewer chain pages than the chain has', (dir, slot) => editPage(dir, slot, (_, v) => v.setUint32(META + 52, 0, true)), /chain is longer than the 0 pages/],
    ['a meta page recording more free ids than the chain lists', (dir, slot) => editPage(dir, slot, (_, v) => v.setUint32(META + 56, v.getUint32(META + 56, true) + 1, true)), /the meta records 1 and \d+/],
    ['a chain page stamped with a future version', (dir, _, head) => editPage(dir, head, (_, v) => v.setUint32(16, 1000, true)), /free-list page version 1000 is newer/],
    // A valid chain page from an earlier checkpoint at its own offset: a lost write of the chain.
    ['a chain page of an older generation (lost write)', (dir, _, head) => editPage(dir, head, (_, v) => v.setUint32(16, v.getUint32(16, true) - 1, true)), /is older than generation \d+: a stale page/],
  ];
  for (const [what, edit, message] of cases) {
    it(`fails open with CORRUPTION for ${what}`, async () => {
      const { dir } = await storedFile();
      const { slot, freeHead } = newestMeta(dir);
      expect(freeHead).toBeGreaterThanOrEqual(2);
      edit(dir, slot, freeHead);
      const error = await caught(() => PageFile.open(dir, {}));
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(message);
    });
  }
});

describe('PageFile: meta pages of a newer format with broken checksums', () => {
  it('calls a file whose both meta pages claim format 2 UNSUPPORTED_VERSION even when neither checksum holds', async () => {
    const { dir } = await storedFile();
    for (const slot of [0, 1]) {
      const view = new DataView(new ArrayBuffer(4));
      view.setUint32(0, 2, true);
      patch(dir, FILE, slot * PAGE + META + 8, new Uint8Array(view.buffer)); // not re-sealed
    }
    const error = await caught(() => PageFile.open(dir, {}));
    expect(error).toMatchObject({ code: 'UNSUPPORTED_VERSION', actual: 2 });
  });
});

describe('PageFile: options, catalog and lifecycle', () => {
  it('rejects options that are not an object, page sizes that are not numbers and bad file names with INVALID_ARGUMENT', async () => {
    const dir = memoryDirectory();
    for (const options of [null, 5, 'create']) await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, options as never));
    const notNumber = await caught(() => PageFile.open(dir, { create: true, pageSizeBytes: '4096' as never }));
    expect(notNumber.code).toBe('INVALID_ARGUMENT');
    expect(notNumber.actual).toBeUndefined();
    expect(await caught(() => PageFile.open(dir, { create: true, pageSizeBytes: 5000 }))).toMatchObject({ code: 'INVALID_ARGUMENT', actual: 5000 });
    for (const fileName of ['', 7]) await expectCode('INVALID_ARGUMENT', () => PageFile.open(dir, { create: true, fileName: fileName as never }));
    expect(dir.list()).toEqual([]);
  });

  it('fails with NOT_FOUND when opened without options in an empty directory', async () => {
    const dir = memoryDirectory();
    await expectCode('NOT_FOUND', () => PageFile.open(dir));
    expect(dir.list()).toEqual([]);
  });

  it('rejects a catalog value that is not bytes, and removes an entry set to undefined durably', async () => {
    const dir = memoryDirectory();
    let store = PageFile.open(dir, { create: true });
    await expectCode('INVALID_ARGUMENT', () => store.setCatalog('root', 'bytes' as never));
    store.setCatalog('root', Uint8Array.of(1));
    store.setCatalog('other', Uint8Array.of(2));
    await store.checkpoint(lsn(1));
    store.setCatalog('root', undefined);
    store.setCatalog('missing', undefined);
    expect(store.catalogNames()).toEqual(['other']);
    await store.checkpoint(lsn(2));
    await store.close();
    store = PageFile.open(dir, {});
    expect(store.getCatalog('root')).toBeUndefined();
    expect(store.catalogNames()).toEqual(['other']);
    await store.close();
  });

  it('lets close() wait for a running checkpoint, which stays durable, and is idempotent', async () => {
    const dir = memoryDirectory();
    let store = PageFile.open(dir, { create: true });
    const id = store.allocate();
    store.write(id, text('kept'));
    const checkpoint = store.checkpoint(lsn(7));
    const closing = store.close();
    await Promise.all([checkpoint, closing]);
    await store.close();
    await expectCode('CLOSED', () => store.pin(id));
    store = PageFile.open(dir, {});
    expect(store.checkpointLsn).toBe(7);
    expect(store.pin(id).payload).toEqual(text('kept'));
    await store.close();
  });

  it('poisons the handle with a typed IO error when a checkpoint step throws something that is not an Error', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true });
    const id = store.allocate();
    store.write(id, text('first'));
    await store.checkpoint(lsn(1));
    store.write(store.allocate(), text('second'));
    const error = await caught(() =>
      withFailpoints({ 'slab:checkpoint-before-meta-write': () => { throw 'disk on fire'; } }, () => store.checkpoint(lsn(2))),
    );
    expect(error.code).toBe('IO');
    expect(error.message).toContain('disk on fire');
    await expectCode('IO', () => store.allocate());
    await store.close();
    const reopened = PageFile.open(dir, {});
    expect(reopened.checkpointLsn).toBe(1);
    expect(reopened.pin(id).payload).toEqual(text('first'));
    await reopened.close();
  });

  it('keeps a page pinned twice pinned until both pins are released', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, cacheSizeBytes: 0 });
    const id = store.allocate();
    store.write(id, text('twice'));
    await store.checkpoint(lsn(1));
    const a = store.pin(id);
    const b = store.pin(id);
    expect(store.stats().pinnedPages).toBe(1);
    a.release();
    expect(store.stats().pinnedPages).toBe(1);
    expect(b.payload).toEqual(text('twice'));
    b.release();
    expect(store.stats().pinnedPages).toBe(0);
    await store.close();
  });
});

describe('format: catalog and free-list payload checks', () => {
  /** A valid meta page of generation 2 whose catalog area is replaced by `catalog`, re-sealed. */
  function metaWithCatalog(catalog: Uint8Array): Uint8Array {
    const page = new Uint8Array(PAGE);
    const meta: MetaState = {
      pageSizeBytes: PAGE, compression: 'none', generation: 2, checkpointLsn: 1,
      pageCount: 3, freeListHead: 0, freeListPages: 0, freePageCount: 0, catalog: new Map(),
    };
    encodeMetaPage(page, meta);
    page.set(catalog, META + 64);
    new DataView(page.buffer).setUint32(META + 20, catalog.length, true);
    sealPage(page, { type: PAGE_TYPE.meta, flags: 0, pageId: 0, version: 2, payloadBytes: 64 + catalog.length, storedBytes: 64 + catalog.length, payloadChecksum: 0 });
    return page;
  }

  /** Catalog bytes: count, then [nameBytes, name, valueBytes, value] per entry, as given. */
  function catalogBytes(count: number, entries: [string, number[]][], trailing: number[] = []): Uint8Array {
    const out: number[] = [count & 0xff, count >> 8];
    for (const [name, value] of entries) {
      const n = [...text(name)];
      out.push(n.length, 0, ...n, value.length, 0, 0, 0, ...value);
    }
    return Uint8Array.from([...out, ...trailing]);
  }

  const where = { path: 'test', pageId: 0, offset: 0 };

  it('decodes a hand-built catalog of two sorted entries', () => {
    const meta = decodeMetaPage(metaWithCatalog(catalogBytes(2, [['a', [1]], ['b', [2, 3]]])), where);
    expect([...meta.catalog]).toEqual([['a', Uint8Array.of(1)], ['b', Uint8Array.of(2, 3)]]);
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['an entry count larger than the entries', catalogBytes(2, [['a', [1]]], [0]), /entry 1 runs past the end/],
    ['a value length running past the end', Uint8Array.of(1, 0, 1, 0, 0x61, 9, 0, 0, 0, 1), /entry 0 value runs past the end/],
    ['names out of order', catalogBytes(2, [['b', [1]], ['a', [2]]]), /names out of order at entry 1/],
    ['a name repeated', catalogBytes(2, [['a', [1]], ['a', [2]]]), /names out of order at entry 1/],
    ['bytes after the last entry', catalogBytes(1, [['a', [1]]], [7, 7]), /2 trailing bytes/],
  ];
  for (const [what, catalog, message] of bad) {
    it(`refuses a catalog with ${what} as CORRUPTION`, async () => {
      const error = await caught(() => decodeMetaPage(metaWithCatalog(catalog), where));
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(message);
    });
  }

  it('refuses a free-list payload shorter than its 8-byte header as CORRUPTION', async () => {
    const error = await caught(() => decodeFreeListPayload(new Uint8Array(4), { path: 'test', pageId: 5, offset: 5 * PAGE }));
    expect(error).toMatchObject({ code: 'CORRUPTION', pageId: 5 });
    expect(error.message).toContain('free-list page shorter than its header');
  });
});

describe('BlobStore: hostile directories, forged refs and a closed store', () => {
  const DIRECTORY = 'blob:blobs';

  function head(pageId: number, pages: number, length = 8): Uint8Array {
    const out = new Uint8Array(length);
    const v = new DataView(out.buffer);
    if (length >= 8) {
      v.setUint32(0, pageId, true);
      v.setUint32(4, pages, true);
    }
    return out;
  }

  /** A directory page payload: next, count, then (id, live, reserved) entries of 8 bytes. */
  function directoryPage(next: number, count: number, entries: [number, number][] = []): Uint8Array {
    const out = new Uint8Array(8 + 8 * entries.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, next, true);
    v.setUint32(4, count, true);
    entries.forEach(([id, live], j) => {
      v.setUint32(8 + 8 * j, id, true);
      v.setUint16(12 + 8 * j, live, true);
    });
    return out;
  }

  const cases: [string, (store: PageStore) => void, RegExp][] = [
    ['a catalog entry of 5 bytes', (s) => s.setCatalog(DIRECTORY, head(0, 0, 5)), /catalog entry of 5 bytes, expected 8/],
    ['a chain that ends before its page count', (s) => s.setCatalog(DIRECTORY, head(0, 1)), /chain ends or loops after 0 of 1 pages/],
    ['a chain page that links to itself', (s) => {
      const a = s.allocate();
      s.write(a, directoryPage(a, 0));
      s.setCatalog(DIRECTORY, head(a, 2));
    }, /chain ends or loops after 1 of 2 pages/],
    ['a directory page shorter than its header', (s) => {
      const a = s.allocate();
      s.write(a, new Uint8Array(4));
      s.setCatalog(DIRECTORY, head(a, 1));
    }, /directory page \d+ is too short/],
    ['a directory page whose count disagrees with its length', (s) => {
      const a = s.allocate();
      s.write(a, directoryPage(0, 3, [[9, 1]]));
      s.setCatalog(DIRECTORY, head(a, 1));
    }, /length disagrees with its count/],
    ['a chain longer than its page count', (s) => {
      const a = s.allocate();
      const b = s.allocate();
      s.write(b, directoryPage(0, 0));
      s.write(a, directoryPage(b, 0));
      s.setCatalog(DIRECTORY, head(a, 1));
    }, /directory chain is longer than 1 pages/],
  ];
  for (const [what, craft, message] of cases) {
    it(`refuses to open a blob store with ${what} (CORRUPTION)`, async () => {
      const store = new MemoryPageStore();
      craft(store);
      const error = await caught(() => BlobStore.open(store));
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(message);
    });
  }

  it('check() reports a packed page holding fewer cells than its directory entry counts', async () => {
    const store = new MemoryPageStore();
    let blobs = BlobStore.open(store);
    const ref = blobs.put(text('only one'));
    blobs.flush();
    await store.checkpoint(lsn(1));
    expect(blobs.check()).toEqual([]);
    const forged = store.allocate();
    store.write(forged, directoryPage(0, 1, [[ref.pageId, 5]]));
    store.setCatalog(DIRECTORY, head(forged, 1));
    blobs = BlobStore.open(store);
    expect(blobs.get(ref)).toEqual(text('only one'));
    expect(blobs.check()).toEqual([`packed page ${ref.pageId} holds 1 cells, 5 counted live`]);
  });

  it('writes a directory longer than one page as a chain and reads every blob back after reopening', async () => {
    const store = new MemoryPageStore();
    let blobs = BlobStore.open(store);
    const largest = blobSizeClasses(store.payloadCapacityBytes).at(-1)!;
    const perDirectoryPage = Math.floor((store.payloadCapacityBytes - 8) / 8);
    const refs = [];
    // Four cells of the largest class fill a page, so this makes more packed pages than one
    // directory page lists.
    for (let i = 0; blobs.stats().packedPages <= perDirectoryPage + 1; i++) {
      refs.push(blobs.put(new Uint8Array(largest).fill(i & 0xff)));
    }
    blobs.flush();
    expect(blobs.stats().directoryPages).toBe(2);
    await store.checkpoint(lsn(1));
    const packed = blobs.stats().packedPages;
    blobs = BlobStore.open(store);
    expect(blobs.stats().packedPages).toBe(packed);
    expect(blobs.check()).toEqual([]);
    for (const i of [0, 1, refs.length >> 1, refs.length - 1]) expect(blobs.get(refs[i])).toEqual(new Uint8Array(largest).fill(i & 0xff));
  });

  it('rejects overflow refs that do not match their chain (wrong length, or a page too short to be one)', async () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    const largest = blobSizeClasses(store.payloadCapacityBytes).at(-1)!;
    const ref = blobs.put(new Uint8Array(largest + 100).fill(3));
    expect(ref.slot).toBe(OVERFLOW_SLOT);
    const tiny = store.allocate();
    store.write(tiny, Uint8Array.of(1, 2));
    for (const forged of [{ ...ref, length: ref.length + 1 }, { ...ref, length: ref.length + store.payloadCapacityBytes }, { ...ref, pageId: tiny }]) {
      const error = await caught(() => blobs.get(forged));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/does not match overflow page/);
      await expectCode('INVALID_ARGUMENT', () => blobs.free(forged));
    }
    expect(blobs.get(ref)).toEqual(new Uint8Array(largest + 100).fill(3));
  });

  it('reports the store\'s CLOSED error from put() into an open fill page once the store is closed', async () => {
    const store = new MemoryPageStore();
    const blobs = BlobStore.open(store);
    blobs.put(text('first'));
    await store.close();
    await expectCode('CLOSED', () => blobs.put(text('second')));
  });
});

describe('snappy and slotted payloads', () => {
  it('decodes a copy with a 4-byte offset, and refuses one cut short', () => {
    const out = new Uint8Array(8);
    expect(decodeSnappyInto(Uint8Array.of(8, 0x0c, 97, 98, 99, 100, 0x0f, 4, 0, 0, 0), out)).toBeUndefined();
    expect(new TextDecoder().decode(out)).toBe('abcdabcd');
    expect(decodeSnappyInto(Uint8Array.of(8, 0x0c, 97, 98, 99, 100, 0x0f, 4, 0), new Uint8Array(8))).toBe('copy runs past the input');
  });

  /** A 64-byte slotted payload with two 8-byte cells, edited by `edit`. */
  function slotted(edit: (v: DataView) => void): Uint8Array {
    const bytes = new Uint8Array(64);
    const page = SlottedPage.init(bytes);
    page.insert(new Uint8Array(8).fill(1));
    page.insert(new Uint8Array(8).fill(2));
    edit(new DataView(bytes.buffer));
    return bytes;
  }

  const bad: [string, Uint8Array, RegExp][] = [
    ['shorter than its header', new Uint8Array(4), /slotted payload of 4 bytes is outside/],
    ['nonzero reserved header bytes', slotted((v) => v.setUint8(6, 1)), /reserved header bytes are not zero/],
    ['a cell start past the end', slotted((v) => v.setUint16(2, 200, true)), /cell start 200 do not fit in 64 bytes/],
    ['two slots sharing one cell', slotted((v) => v.setUint16(12, v.getUint16(8, true), true)), /overlap/],
    ['a garbage count that disagrees with the free space', slotted((v) => v.setUint16(4, 7, true)), /garbage is recorded as 7 bytes but 0 are unused/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`refuses a slotted payload with ${what} as CORRUPTION`, async () => {
      const error = await caught(() => SlottedPage.read(bytes));
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(message);
    });
  }

  it('reads the same slotted payload unedited', () => {
    const page = SlottedPage.read(slotted(() => undefined));
    expect(page.liveCount).toBe(2);
    expect(page.get(1)).toEqual(new Uint8Array(8).fill(2));
  });
});

describe('cache policies: touching a page they do not hold', () => {
  for (const make of [(c: number) => new LruPolicy(c), (c: number) => new ArcPolicy(c)]) {
    const name = make(1).name;
    it(`${name}: a touch of an id it does not hold neither admits it nor changes which page goes next`, () => {
      const policy = make(2);
      expect(policy.admit(1, () => true)).toEqual([]);
      expect(policy.admit(2, () => true)).toEqual([]);
      policy.touch(3);
      expect(policy.has(3)).toBe(false);
      expect(policy.size).toBe(2);
      expect(policy.admit(4, () => true)).toEqual([1]);
      expect([1, 2, 4].map((id) => policy.has(id))).toEqual([false, true, true]);
    });
  }
});
