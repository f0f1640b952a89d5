/**
 * fast-check `fc.commands` model of transactions (issue #8): up to two transactions open at
 * once, interleaved with direct writes, checkpoints, crashes through the simulator and reopens.
 * The model predicts every read (a transaction sees its snapshot plus its own writes), every
 * commit's outcome (CONFLICT exactly when a transaction that committed after it began wrote a key
 * it read; read-only transactions never conflict), and the state after a crash (every committed
 * transaction, no rolled-back or conflicting one).
 */
import { describe, expect, it } from '@jest/globals';
import { fcRuns } from '@photondb/contracts/testing';
import { SimulatedFileSystem } from '@photondb/io';
import fc from 'fast-check';
import { open } from '@photondb/engine';
import type { PhotonDB, Transaction } from '@photondb/engine';

type DB = PhotonDB<string, string>;
type Tx = Transaction<string, string>;

interface ModelTx {
  snapshot: Map<string, string>;
  writes: Map<string, string | undefined>;
  reads: Set<string>;
  start: number;
}
interface Model {
  committed: Map<string, string>;
  /** Keys written by each commit, in commit order. */
  log: Set<string>[];
  txs: (ModelTx | undefined)[];
}
interface Real {
  fs: SimulatedFileSystem;
  db: DB;
  txs: (Tx | undefined)[];
}

const OPTIONS = { keyEncoding: 'utf8', valueEncoding: 'utf8', pageSizeBytes: 4096, walSegmentBytes: 4096 } as const;
const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
const slotArb = fc.nat(1);

/** How often the model predicted each outcome (the test asserts both happen). */
const stats = { commits: 0, conflicts: 0 };

const view = (t: ModelTx, k: string): string | undefined => (t.writes.has(k) ? t.writes.get(k) : t.snapshot.get(k));

class Begin implements fc.AsyncCommand<Model, Real> {
  readonly slot: number;
  constructor(slot: number) {
    this.slot = slot;
  }
  check = (m: Readonly<Model>): boolean => m.txs[this.slot] === undefined;
  async run(m: Model, r: Real): Promise<void> {
    r.txs[this.slot] = r.db.beginTransaction();
    m.txs[this.slot] = { snapshot: new Map(m.committed), writes: new Map(), reads: new Set(), start: m.log.length };
  }
  toString = (): string => `begin(${this.slot})`;
}

class TxGet implements fc.AsyncCommand<Model, Real> {
  readonly slot: number;
  readonly key: string;
  constructor(slot: number, key: string) {
    this.slot = slot;
    this.key = key;
  }
  check = (m: Readonly<Model>): boolean => m.txs[this.slot] !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    const t = m.txs[this.slot]!;
    expect(await r.txs[this.slot]!.get(this.key)).toBe(view(t, this.key));
    t.reads.add(this.key);
  }
  toString = (): string => `get(${this.slot}, ${this.key})`;
}

class TxWrite implements fc.AsyncCommand<Model, Real> {
  readonly slot: number;
  readonly key: string;
  readonly value: string | undefined;
  constructor(slot: number, key: string, value: string | undefined) {
    this.slot = slot;
    this.key = key;
    this.value = value;
  }
  check = (m: Readonly<Model>): boolean => m.txs[this.slot] !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    if (this.value === undefined) r.txs[this.slot]!.delete(this.key);
    else r.txs[this.slot]!.set(this.key, this.value);
    m.txs[this.slot]!.writes.set(this.key, this.value);
  }
  toString = (): string => `${this.value === undefined ? 'del' : 'set'}(${this.slot}, ${this.key}${this.value === undefined ? '' : `, ${this.value}`})`;
}

class Commit implements fc.AsyncCommand<Model, Real> {
  readonly slot: number;
  constructor(slot: number) {
    this.slot = slot;
  }
  check = (m: Readonly<Model>): boolean => m.txs[this.slot] !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    const t = m.txs[this.slot]!;
    const tx = r.txs[this.slot]!;
    m.txs[this.slot] = undefined;
    r.txs[this.slot] = undefined;
    const later = m.log.slice(t.start);
    const conflict = t.writes.size > 0 && later.some((keys) => [...t.reads].some((k) => keys.has(k)));
    if (conflict) {
      stats.conflicts++;
      await expect(tx.commit()).rejects.toMatchObject({ code: 'CONFLICT' });
      return;
    }
    await tx.commit();
    stats.commits++;
    if (t.writes.size === 0) return;
    for (const [k, v] of t.writes) {
      if (v === undefined) m.committed.delete(k);
      else m.committed.set(k, v);
    }
    m.log.push(new Set(t.writes.keys()));
  }
  toString = (): string => `commit(${this.slot})`;
}

