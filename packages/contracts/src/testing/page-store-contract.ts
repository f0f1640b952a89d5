/**
 * The PageStore contract suite. Every implementation runs it from its own tests, with each of its
 * variants (cache policies, compression, page sizes). It checks the invariants stated in
 * `page-store.ts`, by examples and by a fast-check model test against a Map.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unsafeLsn, unsafePageId } from '../ids.js';
import type { PageId } from '../ids.js';
import type { PageStore } from '../page-store.js';
import { expectCode, fcRuns } from './test-api.js';
import type { TestApi } from './test-api.js';

/** How the suite makes and reopens stores of the implementation under test. */
export interface PageStoreHarness {
  /** A new, empty store. */
  create(): Promise<PageStore>;
  /**
   * Reopens `store`'s durable state. With `crash: false` the store is closed first; with
   * `crash: true` it is abandoned as a crash would (no close, unsynced writes may be lost).
   */
  reopen(store: PageStore, options: { crash: boolean }): Promise<PageStore>;
}

function bytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function readAll(store: PageStore, id: PageId): Uint8Array {
  const ref = store.pin(id);
  try {
    return ref.payload.slice();
  } finally {
    ref.release();
  }
}

function peekAll(store: PageStore, id: PageId): Uint8Array {
  return store.peek(id, (payload) => payload.slice());
}

