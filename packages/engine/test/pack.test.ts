/**
 * Checkpoints pack the B-tree leaves changed since the last one (`packFill`, default 0.9; see
 * @photondb/btree "Packing"): a random fill takes fewer pages, every entry reads back after a
 * reopen, and a bad option is refused before anything is created. Crashes during packing
 * checkpoints are covered by the R1 and R2 suites, which run with the default.
 */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import { open } from '@photondb/engine';

const N = 20_000;
const key = (i: number): string => `key${String(i).padStart(6, '0')}`;

/** Fills N keys in a scrambled order, closes, and returns the page file's size and leaf count. */
async function randomFill(packFill?: number): Promise<{ fs: MemoryFileSystem; bytes: number; leaves: number }> {
  const fs = new MemoryFileSystem();
  const db = await open<string, string>('/db', { fileSystem: fs, keyEncoding: 'utf8', valueEncoding: 'utf8', pageSizeBytes: 4096, ...(packFill === undefined ? {} : { packFill }) });
  for (let b = 0; b < N; b += 1000) {
    await db.batch(Array.from({ length: 1000 }, (_, j) => {
      const i = ((b + j) * 7919) % N;
      return { type: 'put' as const, key: key(i), value: 'v'.repeat(80) + i };
    }));
  }
  await db.checkpoint();
  const leaves = db.stats().pagesByType.leaf;
  await db.close();
  const file = fs.openDirectory('/db').openFile('data.photon', { readOnly: true });
  try {
    return { fs, bytes: file.sizeBytes(), leaves };
  } finally {
    file.close();
  }
}

describe('engine packFill', () => {
  it('packs a random fill into fewer leaves and a smaller file, every entry intact', async () => {
    const off = await randomFill(0);
    const on = await randomFill();
    expect(on.leaves).toBeLessThan(off.leaves * 0.82);
    expect(on.bytes).toBeLessThan(off.bytes * 0.85);
    const db = await open<string, string>('/db', { fileSystem: on.fs, keyEncoding: 'utf8', valueEncoding: 'utf8' });
    let n = 0;
    for (const [k, v] of db.scan()) {
      expect(k).toBe(key(n));
      expect(v).toBe('v'.repeat(80) + n);
      n++;
    }
    expect(n).toBe(N);
    expect(db.verify()).toEqual([]);
    await db.close();
  });

  it('rejects a packFill outside 0 and 0.5..1 before creating anything', async () => {
    for (const bad of [0.3, -1, 1.5, Number.NaN, '0.9', null]) {
      const fs = new MemoryFileSystem();
      await expectCode('INVALID_ARGUMENT', () => open('/db', { fileSystem: fs, packFill: bad as unknown as number }));
      expect(fs.openDirectory('/', {}).list()).not.toContain('db');
    }
  });
});
