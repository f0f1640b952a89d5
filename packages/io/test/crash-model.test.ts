/**
 * The crash simulator against simple models (TESTING.md R2): what was synced survives every
 * crash exactly; what was not comes back old or new per 512-byte sector (or garbage, by damage
 * kind); unsynced directory changes come back as a prefix; crashAtOp stops at exactly op n.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcRuns } from '@photondb/contracts/testing';
import { SECTOR_BYTES, SimulatedFileSystem, isSimulatedCrash } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { readAllBytes } from '@photondb/io/testing';

type FileOp =
  | { kind: 'write'; pos: number; data: Uint8Array }
  | { kind: 'truncate'; size: number }
  | { kind: 'sync' }
  | { kind: 'datasync' };

const fileOp: fc.Arbitrary<FileOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), pos: fc.nat(3000), data: fc.uint8Array({ minLength: 1, maxLength: 1200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(3500) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('datasync' as const) }) },
);
const damageKind = fc.constantFrom<CrashDamage>('drop', 'torn', 'garbage', 'mixed');

function resized(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, Math.min(size, bytes.length)));
  return out;
}

/** Sector `start` of `bytes`, zero-padded to `length`. */
function sector(bytes: Uint8Array, start: number, length: number): Uint8Array {
  return resized(bytes.subarray(Math.min(start, bytes.length), Math.min(start + length, bytes.length)), length);
}

describe('SimulatedFileSystem file contents after a crash', () => {
  it('keeps synced bytes exactly and each unsynced sector old or new (or garbage when allowed)', () => {
    fc.assert(
      fc.property(fc.array(fileOp, { maxLength: 25 }), damageKind, fc.nat(), (ops, damage, seed) => {
        const fs = new SimulatedFileSystem({ seed });
        const dir = fs.openDirectory('/db', { create: true });
        const f = dir.openFile('data', { create: true });
        dir.syncSync();
        fs.openDirectory('/').syncSync();
        let durable: Uint8Array = new Uint8Array(0);
        let current: Uint8Array = new Uint8Array(0);
        for (const op of ops) {
          if (op.kind === 'write') {
            current = resized(current, Math.max(current.length, op.pos + op.data.length));
            current.set(op.data, op.pos);
            f.write(op.pos, op.data);
          } else if (op.kind === 'truncate') {
            current = resized(current, op.size);
            f.truncate(op.size);
          } else {
            if (op.kind === 'sync') f.syncSync();
            else f.datasyncSync();
            durable = current.slice();
          }
        }
        const after = fs.crash({ seed, damage });
        const got = readAllBytes(after.openDirectory('/db').openFile('data'));
        if (damage === 'drop') {
          expect(got).toEqual(durable);
          return;
        }
        expect([durable.length, current.length]).toContain(got.length);
        for (let start = 0; start < got.length; start += SECTOR_BYTES) {
          const length = Math.min(SECTOR_BYTES, got.length - start);
          const old = sector(durable, start, length);
          const next = sector(current, start, length);
          const actual = got.subarray(start, start + length);
          if (Buffer.compare(old, next) === 0) expect(actual).toEqual(old);
          else if (damage === 'torn') expect([Buffer.from(old).toString('hex'), Buffer.from(next).toString('hex')]).toContain(Buffer.from(actual).toString('hex'));
        }
      }),
      { numRuns: fcRuns(200) },
    );
  });

  it('gives the same image for the same operations and seed', () => {
    const image = (seed: number): Uint8Array => {
      const fs = new SimulatedFileSystem();
      const dir = fs.openDirectory('/', {});
      const f = dir.openFile('x', { create: true });
      dir.syncSync();
      f.write(0, new Uint8Array(4096).fill(1));
      f.syncSync();
      f.write(0, new Uint8Array(4096).fill(2));
      return readAllBytes(fs.crash({ seed, damage: 'garbage' }).openDirectory('/').openFile('x'));
    };
    expect(image(7)).toEqual(image(7));
    const distinct = new Set([1, 2, 3, 4, 5, 6].map((s) => Buffer.from(image(s)).toString('hex')));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('really tears, drops and garbles unsynced multi-sector writes', () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      for (const damage of ['torn', 'garbage', 'drop', 'mixed'] as const) {
        const fs = new SimulatedFileSystem({ seed });
        const dir = fs.openDirectory('/');
        const f = dir.openFile('page', { create: true });
        dir.syncSync();
        f.write(0, new Uint8Array(8 * SECTOR_BYTES).fill(0xaa));
        f.syncSync();
        f.write(0, new Uint8Array(8 * SECTOR_BYTES).fill(0xbb));
        const got = readAllBytes(fs.crash({ seed, damage }).openDirectory('/').openFile('page'));
        const kinds = new Set<string>();
        for (let s = 0; s < 8; s++) {
          const sec = got.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES);
          kinds.add(sec.every((b) => b === 0xaa) ? 'old' : sec.every((b) => b === 0xbb) ? 'new' : 'garbage');
        }
        if (kinds.size === 1 && kinds.has('old')) outcomes.add(`${damage}:dropped`);
        else if (kinds.size === 1 && kinds.has('new')) outcomes.add(`${damage}:applied`);
        else if (kinds.has('garbage')) outcomes.add(`${damage}:garbage`);
        else outcomes.add(`${damage}:torn`);
      }
    }
    expect([...outcomes].sort()).toEqual(
      expect.arrayContaining(['drop:dropped', 'garbage:garbage', 'mixed:applied', 'mixed:dropped', 'mixed:garbage', 'mixed:torn', 'torn:torn']),
    );
    expect(outcomes.has('drop:torn') || outcomes.has('drop:garbage') || outcomes.has('torn:garbage')).toBe(false);
  });

  it('can lose an unsynced append past the durable end, keeping the durable size', () => {
    const sizes = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const fs = new SimulatedFileSystem({ seed });
      const dir = fs.openDirectory('/');
      const log = dir.openAppend('log', { create: true });
      dir.syncSync();
      log.append(new Uint8Array(100).fill(1));
      log.syncSync();
      log.append(new Uint8Array(1000).fill(2));
      sizes.add(readAllBytes(fs.crash({ seed }).openDirectory('/').openFile('log')).length);
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([100, 1100]);
  });
});

