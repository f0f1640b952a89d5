/**
 * R6, bad API input (../shared/TESTING.md): every public method, fed hostile values by
 * fast-check (NaN, -0, ±Infinity, BigInt, symbols, functions, cyclic objects, lone surrogates,
 * getters that throw, keys and values at the limit and one past it, nesting past the limit),
 * either succeeds or throws a PhotonError with a stable code — never a TypeError from deep
 * inside — and a rejected call writes nothing (the log's last LSN does not move).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isPhotonError } from '@photondb/contracts';
import { fcRuns } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';
import { reportFigure } from './helpers/report.js';

const MAX_KEY = 64;
const MAX_VALUE = 256;

function hostile(): fc.Arbitrary<unknown> {
  const cyclic = fc.constant(null).map(() => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    return o;
  });
  const throwingGetter = fc.constant(null).map(() => Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('getter'); } }));
  const deep = fc.integer({ min: 90, max: 140 }).map((n) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  });
  return fc.oneof(
    fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true }),
    fc.constantFrom(NaN, -0, Infinity, -Infinity, 10n, Symbol('s'), () => 1, undefined, null, '\ud800', 'a\udfffb', new Date(NaN)),
    cyclic,
    throwingGetter,
    deep,
    fc.integer({ min: MAX_KEY - 1, max: MAX_KEY + 1 }).map((n) => new Uint8Array(n)),
    fc.integer({ min: MAX_VALUE - 1, max: MAX_VALUE + 1 }).map((n) => 'x'.repeat(n)),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
}

type Call = (db: PhotonDB<unknown, unknown>, a: unknown, b: unknown) => unknown;

const METHODS: Record<string, Call> = {
  set: (db, a, b) => db.set(a, b),
  get: (db, a) => db.get(a),
  getSync: (db, a) => db.getSync(a),
  delete: (db, a) => db.delete(a),
  batch: (db, a, b) => db.batch([{ type: 'put', key: a, value: b }, a as never]),
  scan: (db, a) => [...db.scan(a as never)],
  iterator: (db, a, b) => {
    const it = db.iterator(a as never);
    try {
      it.seek(b);
      return it.next();
    } finally {
      it.close();
    }
  },
  count: (db, a) => db.count(a as never),
  'transaction.set': async (db, a, b) => {
    const tx = db.beginTransaction();
    try {
      tx.set(a, b);
      await tx.commit();
    } finally {
      tx.rollback();
    }
  },
  'table()': (db, a) => db.table(a as string),
  createTable: (db, a) => db.createTable(a as string),
  'set options': (db, a, b) => db.set('k', 'v', b as never),
};

async function call(fn: () => unknown): Promise<unknown> {
  return await fn();
}

describe('R6: bad API input', () => {
  for (const encoding of ['datum', 'raw'] as const) {
    it(`answers hostile input to every method with a typed error or a success (${encoding} codecs)`, async () => {
      const db = (await open<unknown, unknown>('/r6', {
        fileSystem: new MemoryFileSystem(),
        createIfMissing: true,
        keyEncoding: encoding,
        valueEncoding: encoding,
        maxKeyBytes: MAX_KEY,
        maxValueBytes: MAX_VALUE,
        sync: false,
      })) as PhotonDB<unknown, unknown>;
      let tried = 0;
      const untyped: string[] = [];
      try {
        for (const [name, method] of Object.entries(METHODS)) {
          await fc.assert(
            fc.asyncProperty(hostile(), hostile(), async (a, b) => {
              tried++;
              const before = db.stats().lastLsn;
              try {
                await call(() => method(db, a, b));
              } catch (e) {
                if (!isPhotonError(e)) {
                  untyped.push(`${name}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
                  throw e;
                }
                expect(e.message.length).toBeGreaterThan(10);
                expect(db.stats().lastLsn).toBe(before);
              }
            }),
            { numRuns: fcRuns(name === 'createTable' ? 200 : 1000) },
          );
        }
      } finally {
        reportFigure({ id: 'R6', what: `bad API input (${encoding} codecs)`, tried, failed: untyped.length, detail: `${Object.keys(METHODS).length} methods` });
        expect(db.verify()).toEqual([]);
        await db.close();
      }
      expect(untyped).toEqual([]);
    }, 300_000);
  }

  it('rejects bad open() options with INVALID_ARGUMENT before creating anything', async () => {
    const fs = new MemoryFileSystem();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ pageSizeBytes: hostile(), walSegmentBytes: hostile(), sync: hostile(), keyEncoding: hostile(), cacheSizeBytes: hostile() }, { requiredKeys: [] }),
        async (options) => {
          const path = `/opts${n++}`;
          try {
            const db = await open(path, { ...(options as object), fileSystem: fs, createIfMissing: true });
            await db.close();
          } catch (e) {
            expect(isPhotonError(e)).toBe(true);
            expect(fs.exists(path) && fs.openDirectory(path).exists('data.photon')).toBe(false);
          }
        },
      ),
      { numRuns: fcRuns(300) },
    );
  }, 120_000);
});