class Rollback implements fc.AsyncCommand<Model, Real> {
  readonly slot: number;
  constructor(slot: number) {
    this.slot = slot;
  }
  check = (m: Readonly<Model>): boolean => m.txs[this.slot] !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    await r.txs[this.slot]!.rollback();
    r.txs[this.slot] = undefined;
    m.txs[this.slot] = undefined;
  }
  toString = (): string => `rollback(${this.slot})`;
}

class DirectSet implements fc.AsyncCommand<Model, Real> {
  readonly key: string;
  readonly value: string;
  constructor(key: string, value: string) {
    this.key = key;
    this.value = value;
  }
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.db.set(this.key, this.value);
    m.committed.set(this.key, this.value);
    m.log.push(new Set([this.key]));
    expect(await r.db.get(this.key)).toBe(this.value);
  }
  toString = (): string => `db.set(${this.key}, ${this.value})`;
}

class Checkpoint implements fc.AsyncCommand<Model, Real> {
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    await r.db.checkpoint();
  }
  toString = (): string => 'checkpoint';
}

class CrashReopen implements fc.AsyncCommand<Model, Real> {
  readonly seed: number;
  constructor(seed: number) {
    this.seed = seed;
  }
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    // Power loss with every open transaction in flight: none of them may survive.
    r.fs = r.fs.crash({ seed: this.seed, damage: 'torn' });
    r.db = await open<string, string>('/db', { fileSystem: r.fs, ...OPTIONS });
    r.txs = [];
    m.txs = [];
    m.log = [];
    expect(new Map(r.db.scan())).toEqual(m.committed);
    expect(r.db.verify()).toEqual([]);
  }
  toString = (): string => `crash+reopen(${this.seed})`;
}

const commands = [
  slotArb.map((s) => new Begin(s)),
  slotArb.map((s) => new Begin(s)),
  slotArb.map((s) => new Begin(s)),
  fc.tuple(slotArb, keyArb).map(([s, k]) => new TxGet(s, k)),
  fc.tuple(slotArb, keyArb).map(([s, k]) => new TxGet(s, k)),
  fc.tuple(slotArb, keyArb, fc.option(fc.stringMatching(/^[a-z]{1,3}$/), { nil: undefined })).map(([s, k, v]) => new TxWrite(s, k, v)),
  fc.tuple(slotArb, keyArb, fc.option(fc.stringMatching(/^[a-z]{1,3}$/), { nil: undefined })).map(([s, k, v]) => new TxWrite(s, k, v)),
  slotArb.map((s) => new Commit(s)),
  slotArb.map((s) => new Commit(s)),
  slotArb.map((s) => new Commit(s)),
  slotArb.map((s) => new Rollback(s)),
  fc.tuple(keyArb, fc.stringMatching(/^[A-Z]{1,3}$/)).map(([k, v]) => new DirectSet(k, v)),
  fc.constant(new Checkpoint()),
  fc.nat().map((seed) => new CrashReopen(seed)),
];

describe('transactions against a model', () => {
  it('agree with the model on every read, every commit outcome and the state after crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands as fc.Arbitrary<fc.AsyncCommand<Model, Real>>[], { maxCommands: 80, size: 'large' }), async (cmds) => {
        const fs = new SimulatedFileSystem({ seed: 1 });
        const db = await open<string, string>('/db', { fileSystem: fs, createIfMissing: true, ...OPTIONS });
        const real: Real = { fs, db, txs: [] };
        await fc.asyncModelRun(() => ({ model: { committed: new Map(), log: [], txs: [] }, real }), cmds);
        await real.db.close().catch(() => {});
      }),
      { numRuns: fcRuns(300) },
    );
    expect(stats.commits).toBeGreaterThan(50);
    expect(stats.conflicts).toBeGreaterThan(5);
  }, 120_000);
});
