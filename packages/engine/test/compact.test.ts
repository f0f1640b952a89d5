/**
 * compact(): the file shrinks to what the data needs, every table's data is intact, readers that
 * began before keep their view, commits that arrive meanwhile land, aborting changes nothing, and
 * a crash at any I/O step of a compaction leaves a database with every acknowledged commit.
 */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem, SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';

const utf8 = { keyEncoding: 'utf8', valueEncoding: 'utf8', pageSizeBytes: 4096 } as const;
const key = (i: number): string => `key${String(i).padStart(5, '0')}`;

async function filled(fs: MemoryFileSystem | SimulatedFileSystem, n: number): Promise<PhotonDB<string, string>> {
  const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
  await db.createTable('side');
  for (let i = 0; i < n; i += 100) {
    await db.batch(Array.from({ length: 100 }, (_, j) => ({ type: 'put' as const, key: key(i + j), value: 'v'.repeat(60) + (i + j) })));
  }
  await db.table('side').set('s', 'side value');
  await db.checkpoint(); // the file grows to hold all of it
  // Delete most of it so that the file is mostly free pages.
  for (let i = 0; i < n; i += 100) {
    await db.batch(Array.from({ length: 90 }, (_, j) => ({ type: 'del' as const, key: key(i + j) })));
  }
  return db;
}

function remaining(n: number): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < n; i++) if (i % 100 >= 90) m.set(key(i), 'v'.repeat(60) + i);
  return m;
}

describe('compact', () => {
  it('shrinks the file to what the data needs and keeps every table intact, across a reopen', async () => {
    const fs = new MemoryFileSystem();
    const db = await filled(fs, 3000);
    await db.checkpoint();
    const report = await db.compact();
    expect(report.pagesAfter).toBeLessThan(report.pagesBefore / 2);
    expect(new Map(db.scan())).toEqual(remaining(3000));
    expect(await db.table('side').get('s')).toBe('side value');
    expect(db.verify()).toEqual([]);
    await db.set('after', 'compaction');
    await db.close();
    const again = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
    expect(again.count()).toBe(remaining(3000).size + 1);
    expect(await again.get('after')).toBe('compaction');
    expect(await again.table('side').get('s')).toBe('side value');
    expect(again.stats().pageCount).toBeLessThan(report.pagesBefore / 2); // the smaller file is the one reopened
    expect(again.verify()).toEqual([]);
    await again.close();
  });

  it('lets a snapshot taken before keep reading the old file, and applies commits that arrive meanwhile', async () => {
    const fs = new MemoryFileSystem();
    const db = await filled(fs, 2000);
    const snap = db.snapshot();
    const it = db.iterator();
    const first = it.next();
    const compacting = db.compact();
    const writing = db.set('during', 'yes');
    await Promise.all([compacting, writing]);
    expect(await db.get('during')).toBe('yes');
    expect(await snap.get('during')).toBeUndefined();
    expect(new Map(snap.scan())).toEqual(remaining(2000));
    const rest = [first!];
    for (let e = it.next(); e !== undefined; e = it.next()) rest.push(e);
    it.close();
    expect(rest.length).toBe(remaining(2000).size);
    snap.release();
    expect(db.verify()).toEqual([]);
    await db.close();
  });

  it('changes nothing when aborted, and reports progress per table', async () => {
    const fs = new MemoryFileSystem();
    const db = await filled(fs, 1000);
    const controller = new AbortController();
    controller.abort();
    await expectCode('ABORTED', () => db.compact({ signal: controller.signal }));
    expect(fs.openDirectory('/db').exists('data.photon.compact')).toBe(false);
    const phases: string[] = [];
    await db.compact({ onProgress: (p) => phases.push(`${p.phase}:${p.table}`) });
    expect(phases).toEqual(['copy:default', 'copy:side', 'done:']);
    await expectCode('INVALID_ARGUMENT', () => db.compact({ signal: 'stop' } as never));
    await db.close();
    const ro = await open('/db', { fileSystem: fs, readOnly: true });
    await expectCode('READ_ONLY', () => ro.compact());
    await ro.close();
  });

  it('leaves a database holding every acknowledged commit after a crash at any I/O step of a compaction', async () => {
    const base = new SimulatedFileSystem({ seed: 11 });
    const setup = await filled(base, 600);
    await setup.close();
    const probe = base.crash({ seed: 1, damage: 'drop' });
    const counter = await open<string, string>('/db', { fileSystem: probe, ...utf8 });
    const start = probe.opCount;
    await counter.compact();
    const steps = probe.opCount - start;
    await counter.close();
    const problems: string[] = [];
    for (let k = 1; k <= steps; k++) {
      for (const damage of ['drop', 'torn'] as CrashDamage[]) {
        const fs = base.crash({ seed: k, damage: 'drop' });
        const db = await open<string, string>('/db', { fileSystem: fs, ...utf8 });
        fs.crashAtOp(k);
        await db.compact().catch(() => {});
        const after = fs.crash({ seed: k, damage });
        try {
          const reopened = await open<string, string>('/db', { fileSystem: after, ...utf8 });
          const same = JSON.stringify([...reopened.scan()]) === JSON.stringify([...remaining(600)].sort());
          if (!same) problems.push(`step ${k} ${damage}: contents differ`);
          if ((await reopened.table('side').get('s')) !== 'side value') problems.push(`step ${k} ${damage}: table side lost`);
          const v = reopened.verify();
          if (v.length > 0) problems.push(`step ${k} ${damage}: verify ${v[0].message}`);
          if (after.openDirectory('/db').exists('data.photon.compact')) problems.push(`step ${k} ${damage}: left-over file not removed`);
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
