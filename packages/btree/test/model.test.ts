/**
 * Model-based tests: random command sequences against a sorted Map model, with snapshots held
 * across writes, flush + checkpoint, clean and crash reopen, cursors, and verify() after every
 * command. Pages are 512 bytes (and 1 KiB) so trees get deep and values overflow in short runs.
 */
import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { MemoryPageStore, createMemoryPageStoreBacking, fcRuns } from '@photondb/contracts/testing';
import type { MemoryPageStoreBacking } from '@photondb/contracts/testing';
import { lsn } from '@photondb/contracts';
import { BTree, compareKeys } from '@photondb/btree';
import type { BatchOp, RangeOptions, TreeSnapshot } from '@photondb/btree';
import { hex, plain } from './helpers/trees.js';

type Model = Map<string, Uint8Array>;

interface Real {
  backing: MemoryPageStoreBacking;
  store: MemoryPageStore;
  tree: BTree;
  snapshots: { snap: TreeSnapshot; model: Model }[];
  nextLsn: number;
}

interface World {
  live: Model;
  durable: Model;
}

function sorted(model: Model): [string, string][] {
  return [...model.entries()]
    .map(([k, v]) => [Buffer.from(k, 'hex'), v] as [Uint8Array, Uint8Array])
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([k, v]) => [hex(k), hex(v)]);
}

function modelRange(model: Model, o: RangeOptions): [string, string][] {
  let rows = sorted(model).filter(([k]) => {
    const key = Buffer.from(k, 'hex');
    if (o.gt && compareKeys(key, o.gt) <= 0) return false;
    if (o.gte && compareKeys(key, o.gte) < 0) return false;
    if (o.lt && compareKeys(key, o.lt) >= 0) return false;
    if (o.lte && compareKeys(key, o.lte) > 0) return false;
    return true;
  });
  if (o.reverse) rows = rows.reverse();
  return o.limit === undefined ? rows : rows.slice(0, o.limit);
}

function check(r: Real): void {
  const problems = r.tree.verify();
  if (problems.length > 0) throw new Error(`verify: ${problems.slice(0, 5).join('; ')}`);
}

/**
 * No leak: every page of the store is reachable from the tree or free. Holds after a flush with
 * no snapshot alive, and right after any reopen (clean or crash): open frees what the last run
 * held for its snapshots. The tree's page counts are incremental; check() has recounted them.
 */
function expectNoLeak(r: Real): void {
  const s = r.tree.stats();
  const st = r.store.stats();
  const reachable = r.store.getCatalog('t') === undefined ? 0 : s.leafNodes + s.branchNodes + s.overflowPages;
  expect(st.pageCount - 2 - st.freePageCount).toBe(reachable);
}

const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 6 }).map((a) => a.map((b) => [0, 1, 0x61, 0x62, 0xff][b % 5])) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 20, maxLength: 100 }).map((a) => a.map((b) => [0x61, 0x62][b % 2])) },
);
const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 1500 }) },
);
const rangeArb: fc.Arbitrary<RangeOptions> = fc.record(
  { lo: fc.option(keyArb, { nil: undefined }), hi: fc.option(keyArb, { nil: undefined }), loInc: fc.boolean(), hiInc: fc.boolean(), reverse: fc.boolean(), limit: fc.option(fc.nat(30), { nil: undefined }) },
).map(({ lo, hi, loInc, hiInc, reverse, limit }) => ({
  ...(lo === undefined ? {} : loInc ? { gte: lo } : { gt: lo }),
  ...(hi === undefined ? {} : hiInc ? { lte: hi } : { lt: hi }),
  reverse,
  ...(limit === undefined ? {} : { limit }),
}));

class PutCmd implements fc.Command<World, Real> {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  constructor(key: Uint8Array, value: Uint8Array) {
    this.key = key;
    this.value = value;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    r.tree.put(this.key, this.value);
    m.live.set(hex(this.key), this.value);
    check(r);
  }
  toString = (): string => `put(${hex(this.key)}, ${this.value.length}B)`;
}

class PutRunCmd implements fc.Command<World, Real> {
  readonly prefix: Uint8Array;
  readonly n: number;
  readonly valueBytes: number;
  constructor(prefix: Uint8Array, n: number, valueBytes: number) {
    this.prefix = prefix;
    this.n = n;
    this.valueBytes = valueBytes;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    for (let i = 0; i < this.n; i++) {
      const key = Buffer.concat([this.prefix, Buffer.from(String(i).padStart(4, '0'))]);
      const value = new Uint8Array(this.valueBytes).fill(i & 0xff);
      r.tree.put(key, value);
      m.live.set(hex(key), value);
    }
    check(r);
  }
  toString = (): string => `putRun(${hex(this.prefix)}, ${this.n}, ${this.valueBytes}B)`;
}

