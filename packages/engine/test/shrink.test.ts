/**
 * close() shrinks the page file when much of it is free (`shrinkOnClose`, default true): the
 * trees move their pages off the end, checkpoints free the old pages and the file is truncated.
 * Every table's data is intact, a crash at any I/O step of it loses nothing, and the option off
 * keeps the file as it was.
 */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';

const utf8 = { keyEncoding: 'utf8', valueEncoding: 'utf8', pageSizeBytes: 4096 } as const;
const key = (i: number): string => `key${String(i).padStart(5, '0')}`;

/** n keys in the default table (one in ten kept), a side table, and big values in a third. */
async function filled(fs: MemoryFileSystem | SimulatedFileSystem, n: number, shrinkOnClose = true): Promise<PhotonDB<string, string>> {
  const db = await open<string, string>('/db', { fileSystem: fs, ...utf8, shrinkOnClose });
  await db.createTable('side');
  await db.createTable('big');
  for (let i = 0; i < n; i += 100) {
    await db.batch(Array.from({ length: 100 }, (_, j) => ({ type: 'put' as const, key: key(i + j), value: 'v'.repeat(60) + (i + j) })));
    // Values of several pages (overflow chains) spread through the file.
    await db.table('big').set(key(i), String(i).repeat(3000));
  }
  await db.table('side').set('s', 'side value');
  await db.checkpoint();
  for (let i = 0; i < n; i += 100) {
    await db.batch(Array.from({ length: 90 }, (_, j) => ({ type: 'del' as const, key: key(i + j) })));
    if ((i / 100) % 2 === 1) await db.table('big').delete(key(i));
  }
  return db;
}

function remaining(n: number): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < n; i++) if (i % 100 >= 90) m.set(key(i), 'v'.repeat(60) + i);
  return m;
}

function bigRemaining(n: number): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < n; i += 100) if ((i / 100) % 2 === 0) m.set(key(i), String(i).repeat(3000));
  return m;
}

function fileSize(fs: MemoryFileSystem | SimulatedFileSystem): number {
  const file = fs.openDirectory('/db').openFile('data.photon', { readOnly: true });
  try {
    return file.sizeBytes();
  } finally {
    file.close();
  }
}

async function expectIntact(fs: MemoryFileSystem | SimulatedFileSystem, n: number): Promise<void> {
  const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
  expect(new Map(db.scan())).toEqual(remaining(n));
  expect(new Map(db.table('big').scan())).toEqual(bigRemaining(n));
  expect(await db.table('side').get('s')).toBe('side value');
  expect(db.verify()).toEqual([]);
  await db.close();
}

describe('shrink on close', () => {
  it('truncates the free end of the file on close and keeps every table intact', async () => {
    const fs = new MemoryFileSystem();
    const db = await filled(fs, 4000);
    await db.checkpoint();
    const before = db.stats();
    expect(before.freePages).toBeGreaterThan(before.pageCount / 2);
    await db.close();
    const after = fileSize(fs);
    // What is left: the pages in use, plus the slack the move keeps below its limit.
    const inUse = before.pageCount - before.freePages;
    expect(after).toBeLessThan(before.pageCount * 4096 * 0.6);
    expect(after).toBeLessThanOrEqual(Math.ceil(inUse * 1.05 + 24) * 4096);
    await expectIntact(fs, 4000);
    // A second close with little free space leaves the file alone.
    const again = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
    await again.set('one', 'more');
    await again.close();
    expect(fileSize(fs)).toBeLessThanOrEqual(after + 4 * 4096);
  });

  it('keeps the file as it is with shrinkOnClose: false', async () => {
    const fs = new MemoryFileSystem();
    const db = await filled(fs, 3000, false);
    await db.checkpoint();
    const pages = db.stats().pageCount;
    await db.close();
    expect(fileSize(fs)).toBeGreaterThanOrEqual(pages * 4096);
    await expectIntact(fs, 3000);
  });

  it('rejects a shrinkOnClose that is not a boolean before creating anything', async () => {
    const fs = new MemoryFileSystem();
    await expectCode('INVALID_ARGUMENT', () => open('/db', { fileSystem: fs, shrinkOnClose: 'yes' as unknown as boolean }));
    expect(fs.openDirectory('/', {}).list()).not.toContain('db');
  });

  it('leaves every acknowledged commit after a crash at any I/O step of a shrinking close', async () => {
    const base = new SimulatedFileSystem({ seed: 7 });
    const setup = await filled(base, 2000, false);
    await setup.close();
    const unshrunk = fileSize(base);
    const probe = base.crash({ seed: 1, damage: 'drop' });
    const counter = await open<string, string>('/db', { fileSystem: probe, ...utf8 });
    const start = probe.opCount;
    await counter.close();
    const steps = probe.opCount - start;
    expect(fileSize(probe)).toBeLessThan(unshrunk * 0.7);
    const problems: string[] = [];
    for (let k = 1; k <= steps; k++) {
      for (const damage of ['drop', 'torn'] as CrashDamage[]) {
        const fs = base.crash({ seed: k, damage: 'drop' });
        const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
        fs.crashAtOp(k);
        await db.close().catch(() => {});
        const after = fs.crash({ seed: k, damage });
        try {
          const reopened = await open<string, string>('/db', { fileSystem: after, ...utf8 });
          if (JSON.stringify([...reopened.scan()]) !== JSON.stringify([...remaining(2000)].sort())) problems.push(`step ${k} ${damage}: contents differ`);
          if (JSON.stringify([...reopened.table('big').scan()]) !== JSON.stringify([...bigRemaining(2000)].sort())) problems.push(`step ${k} ${damage}: table big differs`);
          if ((await reopened.table('side').get('s')) !== 'side value') problems.push(`step ${k} ${damage}: table side lost`);
          const v = reopened.verify();
          if (v.length > 0) problems.push(`step ${k} ${damage}: verify ${v[0].message}`);
          await reopened.close();
        } catch (e) {
          problems.push(`step ${k} ${damage}: reopen failed: ${(e as Error).message}`);
        }
      }
    }
    expect(steps).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  }, 120_000);
});
