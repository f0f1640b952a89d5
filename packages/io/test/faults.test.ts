/**
 * Fault rules of the simulator (TESTING.md R4): the matching call fails with a typed IO error
 * carrying the errno and has no effect; a failed sync leaves the data volatile and poisons the
 * handle.
 */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { SimulatedFileSystem } from '@photondb/io';
import type { FaultOp } from '@photondb/io';
import { readAllBytes } from '@photondb/io/testing';

function setup(): { fs: SimulatedFileSystem; dir: ReturnType<SimulatedFileSystem['openDirectory']> } {
  const fs = new SimulatedFileSystem({ seed: 1 });
  const dir = fs.openDirectory('/db', { create: true });
  const f = dir.openFile('a', { create: true });
  f.write(0, Uint8Array.of(1, 2, 3));
  f.syncSync();
  f.close();
  dir.syncSync();
  fs.openDirectory('/').syncSync();
  return { fs, dir };
}

async function errnoOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe('IO');
    return (e as { errno?: string }).errno;
  }
  throw new Error('expected an IO error');
}

describe('SimulatedFileSystem fault rules', () => {
  const cases: [FaultOp, (dir: ReturnType<SimulatedFileSystem['openDirectory']>) => unknown][] = [
    ['read', (d) => d.openFile('a').read(0, new Uint8Array(1))],
    ['write', (d) => d.openFile('a').write(0, Uint8Array.of(9))],
    ['truncate', (d) => d.openFile('a').truncate(0)],
    ['sync', (d) => d.openFile('a').sync()],
    ['datasync', (d) => d.openFile('a').datasync()],
    ['open', (d) => d.openFile('a')],
    ['create', (d) => d.openFile('new', { create: true })],
    ['rename', (d) => d.rename('a', 'b')],
    ['remove', (d) => d.remove('a')],
    ['dirsync', (d) => d.sync()],
  ];
  for (const [op, call] of cases) {
    it(`fails a ${op} with IO and the requested errno, once by default`, async () => {
      const { fs, dir } = setup();
      fs.addFault({ op, errno: 'ENOSPC' });
      expect(await errnoOf(() => call(dir))).toBe('ENOSPC');
      await call(dir);
    });
  }

  it('defaults to EIO', async () => {
    const { fs, dir } = setup();
    fs.addFault({ op: 'write' });
    expect(await errnoOf(() => dir.openFile('a').write(0, Uint8Array.of(1)))).toBe('EIO');
  });

  it('fails the nth matching call only, and every call from the nth on when persistent', async () => {
    const { fs, dir } = setup();
    const f = dir.openFile('a');
    fs.addFault({ op: 'write', nth: 3 });
    f.write(0, Uint8Array.of(1));
    f.write(0, Uint8Array.of(2));
    await expectCode('IO', () => f.write(0, Uint8Array.of(3)));
    f.write(0, Uint8Array.of(4));
    fs.addFault({ op: 'read', nth: 2, persistent: true });
    f.read(0, new Uint8Array(1));
    for (let i = 0; i < 3; i++) await expectCode('IO', () => f.read(0, new Uint8Array(1)));
    fs.clearFaults();
    f.read(0, new Uint8Array(1));
  });

  it('matches only paths ending with the rule path', async () => {
    const { fs, dir } = setup();
    const b = dir.openFile('b.log', { create: true });
    fs.addFault({ op: 'write', path: '.log', persistent: true });
    dir.openFile('a').write(0, Uint8Array.of(7));
    await expectCode('IO', () => b.write(0, Uint8Array.of(7)));
  });

  it('gives a failed operation no effect', async () => {
    const { fs, dir } = setup();
    fs.addFault({ op: 'write' });
    fs.addFault({ op: 'rename' });
    fs.addFault({ op: 'remove' });
    const f = dir.openFile('a');
    await expectCode('IO', () => f.write(0, Uint8Array.of(9, 9, 9, 9)));
    expect(readAllBytes(f)).toEqual(Uint8Array.of(1, 2, 3));
    await expectCode('IO', () => dir.rename('a', 'b'));
    await expectCode('IO', () => dir.remove('a'));
    expect(dir.list()).toEqual(['a']);
  });

  it('leaves data volatile after a failed sync and poisons the handle', async () => {
    const { fs, dir } = setup();
    const f = dir.openFile('a');
    f.write(0, Uint8Array.of(7, 7, 7));
    fs.addFault({ op: 'datasync' });
    await expectCode('IO', () => f.datasync());
    await expectCode('IO', () => f.datasync());
    await expectCode('IO', () => f.sync());
    await expectCode('IO', () => f.write(3, Uint8Array.of(1)));
    expect(f.read(0, new Uint8Array(3))).toBe(3);
    const after = fs.crash({ damage: false });
    expect(readAllBytes(after.openDirectory('/db').openFile('a'))).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('lets a reopened handle write and sync again after a failed sync', async () => {
    const { fs, dir } = setup();
    const f = dir.openFile('a');
    fs.addFault({ op: 'sync' });
    await expectCode('IO', () => f.sync());
    const reopened = dir.openFile('a');
    reopened.write(0, Uint8Array.of(5));
    await reopened.sync();
    expect(readAllBytes(fs.crash({ damage: false }).openDirectory('/db').openFile('a'))).toEqual(Uint8Array.of(5, 2, 3));
  });
});