class DeleteCmd implements fc.Command<World, Real> {
  readonly key: Uint8Array;
  constructor(key: Uint8Array) {
    this.key = key;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    expect(r.tree.delete(this.key)).toBe(m.live.delete(hex(this.key)));
    check(r);
  }
  toString = (): string => `delete(${hex(this.key)})`;
}

class DeleteSpanCmd implements fc.Command<World, Real> {
  readonly from: number;
  readonly fraction: number;
  constructor(from: number, fraction: number) {
    this.from = from;
    this.fraction = fraction;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    const keys = sorted(m.live).map(([k]) => k);
    const start = Math.floor(this.from * keys.length);
    const end = Math.min(keys.length, start + Math.ceil(this.fraction * keys.length));
    const ops: BatchOp[] = keys.slice(start, end).map((k) => ({ type: 'delete', key: Buffer.from(k, 'hex') }));
    r.tree.apply(ops);
    for (const op of ops) m.live.delete(hex(op.key));
    check(r);
  }
  toString = (): string => `deleteSpan(${this.from.toFixed(2)}, ${this.fraction.toFixed(2)})`;
}

class RangeCmd implements fc.Command<World, Real> {
  readonly o: RangeOptions;
  constructor(o: RangeOptions) {
    this.o = o;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    expect(plain(r.tree.range(this.o))).toEqual(modelRange(m.live, this.o));
    expect(r.tree.count({ ...this.o, reverse: false })).toBe(modelRange(m.live, { ...this.o, reverse: false }).length);
  }
  toString = (): string => `range(${JSON.stringify(Object.fromEntries(Object.entries(this.o).map(([k, v]) => [k, v instanceof Uint8Array ? hex(v) : v])))})`;
}

class GetCmd implements fc.Command<World, Real> {
  readonly key: Uint8Array;
  constructor(key: Uint8Array) {
    this.key = key;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    const got = r.tree.get(this.key);
    const want = m.live.get(hex(this.key));
    expect(got === undefined ? undefined : hex(got)).toBe(want === undefined ? undefined : hex(want));
  }
  toString = (): string => `get(${hex(this.key)})`;
}

class CursorCmd implements fc.Command<World, Real> {
  readonly key: Uint8Array;
  readonly moves: boolean[];
  constructor(key: Uint8Array, moves: boolean[]) {
    this.key = key;
    this.moves = moves;
  }
  check = (): boolean => true;
  run(m: World, r: Real): void {
    const keys = sorted(m.live).map(([k]) => k);
    const c = r.tree.cursor();
    let i = keys.findIndex((k) => compareKeys(Buffer.from(k, 'hex'), this.key) >= 0);
    if (i < 0) i = keys.length;
    expect(c.seek(this.key)).toBe(i < keys.length);
    for (const forward of this.moves) {
      if (!c.valid) break;
      expect(hex(c.key)).toBe(keys[i]);
      i += forward ? 1 : -1;
      expect(forward ? c.next() : c.prev()).toBe(i >= 0 && i < keys.length);
    }
  }
  toString = (): string => `cursor(${hex(this.key)}, ${this.moves.map((f) => (f ? '>' : '<')).join('')})`;
}

class SnapshotCmd implements fc.Command<World, Real> {
  check = (): boolean => true;
  run(m: World, r: Real): void {
    r.snapshots.push({ snap: r.tree.snapshot(), model: new Map(m.live) });
  }
  toString = (): string => 'snapshot';
}

class CheckSnapshotsCmd implements fc.Command<World, Real> {
  readonly o: RangeOptions;
  constructor(o: RangeOptions) {
    this.o = o;
  }
  check = (): boolean => true;
  run(_m: World, r: Real): void {
    for (const { snap, model } of r.snapshots) {
      expect(plain(snap.range(this.o))).toEqual(modelRange(model, this.o));
      expect(snap.count()).toBe(model.size);
    }
  }
  toString = (): string => 'checkSnapshots';
}

class ReleaseCmd implements fc.Command<World, Real> {
  readonly which: number;
  constructor(which: number) {
    this.which = which;
  }
  check = (): boolean => true;
  run(_m: World, r: Real): void {
    if (r.snapshots.length === 0) return;
    const [{ snap }] = r.snapshots.splice(this.which % r.snapshots.length, 1);
    snap.release();
  }
  toString = (): string => `release(${this.which})`;
}

