/**
 * The checks behind the checksums. Each case edits one field of a meta page or a free-list page
 * and re-seals the page checksum, so only the structural check can catch it:
 *  - a newest meta page that fails a check is passed over for the previous one (as after a torn
 *    meta write), and the store opens at the previous checkpoint;
 *  - a free-list chain that fails a check is CORRUPTION at open (it cannot be guessed around).
 */
import { describe, expect, it } from '@jest/globals';
import { lsn } from '@photondb/contracts';
import type { Directory } from '@photondb/contracts';
import { expectCode } from '@photondb/contracts/testing';
import { checksumSkipping } from '@photondb/io';
import { PageFile } from '../src/index.js';
import { fileBytes, memoryDirectory, patch } from './helpers/files.js';

const FILE = 'data.photon';
const PAGE = 4096;
const META = 40; // page header bytes: the meta payload starts here

/** A store whose newest meta (generation 2, page 0) is at LSN 2 and the previous (page 1) at LSN 1. */
async function twoCheckpoints(withFreeList = false): Promise<Directory> {
  const dir = memoryDirectory();
  const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
  const ids = Array.from({ length: 12 }, () => store.allocate());
  for (const id of ids) store.write(id, new Uint8Array(100).fill(id));
  store.setCatalog('root', Uint8Array.of(1, 2, 3));
  await store.checkpoint(lsn(1));
  if (withFreeList) for (const id of ids.slice(0, 8)) store.free(id);
  store.setCatalog('root', Uint8Array.of(4, 5, 6));
  await store.checkpoint(lsn(2));
  await store.close();
  return dir;
}

/** The meta page (0 or 1) with the higher generation: the newest checkpoint. */
function newestMeta(dir: Directory): number {
  const bytes = fileBytes(dir, FILE);
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  return v.getUint32(META + 24, true) > v.getUint32(PAGE + META + 24, true) ? 0 : 1;
}

/** Applies `edit` to page `pageId` and re-seals its checksum. */
function editPage(dir: Directory, pageId: number, edit: (page: Uint8Array, view: DataView) => void): void {
  const page = fileBytes(dir, FILE).slice(pageId * PAGE, (pageId + 1) * PAGE);
  const view = new DataView(page.buffer);
  edit(page, view);
  view.setUint32(4, checksumSkipping(page, 4, 4), true);
  patch(dir, FILE, pageId * PAGE, page);
}

describe('meta page checks', () => {
  const cases: [string, (page: Uint8Array, v: DataView) => void][] = [
    ['a page type other than meta', (p) => (p[8] = 2)],
    ['no file magic', (p) => (p[META] = 0x41)],
    ['a page size other than the page read', (_, v) => v.setUint32(META + 12, 8192, true)],
    ['an unknown compression code', (p) => (p[META + 16] = 7)],
    ['nonzero reserved bytes', (p) => (p[META + 17] = 1)],
    ['a generation that disagrees with the header', (_, v) => v.setUint32(META + 24, 5, true)],
    ['a catalog size that disagrees with the payload', (_, v) => v.setUint32(META + 20, 1, true)],
    ['a catalog entry running past its end', (_, v) => v.setUint16(META + 64 + 2, 200, true)],
    ['a catalog without its entry count', (_, v) => {
      v.setUint32(META + 20, 1, true);
      v.setUint32(28, 65, true); // payloadBytes = fixed part + 1
      v.setUint32(24, 65, true);
    }],
    ['a free-list head outside the file', (_, v) => v.setUint32(META + 48, 1_000_000, true)],
  ];
  for (const [what, edit] of cases) {
    it(`passes over a newest meta page with ${what} and opens at the previous checkpoint`, async () => {
      const dir = await twoCheckpoints();
      editPage(dir, newestMeta(dir), edit);
      const store = PageFile.open(dir, {});
      expect(store.checkpointLsn).toBe(1);
      expect(store.getCatalog('root')).toEqual(Uint8Array.of(1, 2, 3));
      await store.close();
    });
  }

  it('refuses a newest meta page of a newer format version with UNSUPPORTED_VERSION rather than passing over it', async () => {
    const dir = await twoCheckpoints();
    editPage(dir, newestMeta(dir), (_, v) => v.setUint32(META + 8, 2, true));
    await expectCode('UNSUPPORTED_VERSION', () => PageFile.open(dir, {}));
  });

  it('fails with CORRUPTION when both meta pages fail their checks', async () => {
    const dir = await twoCheckpoints();
    editPage(dir, newestMeta(dir), (_, v) => v.setUint32(META + 12, 8192, true));
    editPage(dir, 1 - newestMeta(dir), (p) => (p[META + 17] = 1));
    await expectCode('CORRUPTION', () => PageFile.open(dir, {}));
  });
});