type NsOp =
  | { kind: 'create'; name: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'remove'; name: string }
  | { kind: 'dirsync' };

const names = fc.constantFrom('a', 'b', 'c', 'd');
const nsOp: fc.Arbitrary<NsOp> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: names }),
  fc.record({ kind: fc.constant('rename' as const), from: names, to: names }),
  fc.record({ kind: fc.constant('remove' as const), name: names }),
  fc.record({ kind: fc.constant('dirsync' as const) }),
);

function applyNs(state: Map<string, string>, op: NsOp & { id?: string }): void {
  if (op.kind === 'create') state.set(op.name, op.id as string);
  else if (op.kind === 'remove') state.delete(op.name);
  else if (op.kind === 'rename') {
    const id = state.get(op.from) as string;
    state.delete(op.from);
    state.set(op.to, id);
  }
}

const show = (m: Map<string, string>): string => JSON.stringify([...m].sort());

describe('SimulatedFileSystem directory entries after a crash', () => {
  it('keeps the synced entries plus some prefix of the unsynced creates, renames and removes', () => {
    fc.assert(
      fc.property(fc.array(nsOp, { maxLength: 20 }), damageKind, fc.nat(), (ops, damage, seed) => {
        const fs = new SimulatedFileSystem({ seed });
        const dir = fs.openDirectory('/d', { create: true });
        fs.openDirectory('/').syncSync();
        const live = new Map<string, string>();
        let durable = new Map<string, string>();
        let pending: (NsOp & { id?: string })[] = [];
        ops.forEach((op, i) => {
          if (op.kind === 'create') {
            if (live.has(op.name)) return;
            const id = `file${i}`;
            const f = dir.openFile(op.name, { create: true, exclusive: true });
            f.write(0, new TextEncoder().encode(id));
            f.syncSync();
            f.close();
            pending.push({ ...op, id });
            applyNs(live, { ...op, id });
          } else if (op.kind === 'rename' || op.kind === 'remove') {
            const name = op.kind === 'rename' ? op.from : op.name;
            if (!live.has(name)) return;
            if (op.kind === 'rename') dir.rename(op.from, op.to);
            else dir.remove(op.name);
            if (op.kind === 'rename' && op.from === op.to) return;
            pending.push(op);
            applyNs(live, op);
          } else {
            dir.syncSync();
            durable = new Map(live);
            pending = [];
          }
        });
        const allowed = new Set<string>();
        const state = new Map(durable);
        allowed.add(show(state));
        if (damage !== 'drop') for (const op of pending) allowed.add(show((applyNs(state, op), state)));
        const after = fs.crash({ seed, damage }).openDirectory('/d');
        const got = new Map(after.list().map((n) => [n, new TextDecoder().decode(readAllBytes(after.openFile(n)))]));
        expect(allowed).toContain(show(got));
      }),
      { numRuns: fcRuns(200) },
    );
  });

  it('may lose a created file whose directory was never synced, and never loses it once synced', () => {
    const survived = new Set<boolean>();
    for (let seed = 1; seed <= 20; seed++) {
      const fs = new SimulatedFileSystem({ seed });
      const dir = fs.openDirectory('/');
      const f = dir.openFile('new', { create: true });
      f.write(0, Uint8Array.of(1));
      f.syncSync();
      survived.add(fs.crash({ seed }).exists('/new'));
      expect(fs.crash({ seed, damage: false }).exists('/new')).toBe(false);
      const synced = new SimulatedFileSystem({ seed });
      synced.openDirectory('/').openFile('new', { create: true }).close();
      synced.openDirectory('/').syncSync();
      expect(synced.crash({ seed }).exists('/new')).toBe(true);
    }
    expect([...survived].sort()).toEqual([false, true]);
  });

  it('loses a whole subdirectory whose parent was not synced after creating it', () => {
    const fs = new SimulatedFileSystem({ seed: 3 });
    const wal = fs.openDirectory('/db/wal', { create: true });
    wal.openFile('0001.log', { create: true }).close();
    wal.syncSync();
    const after = fs.crash({ damage: false });
    expect(after.exists('/db')).toBe(false);
    expect(after.exists('/')).toBe(true);
  });

  it('makes the returned file system fully durable and the old one unusable', async () => {
    const fs = new SimulatedFileSystem({ seed: 1 });
    const dir = fs.openDirectory('/', {});
    const f = dir.openFile('x', { create: true });
    dir.syncSync();
    f.write(0, Uint8Array.of(1, 2, 3));
    const after = fs.crash({ seed: 2 });
    const image = readAllBytes(after.openDirectory('/').openFile('x'));
    expect(readAllBytes(after.crash({ damage: 'garbage', seed: 9 }).openDirectory('/').openFile('x'))).toEqual(image);
    for (const op of [() => f.write(0, Uint8Array.of(9)), () => f.read(0, new Uint8Array(1)), () => dir.list(), () => fs.exists('/x'), () => f.sync()]) {
      let thrown: unknown;
      try {
        await op();
      } catch (e) {
        thrown = e;
      }
      expect(isSimulatedCrash(thrown)).toBe(true);
    }
    expect(isSimulatedCrash(new Error('x'))).toBe(false);
  });
});