/** Runs the PageStore contract against `harness`. */
export function runPageStoreContract(name: string, harness: PageStoreHarness, t: TestApi): void {
  t.describe(`PageStore contract: ${name}`, () => {
    t.it('reads back exactly the payload written, at any length up to the capacity', async () => {
      const store = await harness.create();
      const lengths = [0, 1, 100, store.payloadCapacityBytes];
      const ids = lengths.map((len, i) => {
        const id = store.allocate();
        store.write(id, bytes(i, len));
        return id;
      });
      ids.forEach((id, i) => assert.deepEqual(readAll(store, id), bytes(i, lengths[i])));
      await store.close();
    });

    t.it('rejects a payload over the capacity with TOO_LARGE and keeps the old bytes', async () => {
      const store = await harness.create();
      const id = store.allocate();
      store.write(id, bytes(1, 10));
      await expectCode('TOO_LARGE', () => store.write(id, new Uint8Array(store.payloadCapacityBytes + 1)));
      assert.deepEqual(readAll(store, id), bytes(1, 10));
      await store.close();
    });

    t.it('keeps checkpointed pages, catalog and LSN across a clean reopen', async () => {
      let store = await harness.create();
      const a = store.allocate();
      store.write(a, bytes(7, 300));
      store.setCatalog('tree', Uint8Array.of(1, 2, 3));
      await store.checkpoint(unsafeLsn(42));
      store = await harness.reopen(store, { crash: false });
      assert.equal(store.checkpointLsn, 42);
      assert.deepEqual(readAll(store, a), bytes(7, 300));
      assert.deepEqual(store.getCatalog('tree'), Uint8Array.of(1, 2, 3));
      assert.deepEqual(store.catalogNames(), ['tree']);
      await store.close();
    });

    t.it('loses every change after the last checkpoint on a crash, and nothing before it', async () => {
      let store = await harness.create();
      const a = store.allocate();
      store.write(a, bytes(1, 50));
      store.setCatalog('root', Uint8Array.of(9));
      await store.checkpoint(unsafeLsn(1));
      const b = store.allocate();
      store.write(b, bytes(2, 50));
      store.free(a);
      store.setCatalog('root', Uint8Array.of(8));
      store = await harness.reopen(store, { crash: true });
      assert.equal(store.checkpointLsn, 1);
      assert.deepEqual(readAll(store, a), bytes(1, 50));
      assert.deepEqual(store.getCatalog('root'), Uint8Array.of(9));
      await store.close();
    });

    t.it('refuses to overwrite a page of the durable checkpoint (copy-on-write)', async () => {
      const store = await harness.create();
      const a = store.allocate();
      store.write(a, bytes(1, 10));
      await store.checkpoint(unsafeLsn(1));
      await expectCode('INVALID_ARGUMENT', () => store.write(a, bytes(2, 10)));
      assert.deepEqual(readAll(store, a), bytes(1, 10));
      await store.close();
    });

    t.it('does not hand out a freed page again before the next checkpoint', async () => {
      const store = await harness.create();
      const ids: PageId[] = [];
      for (let i = 0; i < 8; i++) {
        const id = store.allocate();
        store.write(id, bytes(i, 20));
        ids.push(id);
      }
      await store.checkpoint(unsafeLsn(1));
      for (const id of ids) store.free(id);
      const fresh = new Set<number>();
      for (let i = 0; i < 8; i++) fresh.add(store.allocate());
      for (const id of ids) assert.ok(!fresh.has(id), `page ${id} was reused before the checkpoint`);
      await store.close();
    });

    t.it('rejects reads of freed and out-of-range pages with INVALID_ARGUMENT', async () => {
      const store = await harness.create();
      const a = store.allocate();
      store.write(a, bytes(1, 10));
      store.free(a);
      await expectCode('INVALID_ARGUMENT', () => store.pin(a));
      await expectCode('INVALID_ARGUMENT', () => store.pin(unsafePageId(1_000_000)));
      await expectCode('INVALID_ARGUMENT', () => store.pin(-1 as PageId));
      await expectCode('INVALID_ARGUMENT', () => store.peek(a, () => 0));
      await expectCode('INVALID_ARGUMENT', () => store.peek(unsafePageId(1_000_000), () => 0));
      await store.close();
    });

    t.it('peek lends the payload pin reads, returns what its callback returns, and passes its errors through', async () => {
      let store = await harness.create();
      const a = store.allocate();
      const b = store.allocate();
      store.write(a, bytes(1, 300));
      store.write(b, bytes(2, 40));
      // Written, not yet durable; then durable; then after a reopen (nothing cached).
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(peekAll(store, a), bytes(1, 300));
        assert.equal(store.peek(b, (p) => p.length), 40);
        // A peek from inside a peek sees its own page, and the outer payload stays intact.
        const both = store.peek(a, (outer) => {
          const inner = store.peek(b, (p) => p.slice());
          return [outer.slice(), inner];
        });
        assert.deepEqual(both, [bytes(1, 300), bytes(2, 40)]);
        assert.throws(() => store.peek(a, () => { throw new RangeError('from the callback'); }), /from the callback/);
        assert.deepEqual(readAll(store, a), bytes(1, 300));
        if (round === 0) await store.checkpoint(unsafeLsn(1));
        if (round === 1) store = await harness.reopen(store, { crash: false });
      }
      await store.close();
    });

    t.it('rejects a checkpoint LSN below the current one', async () => {
      const store = await harness.create();
      await store.checkpoint(unsafeLsn(10));
      await expectCode('INVALID_ARGUMENT', () => store.checkpoint(unsafeLsn(9)));
      await store.close();
    });

    t.it('rejects a catalog over its capacity with TOO_LARGE', async () => {
      const store = await harness.create();
      await expectCode('TOO_LARGE', () => store.setCatalog('big', new Uint8Array(store.catalogCapacityBytes + 1)));
      assert.equal(store.getCatalog('big'), undefined);
      await store.close();
    });

    t.it('fails every call after close with CLOSED', async () => {
      const store = await harness.create();
      const a = store.allocate();
      await store.close();
      await expectCode('CLOSED', () => store.allocate());
      await expectCode('CLOSED', () => store.pin(a));
      await expectCode('CLOSED', () => store.peek(a, () => 0));
      await expectCode('CLOSED', () => store.write(a, new Uint8Array(1)));
      await expectCode('CLOSED', () => store.checkpoint(unsafeLsn(1)));
    });

    t.it('matches a Map model over random writes, frees, checkpoints and crashes', async () => {
      type Op =
        | { kind: 'alloc'; seed: number; len: number }
        | { kind: 'free'; pick: number }
        | { kind: 'catalog'; name: string; len: number }
        | { kind: 'checkpoint' }
        | { kind: 'reopen'; crash: boolean };
      const op: fc.Arbitrary<Op> = fc.oneof(
        { weight: 5, arbitrary: fc.record({ kind: fc.constant('alloc' as const), seed: fc.nat(1000), len: fc.nat(600) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('catalog' as const), name: fc.constantFrom('a', 'b'), len: fc.nat(8) }) },
        { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), crash: fc.boolean() }) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
          let store = await harness.create();
          let current = new Map<number, Uint8Array>();
          let catalog = new Map<string, number>();
          let durable = new Map<number, Uint8Array>();
          let durableCatalog = new Map<string, number>();
          let lsn = 0;
          for (const o of ops) {
            if (o.kind === 'alloc') {
              const id = store.allocate();
              assert.ok(!current.has(id), `allocate returned live page ${id}`);
              const data = bytes(o.seed, Math.min(o.len, store.payloadCapacityBytes));
              store.write(id, data);
              current.set(id, data);
            } else if (o.kind === 'free' && current.size > 0) {
              const ids = [...current.keys()];
              const id = ids[o.pick % ids.length];
              store.free(unsafePageId(id));
              current.delete(id);
            } else if (o.kind === 'catalog') {
              store.setCatalog(o.name, new Uint8Array(o.len));
              catalog.set(o.name, o.len);
            } else if (o.kind === 'checkpoint') {
              await store.checkpoint(unsafeLsn(++lsn));
              durable = new Map(current);
              durableCatalog = new Map(catalog);
            } else if (o.kind === 'reopen') {
              store = await harness.reopen(store, { crash: o.crash });
              current = new Map(durable);
              catalog = new Map(durableCatalog);
              assert.equal(store.checkpointLsn, lsn);
            }
            for (const [id, data] of current) {
              assert.deepEqual(readAll(store, unsafePageId(id)), data);
              assert.deepEqual(peekAll(store, unsafePageId(id)), data);
            }
            assert.deepEqual(store.catalogNames(), [...catalog.keys()].sort());
          }
          await store.close();
        }),
        { numRuns: fcRuns(30) },
      );
    }, 60_000);
  });
}
