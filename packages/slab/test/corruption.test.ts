/**
 * Bit flips anywhere in the file (TESTING.md R5 for the page file). After one flipped bit the
 * store must either refuse to open with a typed error, or open at the newest checkpoint and read
 * every page correctly or fail with CORRUPTION, or (a damaged newest meta page) fall back to the
 * previous checkpoint whole. It never returns wrong bytes, and `verify()` reports the damage of
 * every page in use.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isPhotonError, unsafeLsn, unsafePageId } from '@photondb/contracts';
import { fcRuns } from '@photondb/contracts/testing';
import type { Directory } from '@photondb/contracts';
import { MemoryFileSystem } from '@photondb/io';
import { flipBit, readAllBytes } from '@photondb/io/testing';
import { PageFile } from '../src/index.js';

const memoryDirectory = (): Directory => new MemoryFileSystem().openDirectory('/db', { create: true });

const FILE = 'data.photon';

interface Built {
  readonly image: Uint8Array;
  /** Page models by checkpoint LSN. */
  readonly states: Map<number, Map<number, Uint8Array>>;
}

async function build(compression: 'none' | 'snappy'): Promise<Built> {
  const dir = memoryDirectory();
  const store = PageFile.open(dir, { create: true, compression });
  const states = new Map<number, Map<number, Uint8Array>>();
  const pages = new Map<number, Uint8Array>();
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < 4; i++) {
      const id = store.allocate();
      const data = new TextEncoder().encode(`round ${round} page ${i} `.repeat(20 * (i + 1)));
      store.write(id, data);
      pages.set(id, data);
    }
    const victim = [...pages.keys()][round];
    store.free(unsafePageId(victim));
    pages.delete(victim);
    await store.checkpoint(unsafeLsn(round));
    states.set(round, new Map(pages));
  }
  await store.close();
  const file = dir.openFile(FILE);
  const image = readAllBytes(file);
  file.close();
  return { image, states };
}

describe('PageFile under bit flips', () => {
  for (const compression of ['none', 'snappy'] as const) {
    it(`never returns wrong bytes and always types its errors after a flipped bit (${compression})`, async () => {
      const built = await build(compression);
      await fc.assert(
        fc.asyncProperty(fc.nat(built.image.length * 8 - 1), async (bit) => {
          const dir = memoryDirectory();
          const file = dir.openFile(FILE, { create: true });
          file.write(0, built.image);
          flipBit(file, bit);
          file.close();
          let store: PageFile;
          try {
            store = PageFile.open(dir, { readOnly: true });
          } catch (e) {
            expect(isPhotonError(e)).toBe(true);
            return;
          }
          const expected = built.states.get(store.checkpointLsn);
          expect(expected).toBeDefined();
          let corrupt = 0;
          for (const [id, data] of expected!) {
            try {
              const ref = store.pin(unsafePageId(id));
              expect(Buffer.from(ref.payload).equals(Buffer.from(data))).toBe(true);
              ref.release();
            } catch (e) {
              expect((e as { code?: string }).code).toBe('CORRUPTION');
              corrupt++;
            }
          }
          const problems = store.verify();
          if (corrupt > 0) expect(problems.length).toBeGreaterThanOrEqual(corrupt);
          await store.close();
        }),
        { numRuns: fcRuns(300) },
      );
    });
  }
});