type WorkOp = { kind: 'write'; file: number; pos: number } | { kind: 'sync'; file: number } | { kind: 'create'; file: number } | { kind: 'rename' } | { kind: 'dirsync' } | { kind: 'read'; file: number };
const workOp: fc.Arbitrary<WorkOp> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), file: fc.nat(2), pos: fc.nat(2000) }),
  fc.record({ kind: fc.constant('sync' as const), file: fc.nat(2) }),
  fc.record({ kind: fc.constant('create' as const), file: fc.nat(2) }),
  fc.record({ kind: fc.constant('rename' as const) }),
  fc.record({ kind: fc.constant('dirsync' as const) }),
  fc.record({ kind: fc.constant('read' as const), file: fc.nat(2) }),
);

/** Runs `ops`; returns how many counted operations completed before the first exception (and it). */
async function runWorkload(fs: SimulatedFileSystem, ops: readonly WorkOp[]): Promise<{ completed: number; error: unknown }> {
  let completed = 0;
  try {
    const dir = fs.openDirectory('/w', { create: true });
    completed++; // the create of /w
    const files = [0, 1, 2].map((i) => {
      const f = dir.openFile(`f${i}`, { create: true });
      completed++;
      return f;
    });
    for (const op of ops) {
      if (op.kind === 'write') files[op.file].write(op.pos, Uint8Array.of(op.pos & 0xff));
      else if (op.kind === 'sync') await files[op.file].sync();
      else if (op.kind === 'create') dir.openFile(`g${op.file}`, { create: true }).close();
      else if (op.kind === 'rename') dir.rename('f0', 'f0');
      else if (op.kind === 'dirsync') await dir.sync();
      else files[op.file].read(0, new Uint8Array(4));
      if (op.kind !== 'read') completed++;
    }
  } catch (e) {
    return { completed, error: e };
  }
  return { completed, error: undefined };
}

