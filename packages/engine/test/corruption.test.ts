/**
 * R5, corruption detection through the engine (../shared/TESTING.md): single bit flips anywhere in
 * a closed database's files (the page file and every log segment). Each flipped database is
 * opened, scanned, read key by key and verified. A flip must be detected (a typed error, or a
 * problem from `verify()`) or be harmless (the data read back is exactly the model, verify is
 * clean). Wrong data returned without any error is a failure.
 */
import { describe, expect, it } from '@jest/globals';
import { isPhotonError } from '@photondb/contracts';
import type { Directory, FileSystem } from '@photondb/contracts';
import { MemoryFileSystem } from '@photondb/io';
import { readAllBytes } from '@photondb/io/testing';
import { open } from '@photondb/engine';
import { OPTIONS, contents, enc, modelAfter, runSteps, sameMap, workload } from './helpers/steps.js';
import { prng } from './helpers/workload.js';
import { reportFigure, scaled } from './helpers/report.js';

type Files = [string, Uint8Array][];

function listFiles(dir: Directory, prefix = ''): Files {
  const out: Files = [];
  for (const name of dir.list()) {
    if (name === 'LOCK') continue;
    if (name === 'wal') out.push(...listFiles(dir.subdirectory('wal'), 'wal/'));
    else out.push([prefix + name, readAllBytes(dir.openFile(name, { readOnly: true }))]);
  }
  return out;
}

function materialize(files: Files): FileSystem {
  const fs = new MemoryFileSystem();
  const root = fs.openDirectory('/db', { create: true });
  const wal = root.subdirectory('wal', { create: true });
  for (const [name, bytes] of files) {
    const dir = name.startsWith('wal/') ? wal : root;
    const f = dir.openFile(name.replace('wal/', ''), { create: true });
    f.write(0, bytes);
    f.close();
  }
  return fs;
}

describe('R5: corruption detection', () => {
  it('detects every bit flip that would change what is read, or it is harmless', async () => {
    const flips = scaled(400);
    let detected = 0;
    let harmless = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 2; seed++) {
      const steps = workload(seed);
      const model = modelAfter(steps, steps.length);
      const source = new MemoryFileSystem();
      const db = await open('/db', { fileSystem: source, createIfMissing: true, ...OPTIONS });
      await runSteps(db, steps, { n: 0 });
      await db.close();
      const files = listFiles(source.openDirectory('/db'));
      const total = files.reduce((n, [, b]) => n + b.length, 0);
      const rand = prng(seed * 7);
      for (let i = 0; i < flips / 2; i++) {
        // Half the flips anywhere, half inside the bytes that are in use (not zero padding).
        let at = Math.floor(rand() * total);
        let file = 0;
        while (at >= files[file][1].length) at -= files[file++][1].length;
        const [name, bytes] = files[file];
        if (i % 2 === 1) {
          const used: number[] = [];
          for (let p = 0; p < bytes.length; p += 61) if (bytes[p] !== 0) used.push(p);
          if (used.length > 0) at = used[Math.floor(rand() * used.length)];
        }
        const bit = Math.floor(rand() * 8);
        const flipped: Files = files.map(([n, b]) => [n, n === name ? b.slice() : b]);
        flipped[file][1][at] ^= 1 << bit;
        const where = `seed ${seed}, ${name} byte ${at} bit ${bit}`;
        try {
          const reopened = await open('/db', { fileSystem: materialize(flipped), createIfMissing: false, ...OPTIONS });
          try {
            const state = await contents(reopened);
            for (const [k, v] of model) {
              const got = await reopened.get(enc(k));
              if (got === undefined || Buffer.from(got).toString() !== v) throw Object.assign(new Error(`get(${k}) returned wrong data`), { wrong: true });
            }
            const problems = reopened.verify();
            if (problems.length > 0) detected++;
            else if (sameMap(state, model)) harmless++;
            else failures.push(`${where}: read back wrong data and verify() saw nothing`);
          } finally {
            await reopened.close().catch(() => {});
          }
        } catch (e) {
          if (isPhotonError(e)) detected++;
          else failures.push(`${where}: ${(e as Error).message}`);
        }
      }
    }
    reportFigure({ id: 'R5', what: 'bit flips in a closed database', tried: flips, failed: failures.length, detail: `${detected} detected, ${harmless} harmless (unused bytes)` });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(detected).toBeGreaterThan(flips / 4);
  }, 300_000);
});
