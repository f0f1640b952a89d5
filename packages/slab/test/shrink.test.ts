/**
 * The file shrinks: a checkpoint drops the free pages at the end of the file from its page count
 * (free-list.ts invariant 5) and truncates the file once its meta is durable (page-file.ts step 6).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { unsafeLsn, unsafePageId } from '@photondb/contracts';
import type { Directory } from '@photondb/contracts';
import { fcRuns } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import { withFailpoints } from '@photondb/io/testing';
import { PageFile } from '../src/index.js';
import { fileBytes, memoryDirectory, readPayload } from './helpers/files.js';
import { CrashDirectory } from './helpers/crash-directory.js';

const FILE = 'data.photon';
const PAGE = 4096;

function fill(id: number, len = 100): Uint8Array {
  return new Uint8Array(len).fill((id * 7 + 3) & 0xff);
}

const read = readPayload;

function sizeOf(dir: Directory): number {
  return fileBytes(dir, FILE).length;
}

/** Allocates and writes `n` pages; returns their ids. */
function allocate(store: PageFile, n: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = store.allocate();
    store.write(id, fill(id));
    ids.push(id);
  }
  return ids;
}

describe('PageFile shrinking', () => {
  it('truncates durable pages freed at the end of the file after the checkpoint that releases them', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    const ids = allocate(store, 100);
    await store.checkpoint(unsafeLsn(1));
    expect(store.stats().pageCount).toBe(102);
    expect(sizeOf(dir)).toBe(102 * PAGE);
    const kept = ids.slice(0, 40);
    for (const id of ids.slice(40)) store.free(unsafePageId(id));
    // The first checkpoint still needs the freed pages (the durable one references them), and
    // its free-list chain goes to the end of the file (no page was free when it began).
    await store.checkpoint(unsafeLsn(2));
    expect(store.stats().pageCount).toBe(103);
    // The next one moves the chain to a low free page; the one after drops the whole tail: only
    // the 40 kept pages, the metas, the old chain page (free now) and the new one remain.
    await store.checkpoint(unsafeLsn(3));
    await store.checkpoint(unsafeLsn(4));
    const { pageCount, freePageCount } = store.stats();
    expect(pageCount).toBe(2 + 40 + 2);
    expect(sizeOf(dir)).toBe(pageCount * PAGE);
    expect(pageCount - 2 - freePageCount).toBeGreaterThanOrEqual(40);
    expect(store.verify()).toEqual([]);
    for (const id of kept) expect(read(store, id)).toEqual(fill(id));
    await store.close();
    const reopened = PageFile.open(dir, {});
    expect(reopened.stats().pageCount).toBe(pageCount);
    expect(reopened.verify()).toEqual([]);
    for (const id of kept) expect(read(reopened, id)).toEqual(fill(id));
    // The dropped ids are handed out again, from the new end.
    const more = allocate(reopened, 5);
    expect(Math.max(...more)).toBeLessThan(pageCount + 5);
    await reopened.checkpoint(unsafeLsn(5));
    for (const id of [...kept, ...more]) expect(read(reopened, id)).toEqual(fill(id));
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('drops fresh pages freed before any checkpoint wrote them in one checkpoint', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    const kept = allocate(store, 10);
    await store.checkpoint(unsafeLsn(1));
    const scratch = allocate(store, 50);
    for (const id of scratch) store.free(unsafePageId(id));
    await store.checkpoint(unsafeLsn(2));
    expect(store.stats().pageCount).toBe(12);
    expect(store.stats().freePageCount).toBe(0);
    expect(sizeOf(dir)).toBe(12 * PAGE);
    for (const id of kept) expect(read(store, id)).toEqual(fill(id));
    await store.close();
  });

  it('keeps free pages below the last page in use on the free list', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    const ids = allocate(store, 30);
    await store.checkpoint(unsafeLsn(1));
    // Free every other page: the last one stays in use, so nothing can be cut.
    for (let i = 0; i < ids.length - 1; i += 2) store.free(unsafePageId(ids[i]));
    await store.checkpoint(unsafeLsn(2));
    await store.checkpoint(unsafeLsn(3));
    expect(store.stats().pageCount).toBeGreaterThanOrEqual(32);
    expect(store.stats().freePageCount).toBeGreaterThanOrEqual(15 - 1);
    expect(sizeOf(dir)).toBe(store.stats().pageCount * PAGE);
    expect(store.verify()).toEqual([]);
    await store.close();
  });

  it('keeps pages allocated from the old end while the shrinking checkpoint runs', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    const ids = allocate(store, 60);
    await store.checkpoint(unsafeLsn(1));
    for (const id of ids.slice(10)) store.free(unsafePageId(id));
    await store.checkpoint(unsafeLsn(2));
    const running = store.checkpoint(unsafeLsn(3));
    // The plan is fixed: these come from past its (smaller) page count and are written now.
    const during = allocate(store, 20);
    await running;
    expect(sizeOf(dir)).toBeGreaterThanOrEqual(store.stats().pageCount * PAGE - PAGE * 20);
    await store.checkpoint(unsafeLsn(4));
    for (const id of [...ids.slice(0, 10), ...during]) expect(read(store, id)).toEqual(fill(id));
    expect(store.verify()).toEqual([]);
    await store.close();
    const reopened = PageFile.open(dir, {});
    for (const id of [...ids.slice(0, 10), ...during]) expect(read(reopened, id)).toEqual(fill(id));
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('opens a file left longer than its page count by a crash before the truncation, and cuts it next time', async () => {
    const dir = new MemoryFileSystem().openDirectory('/db', { create: true });
    const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
    const ids = allocate(store, 50);
    await store.checkpoint(unsafeLsn(1));
    for (const id of ids.slice(5)) store.free(unsafePageId(id));
    await store.checkpoint(unsafeLsn(2));
    await store.checkpoint(unsafeLsn(3));
    expect(sizeOf(dir)).toBe(53 * PAGE);
    await withFailpoints({ 'slab:checkpoint-before-truncate': () => { throw new Error('injected before truncate'); } }, async () => {
      await expect(store.checkpoint(unsafeLsn(4))).rejects.toMatchObject({ code: 'IO' });
    });
    expect(sizeOf(dir)).toBe(53 * PAGE);
    const reopened = PageFile.open(dir, {});
    // The meta was durable: checkpoint 4 holds, with its smaller page count.
    expect(reopened.checkpointLsn).toBe(4);
    expect(reopened.stats().pageCount).toBeLessThan(10);
    expect(reopened.verify()).toEqual([]);
    for (const id of ids.slice(0, 5)) expect(read(reopened, id)).toEqual(fill(id));
    await reopened.checkpoint(unsafeLsn(5));
    expect(sizeOf(dir)).toBe(reopened.stats().pageCount * PAGE);
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('survives power loss at every step of a shrinking checkpoint', async () => {
    for (let seed = 0; seed < 40; seed++) {
      const dir = new CrashDirectory();
      const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE });
      const ids = allocate(store, 40);
      await store.checkpoint(unsafeLsn(1));
      for (const id of ids.slice(8)) store.free(unsafePageId(id));
      await store.checkpoint(unsafeLsn(2));
      const more = allocate(store, seed % 5);
      const running = store.checkpoint(unsafeLsn(3));
      // Crash at some point of the checkpoint (or after it): a power loss drops unsynced writes.
      for (let i = 0; i < seed % 4; i++) await Promise.resolve();
      dir.crash(seed);
      await running.catch(() => undefined);
      const reopened = PageFile.open(dir, {});
      expect([2, 3]).toContain(reopened.checkpointLsn);
      expect(reopened.verify()).toEqual([]);
      for (const id of ids.slice(0, 8)) expect(read(reopened, id)).toEqual(fill(id));
      if (reopened.checkpointLsn === 3) for (const id of more) expect(read(reopened, id)).toEqual(fill(id));
      await reopened.close();
    }
  });

  it('property: after three checkpoints with nothing between, the file ends at its last page in use', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ alloc: fc.integer({ min: 1, max: 30 }) }), fc.record({ free: fc.nat(), count: fc.integer({ min: 1, max: 30 }) }), fc.constant('checkpoint' as const)), { maxLength: 25 }),
        async (ops) => {
          const dir = memoryDirectory();
          const store = PageFile.open(dir, { create: true, pageSizeBytes: PAGE, cacheSizeBytes: 0 });
          const live = new Set<number>();
          let lsn = 0;
          for (const op of ops) {
            if (op === 'checkpoint') await store.checkpoint(unsafeLsn(++lsn));
            else if ('alloc' in op) for (const id of allocate(store, op.alloc)) live.add(id);
            else {
              const sorted = [...live].sort((a, b) => b - a);
              for (const id of sorted.slice(op.free % Math.max(1, sorted.length), (op.free % Math.max(1, sorted.length)) + op.count)) {
                store.free(unsafePageId(id));
                live.delete(id);
              }
            }
          }
          for (let i = 0; i < 3; i++) await store.checkpoint(unsafeLsn(++lsn));
          const { pageCount } = store.stats();
          expect(sizeOf(dir)).toBe(pageCount * PAGE);
          const highest = Math.max(1, ...live);
          // Past the highest live page there are at most the new free-list chain and the old one
          // (a page each here): a free list needs a page to be written on.
          expect(pageCount - 1 - highest).toBeLessThanOrEqual(2);
          for (let id = highest + 1; id < pageCount; id++) expect(['free', 'free-list']).toContain(store.describePage(unsafePageId(id)).type);
          expect(store.verify()).toEqual([]);
          for (const id of live) expect(read(store, id)).toEqual(fill(id));
          await store.close();
          const reopened = PageFile.open(dir, {});
          for (const id of live) expect(read(reopened, id)).toEqual(fill(id));
          expect(reopened.verify()).toEqual([]);
          await reopened.close();
        },
      ),
      { numRuns: fcRuns(100) },
    );
  });
});