class FlushCmd implements fc.AsyncCommand<World, Real> {
  check = (): boolean => true;
  async run(m: World, r: Real): Promise<void> {
    r.tree.flush();
    check(r);
    await r.store.checkpoint(lsn(r.nextLsn++));
    m.durable = new Map(m.live);
    check(r);
  }
  toString = (): string => 'flush+checkpoint';
}

class ReopenCmd implements fc.AsyncCommand<World, Real> {
  readonly crash: boolean;
  constructor(crash: boolean) {
    this.crash = crash;
  }
  check = (): boolean => true;
  async run(m: World, r: Real): Promise<void> {
    // A clean close releases its snapshots before the last flush, so retired pages are freed.
    for (const { snap } of r.snapshots) snap.release();
    r.snapshots = [];
    if (!this.crash) {
      r.tree.flush();
      await r.store.checkpoint(lsn(r.nextLsn++));
      m.durable = new Map(m.live);
    }
    await r.store.close();
    r.store = new MemoryPageStore(r.backing);
    r.tree = BTree.open(r.store, 't', { cacheNodes: 8 });
    m.live = new Map(m.durable);
    check(r);
    expectNoLeak(r);
    expect(plain(r.tree.range())).toEqual(sorted(m.live));
  }
  toString = (): string => (this.crash ? 'crash+reopen' : 'reopen');
}

const commands = [
  fc.tuple(keyArb, valueArb).map(([k, v]) => new PutCmd(k, v)),
  fc.tuple(keyArb, valueArb).map(([k, v]) => new PutCmd(k, v)),
  fc.tuple(fc.uint8Array({ maxLength: 3 }), fc.integer({ min: 20, max: 150 }), fc.integer({ min: 0, max: 60 })).map(([p, n, v]) => new PutRunCmd(p, n, v)),
  keyArb.map((k) => new DeleteCmd(k)),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]) => new DeleteSpanCmd(a, b)),
  rangeArb.map((o) => new RangeCmd(o)),
  keyArb.map((k) => new GetCmd(k)),
  fc.tuple(keyArb, fc.array(fc.boolean(), { maxLength: 40 })).map(([k, mv]) => new CursorCmd(k, mv)),
  fc.constant(new SnapshotCmd()),
  rangeArb.map((o) => new CheckSnapshotsCmd(o)),
  fc.nat().map((n) => new ReleaseCmd(n)),
];
const asyncCommands = [
  ...commands,
  fc.constant(new FlushCmd()),
  fc.boolean().map((crash) => new ReopenCmd(crash)),
];

function runModel(pageSizeBytes: number, runs: number): Promise<void> {
  return fc.assert(
    fc.asyncProperty(fc.commands(asyncCommands as unknown as fc.Arbitrary<fc.AsyncCommand<World, Real>>[], { maxCommands: 80, size: 'large' }), async (cmds) => {
      const backing = createMemoryPageStoreBacking({ pageSizeBytes });
      const store = new MemoryPageStore(backing);
      const real: Real = { backing, store, tree: BTree.open(store, 't', { cacheNodes: 16 }), snapshots: [], nextLsn: 1 };
      const world: World = { live: new Map(), durable: new Map() };
      await fc.asyncModelRun(() => ({ model: world, real }), cmds);
      if (process.env.DEBUG_MODEL) console.log(String(cmds).split(',').length, JSON.stringify(real.tree.stats()));
      for (const { snap, model } of real.snapshots) expect(plain(snap.range())).toEqual(sorted(model));
      for (const { snap } of real.snapshots) snap.release();
      real.tree.flush();
      expect(real.tree.verify()).toEqual([]);
      // No leak: with every snapshot released, the store holds exactly the pages the tree reaches.
      await real.store.checkpoint(lsn(real.nextLsn++));
      expectNoLeak(real);
      // ...and again after a crash that loses everything since that checkpoint.
      await real.store.close();
      real.store = new MemoryPageStore(real.backing);
      real.tree = BTree.open(real.store, 't', { cacheNodes: 8 });
      check(real);
      expectNoLeak(real);
    }),
    { numRuns: runs },
  );
}

describe('BTree against a sorted Map model', () => {
  it('agrees with the model with 512-byte pages, snapshots, flushes and reopens', async () => {
    await runModel(512, fcRuns(200));
  });

  it('agrees with the model with 1 KiB pages', async () => {
    await runModel(1024, fcRuns(100));
  });
});
