/**
 * Model test: random allocate / write / free / catalog / checkpoint / reopen / crash sequences
 * against a Map, with tiny caches so evictions write dirty pages back early, and `verify()` after
 * every checkpoint and reopen. Crashes here abandon the handle (a process crash: writes that
 * reached the file stay); torn and dropped writes are in crash.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { unsafeLsn, unsafePageId } from '@photondb/contracts';
import { fcRuns } from '@photondb/contracts/testing';
import { PageFile } from '../src/index.js';
import type { PageFileOptions } from '../src/index.js';
import { memoryDirectory } from './helpers/files.js';
import { CrashDirectory } from './helpers/crash-directory.js';

type Op =
  | { kind: 'alloc'; seed: number; len: number; text: boolean }
  | { kind: 'free'; pick: number }
  | { kind: 'pin'; pick: number }
  | { kind: 'catalog'; name: string; len: number }
  | { kind: 'checkpoint' }
  | { kind: 'reopen'; crash: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('alloc' as const), seed: fc.nat(1000), len: fc.nat(5000), text: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pin' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('catalog' as const), name: fc.constantFrom('a', 'b', 'c'), len: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), crash: fc.boolean() }) },
);

function payload(seed: number, len: number, text: boolean): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed + 1;
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = text ? 97 + ((x >>> 24) % 4) : x >>> 24;
  }
  return out;
}

const variants: Array<[string, PageFileOptions, boolean]> = [
  ['ARC, snappy, 4 KiB, 8-page cache', { cache: 'arc', compression: 'snappy', cacheSizeBytes: 0 }, false],
  ['LRU, 8 KiB, 8-page cache', { cache: 'lru', pageSizeBytes: 8192, cacheSizeBytes: 0 }, false],
  ['ARC, snappy, 4 KiB, 8-page cache, power loss (torn and dropped writes)', { compression: 'snappy', cacheSizeBytes: 0 }, true],
  ['LRU, 4 KiB, 8-page cache, power loss (torn and dropped writes)', { cache: 'lru', cacheSizeBytes: 0 }, true],
];

describe('PageFile model', () => {
  for (const [name, options, powerLoss] of variants) {
    it(`matches a Map model and verifies clean after every checkpoint and reopen (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), fc.nat(), async (ops, seed) => {
          const dir = powerLoss ? new CrashDirectory() : memoryDirectory();
          let store = PageFile.open(dir, { ...options, create: true });
          let current = new Map<number, Uint8Array>();
          let durable = new Map<number, Uint8Array>();
          let catalog = new Map<string, number>();
          let durableCatalog = new Map<string, number>();
          let lsn = 0;
          const pick = (n: number): number | undefined => {
            const ids = [...current.keys()];
            return ids.length === 0 ? undefined : ids[n % ids.length];
          };
          for (const o of ops) {
            if (o.kind === 'alloc') {
              const id = store.allocate();
              expect(current.has(id)).toBe(false);
              const data = payload(o.seed, Math.min(o.len, store.payloadCapacityBytes), o.text);
              store.write(id, data);
              current.set(id, data);
            } else if (o.kind === 'free') {
              const id = pick(o.pick);
              if (id !== undefined) {
                store.free(unsafePageId(id));
                current.delete(id);
              }
            } else if (o.kind === 'pin') {
              const id = pick(o.pick);
              if (id !== undefined) {
                const ref = store.pin(unsafePageId(id));
                expect(ref.payload).toEqual(current.get(id));
                ref.release();
              }
            } else if (o.kind === 'catalog') {
              store.setCatalog(o.name, new Uint8Array(o.len).fill(o.len));
              catalog.set(o.name, o.len);
            } else if (o.kind === 'checkpoint') {
              await store.checkpoint(unsafeLsn(++lsn));
              durable = new Map(current);
              durableCatalog = new Map(catalog);
              expect(store.verify()).toEqual([]);
            } else {
              if (!o.crash) await store.close();
              else if (powerLoss) (dir as CrashDirectory).crash(seed + lsn);
              store = PageFile.open(dir, options);
              current = new Map(durable);
              catalog = new Map(durableCatalog);
              expect(store.checkpointLsn).toBe(lsn);
              expect(store.verify()).toEqual([]);
              const stats = store.stats();
              expect(stats.pageCount - 2 - stats.freePageCount).toBeGreaterThanOrEqual(current.size);
            }
          }
          for (const [id, data] of current) {
            const ref = store.pin(unsafePageId(id));
            expect(ref.payload).toEqual(data);
            ref.release();
          }
          for (const [name, len] of catalog) expect(store.getCatalog(name)).toEqual(new Uint8Array(len).fill(len));
          expect(store.catalogNames()).toEqual([...catalog.keys()].sort());
          await store.close();
        }),
        { numRuns: fcRuns(60) },
      );
    });
  }
});