describe('free-list chain checks', () => {
  /** The first free-list page of the newest checkpoint. */
  function chainHead(dir: Directory): number {
    const bytes = fileBytes(dir, FILE);
    return new DataView(bytes.buffer, bytes.byteOffset).getUint32(newestMeta(dir) * PAGE + META + 48, true);
  }

  const cases: [string, (page: Uint8Array, v: DataView, head: number) => void][] = [
    ['a next pointer to itself (a cycle)', (_, v, head) => v.setUint32(META, head, true)],
    ['a next pointer to a meta page', (_, v) => v.setUint32(META, 1, true)],
    ['an id count that disagrees with its length', (_, v) => v.setUint32(META + 4, 3, true)],
    ['a free id outside the file', (_, v) => v.setUint32(META + 8, 1_000_000, true)],
    ['a free id listed twice', (_, v) => v.setUint32(META + 12, v.getUint32(META + 8, true), true)],
    ['a free id that is the chain page itself', (_, v, head) => v.setUint32(META + 8, head, true)],
    ['a page type other than free-list', (p) => (p[8] = 2)],
  ];
  for (const [what, edit] of cases) {
    it(`fails open with CORRUPTION for ${what}`, async () => {
      const dir = await twoCheckpoints(true);
      const head = chainHead(dir);
      expect(head).toBeGreaterThanOrEqual(2);
      editPage(dir, head, (p, v) => edit(p, v, head));
      await expectCode('CORRUPTION', () => PageFile.open(dir, {}));
    });
  }

  it('opens the same chain unedited, listing the freed pages', async () => {
    const dir = await twoCheckpoints(true);
    const store = PageFile.open(dir, {});
    expect(store.stats().freePageCount).toBeGreaterThanOrEqual(8);
    expect(store.verify()).toEqual([]);
    await store.close();
  });
});

describe('verify() of a file changed under an open store', () => {
  async function openStore(compression: 'none' | 'snappy' = 'none') {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE, compression, cacheSizeBytes: 0 });
    const ids = Array.from({ length: 6 }, () => store.allocate());
    for (const id of ids) store.write(id, new TextEncoder().encode('text '.repeat(300)));
    for (const id of ids.slice(0, 2)) store.free(id);
    await store.checkpoint(lsn(1));
    await store.checkpoint(lsn(2));
    return { dir, store, used: ids.slice(2) };
  }

  it('reports an in-use page retyped, a page from the future, and a short file', async () => {
    const { dir, store, used } = await openStore();
    editPage(dir, used[0], (p) => (p[8] = 3));
    editPage(dir, used[1], (_, v) => v.setUint32(16, 1000, true));
    const problems = store.verify().map((p) => p.message).join('\n');
    expect(problems).toMatch(new RegExp(`page ${used[0]} is in use but has type 3`));
    expect(problems).toMatch(new RegExp(`page ${used[1]} has version 1000, newer than generation`));
    const file = dir.openFile(FILE);
    file.truncate(file.sizeBytes() - PAGE);
    file.close();
    expect(store.verify().map((p) => p.message).join('\n')).toMatch(/the file is \d+ bytes; \d+ pages need/);
    await store.close();
  });

  it('reports a compressed page whose stream or decompressed checksum is wrong', async () => {
    const { dir, store, used } = await openStore('snappy');
    expect(store.describePage(used[0] as never)).toMatchObject({ compressed: true });
    editPage(dir, used[0], (_, v) => v.setUint32(32, v.getUint32(32, true) ^ 1, true));
    editPage(dir, used[1], (p) => (p[40] = 0xff)); // the stream's declared length
    const problems = store.verify().map((p) => p.message).join('\n');
    expect(problems).toMatch(new RegExp(`page ${used[0]}: decompressed payload fails its checksum`));
    expect(problems).toMatch(new RegExp(`page ${used[1]}: compressed payload:`));
    await store.close();
  });

  it('reports a damaged free-list chain and a stale meta slot claiming a newer generation', async () => {
    const { dir, store } = await openStore();
    const bytes = fileBytes(dir, FILE);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const newest = newestMeta(dir);
    const head = view.getUint32(newest * PAGE + META + 48, true);
    editPage(dir, head, (_, v) => v.setUint32(META, head, true));
    const generation = 100 + (1 - newest); // the slot's parity, above the open generation
    editPage(dir, 1 - newest, (_, v) => {
      v.setUint32(16, generation, true);
      v.setUint32(META + 24, generation, true);
    });
    const problems = store.verify().map((p) => p.message).join('\n');
    expect(problems).toMatch(/free list: chain page \d+ appears twice/);
    expect(problems).toMatch(/meta page \d holds generation/);
    await store.close();
  });
});