describe('SimulatedFileSystem.crashAtOp', () => {
  it('runs exactly n - 1 counted operations and fails the nth and every later one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(workOp, { maxLength: 30 }), fc.nat(), async (ops, pick) => {
        // "create" of an existing g-file is an open, not a counted create: make names unique.
        const unique = ops.map((op, i) => (op.kind === 'create' ? { ...op, file: i + 10 } : op));
        const counter = new SimulatedFileSystem();
        const full = await runWorkload(counter, unique);
        expect(full.error).toBeUndefined();
        expect(counter.opCount).toBe(full.completed);
        const n = 1 + (pick % (counter.opCount + 1));
        const fs = new SimulatedFileSystem();
        fs.crashAtOp(n);
        const run = await runWorkload(fs, unique);
        if (n > counter.opCount) {
          expect(run.error).toBeUndefined();
          return;
        }
        expect(isSimulatedCrash(run.error)).toBe(true);
        expect(run.completed).toBe(n - 1);
        expect(fs.opCount).toBe(n);
        expect(fs.isCrashed).toBe(true);
        let later: unknown;
        try {
          fs.openDirectory('/', {}).openFile('late', { create: true });
        } catch (e) {
          later = e;
        }
        expect(isSimulatedCrash(later)).toBe(true);
      }),
      { numRuns: fcRuns(100) },
    );
  });

  it('counts writes, truncates, syncs, datasyncs, creates, renames, removes and directory syncs, not reads', async () => {
    const fs = new SimulatedFileSystem();
    const dir = fs.openDirectory('/');
    const f = dir.openFile('a', { create: true }); // 1 create
    f.write(0, Uint8Array.of(1)); // 2
    f.truncate(10); // 3
    await f.sync(); // 4
    f.datasyncSync(); // 5
    dir.rename('a', 'b'); // 6
    await dir.sync(); // 7
    f.read(0, new Uint8Array(1));
    f.sizeBytes();
    dir.list();
    dir.openFile('b').close();
    dir.remove('b'); // 8
    dir.subdirectory('s', { create: true }); // 9
    expect(fs.opCount).toBe(9);
  });
});
