/**
 * NodeFileSystem beyond the contract suite: modes, symbolic links, file/directory mismatches,
 * and closing a handle while a sync is in flight.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCode } from '@photondb/contracts/testing';
import { NodeFileSystem } from '@photondb/io';

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'photondb-node-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe('NodeFileSystem', () => {
  it('creates files 0o600 and directories 0o700 even under umask 000', () => {
    const previous = process.umask(0);
    try {
      const root = tempDir();
      const fs = new NodeFileSystem();
      const dir = fs.openDirectory(join(root, 'db', 'deep'), { create: true });
      dir.openFile('data', { create: true }).close();
      dir.subdirectory('wal', { create: true });
      expect(statSync(join(root, 'db')).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'db', 'deep')).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'db', 'deep', 'wal')).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'db', 'deep', 'data')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('refuses to open a file through a symbolic link', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'target'), 'x');
    symlinkSync(join(root, 'target'), join(root, 'link'));
    const dir = new NodeFileSystem().openDirectory(root);
    await expectCode('IO', () => dir.openFile('link'));
  });

  it('reports a file opened as a directory and a directory opened or removed as a file as IO', async () => {
    const root = tempDir();
    const fs = new NodeFileSystem();
    const dir = fs.openDirectory(root);
    dir.openFile('f', { create: true }).close();
    mkdirSync(join(root, 'd'));
    await expectCode('IO', () => fs.openDirectory(join(root, 'f')));
    await expectCode('IO', () => dir.subdirectory('f'));
    await expectCode('IO', () => dir.openFile('d'));
    await expectCode('IO', () => dir.remove('d'));
    await expectCode('INVALID_ARGUMENT', () => fs.openDirectory(''));
  });

  it('refuses syncs of a read-only file with READ_ONLY, and negative positions with INVALID_ARGUMENT', async () => {
    const root = tempDir();
    const dir = new NodeFileSystem().openDirectory(root);
    dir.openFile('r', { create: true }).close();
    const f = dir.openFile('r', { readOnly: true });
    await expectCode('READ_ONLY', () => f.sync());
    await expectCode('READ_ONLY', () => f.datasyncSync());
    await expectCode('READ_ONLY', () => f.truncate(0));
    await expectCode('INVALID_ARGUMENT', () => f.read(-1, new Uint8Array(1)));
    f.close();
  });

  it('finishes a sync in flight when the handle is closed meanwhile', async () => {
    const root = tempDir();
    const f = new NodeFileSystem().openDirectory(root).openFile('s', { create: true });
    f.write(0, new Uint8Array(4096).fill(3));
    const pending = [f.sync(), f.datasync()];
    f.close();
    await Promise.all(pending);
    await expectCode('CLOSED', () => f.datasync());
  });

  it('appends after the existing end of a reopened file', () => {
    const root = tempDir();
    const dir = new NodeFileSystem().openDirectory(root);
    const a = dir.openAppend('log', { create: true });
    a.append(Uint8Array.of(1, 2));
    a.close();
    const b = dir.openAppend('log');
    b.append(Uint8Array.of(3));
    expect(b.sizeBytes()).toBe(3);
    b.close();
  });

  it('reports existence of paths, including files and missing parents', () => {
    const root = tempDir();
    const fs = new NodeFileSystem();
    fs.openDirectory(root).openFile('x', { create: true }).close();
    expect(fs.exists(join(root, 'x'))).toBe(true);
    expect(fs.exists(join(root, 'x', 'y'))).toBe(false);
    expect(fs.exists(join(root, 'nope', 'y'))).toBe(false);
  });
});
