/**
 * Lost and misdirected writes (format.ts "write stamps"): a page that holds an older, valid version
 * of itself passes every checksum, so only the reference to it can tell. Every page that changed
 * between two checkpoints is put back, one at a time, as its older version; the reopened tree must
 * refuse it (CORRUPTION, or a problem from verify()) or read exactly the right data (the page is
 * not reachable any more). Wrong data with no error is the failure this suite exists for.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isPhotonError, lsn } from '@photondb/contracts';
import { MemoryPageStore, createMemoryPageStoreBacking, fcRuns } from '@photondb/contracts/testing';
import type { MemoryPageStoreBacking } from '@photondb/contracts/testing';
import { BTree } from '@photondb/btree';
import { enc, hex, nkey } from './helpers/trees.js';

type Model = Map<string, string>;

function value(round: number, i: number, big: boolean): Uint8Array {
  return enc(`${round}:${i}:`.padEnd(big ? 900 : 20 + (i % 7) * 9, String.fromCharCode(97 + ((round + i) % 26))));
}

/** Applies one round of puts and deletes to the tree and the model; every fifth value overflows. */
function round(tree: BTree, model: Model, r: number, rand: () => number): void {
  for (let n = 0; n < 120; n++) {
    const i = Math.floor(rand() * 400);
    const key = nkey(i);
    if (rand() < 0.2) {
      tree.delete(key);
      model.delete(hex(key));
    } else {
      const v = value(r, i, i % 5 === 0);
      tree.put(key, v);
      model.set(hex(key), hex(v));
    }
  }
}

/** 'detected', 'harmless', or what went wrong. */
function readBack(backing: MemoryPageStoreBacking, model: Model): string {
  try {
    const tree = BTree.open(new MemoryPageStore(backing), 't', { cacheNodes: 4 });
    const seen: Model = new Map();
    for (const [k, v] of tree.range()) seen.set(hex(k), hex(v));
    for (const [k, v] of model) {
      const got = tree.get(Buffer.from(k, 'hex'));
      if (got === undefined || hex(got) !== v) return `get(${k}) returned wrong data`;
    }
    if (tree.verify().length > 0) return 'detected';
    const same = seen.size === model.size && [...model].every(([k, v]) => seen.get(k) === v);
    return same ? 'harmless' : 'a scan returned wrong data and verify() saw nothing';
  } catch (e) {
    return isPhotonError(e) && e.code === 'CORRUPTION' ? 'detected' : `untyped error: ${(e as Error).message}`;
  }
}

describe('lost writes: an older version of a page at its own id', () => {
  it('is refused or harmless for every page that changed between two checkpoints (seeded rounds)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 5 }), async (seed, rounds) => {
        let s = seed;
        const rand = (): number => {
          s = (Math.imul(s, 48271) >>> 0) % 0x7fffffff;
          return s / 0x7fffffff;
        };
        const backing = createMemoryPageStoreBacking({ pageSizeBytes: 512 });
        const store = new MemoryPageStore(backing);
        const tree = BTree.open(store, 't');
        const model: Model = new Map();
        round(tree, model, 0, rand);
        tree.flush();
        await store.checkpoint(lsn(1));
        const older = new Map([...backing.pages].map(([id, p]) => [id, p.slice()]));
        // A snapshot over the first round keeps its retired pages held (a held list is written);
        // the rounds after it reuse freed pages, so older versions of reused ids exist.
        const snap = tree.snapshot();
        for (let r = 1; r <= rounds; r++) {
          round(tree, model, r, rand);
          tree.flush();
          await store.checkpoint(lsn(1 + r));
          if (r === 1) snap.release();
        }
        const outcomes = new Map<string, number>();
        for (const [id, page] of backing.pages) {
          const old = older.get(id);
          if (old === undefined || hex(old) === hex(page)) continue;
          backing.pages.set(id, old);
          const outcome = readBack(backing, model);
          backing.pages.set(id, page);
          if (outcome !== 'detected' && outcome !== 'harmless') throw new Error(`seed ${seed}, page ${id} put back as its older version: ${outcome}`);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
        // Pages are reused after a checkpoint, so some stale page is always still reachable.
        expect(outcomes.get('detected') ?? 0).toBeGreaterThan(0);
        expect(readBack(backing, model)).toBe('harmless');
      }),
      { numRuns: fcRuns(15) },
    );
  }, 120_000);
});
