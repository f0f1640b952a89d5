import { describe, expect, it } from '@jest/globals';
import { lsn } from '@photondb/contracts';
import { BlobStore, PageFile } from '../src/index.js';
import type { Directory } from '@photondb/contracts';
import { memoryDirectory } from './helpers/files.js';

describe('README example', () => {
  it('runs as written (with an in-memory directory in place of NodeFileSystem)', async () => {
    const dir = memoryDirectory();
    const store = PageFile.open(dir, { create: true, compression: 'snappy' });
    const id = store.allocate();
    store.write(id, new TextEncoder().encode('hello'));
    store.setCatalog('root', Uint8Array.of(id));
    const blobs = BlobStore.open(store);
    const ref = blobs.put(new Uint8Array(100_000));
    blobs.flush();
    await store.checkpoint(lsn(1));
    const page = store.pin(id);
    expect(new TextDecoder().decode(page.payload)).toBe('hello');
    page.release();
    expect(blobs.get(ref).length).toBe(100_000);
    expect(store.verify()).toEqual([]);
    await store.close();
  });
});
