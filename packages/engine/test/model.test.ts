/**
 * Model-based tests of the read paths against a sorted Map: random keys, then random ranges
 * (gt/gte/lt/lte/prefix in any combination, reverse, limit) read through `scan`, `count`,
 * iterators with `seek`, snapshots, and transactions whose own uncommitted writes must be merged
 * into what they read. Then table creation and drops replayed by recovery after a crash.
 */
import { describe, expect, it } from '@jest/globals';
import { fcRuns, expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import fc from 'fast-check';
import { open } from '@photondb/engine';

const ALPHABET = ['a', 'b', 'c', 'ab', 'ba', 'bb', 'abc', 'b\u00ff', 'c0', ''];
const keyArb = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

interface Range {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  prefix?: string;
  reverse?: boolean;
  limit?: number;
}

const rangeArb: fc.Arbitrary<Range> = fc.record(
  {
    gt: keyArb,
    gte: keyArb,
    lt: keyArb,
    lte: keyArb,
    prefix: fc.constantFrom('a', 'b', 'ab', 'c', ''),
    reverse: fc.boolean(),
    limit: fc.nat(8),
  },
  { requiredKeys: [] },
);

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const cmp = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b));

function modelRange(model: Map<string, string>, r: Range): [string, string][] {
  let rows = [...model].sort((x, y) => cmp(x[0], y[0])).filter(([k]) => {
    if (r.gt !== undefined && cmp(k, r.gt) <= 0) return false;
    if (r.gte !== undefined && cmp(k, r.gte) < 0) return false;
    if (r.lt !== undefined && cmp(k, r.lt) >= 0) return false;
    if (r.lte !== undefined && cmp(k, r.lte) > 0) return false;
    if (r.prefix !== undefined && !utf8(k).subarray(0, utf8(r.prefix).length).equals(utf8(r.prefix))) return false;
    return true;
  });
  if (r.reverse) rows = rows.reverse();
  return r.limit === undefined ? rows : rows.slice(0, r.limit);
}

describe('read paths against a model', () => {
  it('scan, count and iterators agree with the model for any combination of bounds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(keyArb, fc.string({ maxLength: 5 })), { maxLength: 30 }), fc.array(rangeArb, { minLength: 1, maxLength: 8 }), async (entries, ranges) => {
        const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'utf8' });
        const model = new Map<string, string>();
        for (const [k, v] of entries) {
          await db.set(k, v, { sync: false });
          model.set(k, v);
        }
        for (const r of ranges) {
          const want = modelRange(model, r);
          expect([...db.scan(r)]).toEqual(want);
          const { limit: _limit, reverse: _reverse, ...bounds } = r;
          expect(db.count(bounds)).toBe(modelRange(model, bounds).length);
          const it = db.iterator(r);
          const got: [string, string][] = [];
          for (let e = it.next(); e !== undefined; e = it.next()) got.push(e);
          it.close();
          expect(got).toEqual(want);
        }
        await db.close();
      }),
      { numRuns: fcRuns(40) },
    );
  }, 60_000);

  it('iterator seek lands on the first key at or after (or, reversed, at or before) the target', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(keyArb, { maxLength: 20 }), keyArb, fc.boolean(), async (keys, target, reverse) => {
        const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'utf8' });
        await db.batch(keys.map((k) => ({ type: 'put' as const, key: k, value: k })));
        const it = db.iterator({ reverse });
        it.seek(target);
        const sorted = [...keys].sort(cmp);
        const want = reverse ? sorted.filter((k) => cmp(k, target) <= 0).reverse()[0] : sorted.find((k) => cmp(k, target) >= 0);
        expect(it.next()?.[0]).toBe(want);
        it.close();
        await db.close();
      }),
      { numRuns: fcRuns(60) },
    );
  }, 60_000);

  it('a transaction reads its snapshot merged with its own writes, and others do not see them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(keyArb, fc.string({ maxLength: 3 })), { maxLength: 15 }),
        fc.array(fc.tuple(keyArb, fc.option(fc.string({ maxLength: 3 }), { nil: undefined })), { maxLength: 10 }),
        fc.array(fc.tuple(keyArb, fc.string({ maxLength: 3 })), { maxLength: 5 }),
        fc.array(rangeArb, { minLength: 1, maxLength: 5 }),
        async (base, own, later, ranges) => {
          const db = await open<string, string>('/db', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'utf8' });
          const committed = new Map<string, string>();
          for (const [k, v] of base) {
            await db.set(k, v, { sync: false });
            committed.set(k, v);
          }
          const tx = db.beginTransaction();
          const mine = new Map(committed);
          for (const [k, v] of own) {
            if (v === undefined) {
              tx.delete(k);
              mine.delete(k);
            } else {
              tx.set(k, v);
              mine.set(k, v);
            }
          }
          // Commits after the transaction began are invisible to it.
          for (const [k, v] of later) await db.set(k, v, { sync: false });
          for (const r of ranges) {
            expect([...tx.scan(r)]).toEqual(modelRange(mine, r));
            const it = tx.iterator(r);
            const got: [string, string][] = [];
            for (let e = it.next(); e !== undefined; e = it.next()) got.push(e);
            it.close();
            expect(got).toEqual(modelRange(mine, r));
          }
          for (const [k] of own) expect(await tx.get(k)).toBe(mine.get(k));
          const outside = new Map(committed);
          for (const [k, v] of later) outside.set(k, v);
          expect([...db.scan()]).toEqual(modelRange(outside, {}));
          await tx.rollback();
          await expectCode('CLOSED', () => tx.get('a'));
          await db.close();
        },
      ),
      { numRuns: fcRuns(40) },
    );
  }, 60_000);
});

describe('tables through recovery', () => {
  it('replays table creation, writes and drops after a crash', async () => {
    const fs = new SimulatedFileSystem({ seed: 3 });
    const db = await open<string, string>('/db', { fileSystem: fs, keyEncoding: 'utf8', valueEncoding: 'utf8', checkpointLogBytes: 1 << 30 });
    await db.createTable('users');
    await db.createTable('gone');
    await db.table('users').set('u1', 'Ada');
    await db.table('gone').set('x', 'y');
    await db.set('plain', 'p');
    await db.dropTable('gone');
    const after = fs.crash({ seed: 1, damage: 'drop' });
    const reopened = await open<string, string>('/db', { fileSystem: after, keyEncoding: 'utf8', valueEncoding: 'utf8' });
    expect(reopened.recovery.replayedRecords).toBeGreaterThanOrEqual(6);
    expect(reopened.tables()).toEqual(['users']);
    expect(await reopened.table('users').get('u1')).toBe('Ada');
    expect(await reopened.get('plain')).toBe('p');
    await expectCode('NOT_FOUND', () => reopened.table('gone'));
    expect(reopened.verify()).toEqual([]);
    await reopened.close();
  });

  it('rejects a transaction larger than one log record with TOO_LARGE and writes nothing', async () => {
    const db = await open('/db', { fileSystem: new MemoryFileSystem(), walSegmentBytes: 4096, maxValueBytes: 1 << 20 });
    const tx = db.beginTransaction();
    for (let i = 0; i < 40; i++) tx.set(Buffer.from(`k${i}`), new Uint8Array(1 << 20));
    await expectCode('TOO_LARGE', () => tx.commit());
    expect(db.count()).toBe(0);
    await db.close();
  });
});
