/**
 * The process lock on real files (TESTING.md R9), with real child processes: a second holder gets
 * LOCKED naming the holder's pid; a lock left by a process killed with SIGKILL is stale and taken
 * over; a foreign host's lock is respected; racing children produce exactly one winner.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectCode } from '@photondb/contracts/testing';
import { NodeFileSystem, acquireLock, encodeLockFile, isProcessAlive } from '@photondb/io';

const ROOT = resolve(__dirname, '../../..');
const CHILD = join(__dirname, 'helpers', 'lock-holder.ts');
const roots: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'photondb-lock-'));
  roots.push(dir);
  return dir;
}

/** Starts a child that takes the lock on `dir`; resolves with its first output line. */
function holder(dir: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) done({ child, line: out.slice(0, nl) });
    });
    child.on('exit', (code) => {
      if (!out.includes('\n')) fail(new Error(`lock child exited with ${String(code)} before answering`));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.on('exit', () => done());
    child.kill('SIGKILL');
  });
}

afterAll(async () => {
  await Promise.all(children.map(killed));
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe('NodeFileSystem lock', () => {
  it('writes a 0o600 lock file with the pid and host, and removes it on release', () => {
    const dir = tempDir();
    const lock = new NodeFileSystem().openDirectory(dir).lock();
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);
    expect(statSync(join(dir, 'LOCK')).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    lock.release();
  });

  it('refuses a second lock of the same real path in this process, whatever path spelling', async () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    await expectCode('LOCKED', () => acquireLock(`${dir}/./`));
    try {
      acquireLock(dir);
    } catch (e) {
      expect((e as { pid?: number }).pid).toBe(process.pid);
    }
    lock.release();
    acquireLock(dir, 'OTHER').release();
  });

  it('refuses a lock held by a live child process, naming its pid', async () => {
    const dir = tempDir();
    const { child, line } = await holder(dir);
    expect(line).toBe(`held ${child.pid}`);
    let error: unknown;
    try {
      acquireLock(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'LOCKED', pid: child.pid });
    const second = await holder(dir);
    expect(second.line).toBe(`locked ${child.pid}`);
    await killed(child);
  });

  it('takes over a lock whose holder was killed with SIGKILL', async () => {
    const dir = tempDir();
    const { child, line } = await holder(dir);
    expect(line).toBe(`held ${child.pid}`);
    await killed(child);
    expect(isProcessAlive(child.pid as number)).toBe(false);
    const lock = acquireLock(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);
    lock.release();
  });

  it('lets exactly one of several racing child processes win', async () => {
    const dir = tempDir();
    const lines = (await Promise.all([1, 2, 3, 4].map(() => holder(dir)))).map((r) => r.line);
    expect(lines.filter((l) => l.startsWith('held')).length).toBe(1);
    expect(lines.filter((l) => l.startsWith('locked')).length).toBe(3);
  });

  it('breaks a stale lock file naming a dead pid, and an unparsable one', () => {
    const dir = tempDir();
    let dead = 999_999;
    while (isProcessAlive(dead)) dead--;
    writeFileSync(join(dir, 'LOCK'), encodeLockFile({ pid: dead, host: hostname() }));
    acquireLock(dir).release();
    writeFileSync(join(dir, 'LOCK'), new Uint8Array(9));
    acquireLock(dir).release();
    writeFileSync(join(dir, 'LOCK'), encodeLockFile({ pid: process.pid, host: hostname() }));
    acquireLock(dir).release();
  });

  it('respects a lock of another host and one of a live pid it cannot signal', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'LOCK'), encodeLockFile({ pid: 12345, host: `not-${hostname()}` }));
    await expectCode('LOCKED', () => acquireLock(dir));
    rmSync(join(dir, 'LOCK'));
    writeFileSync(join(dir, 'LOCK'), encodeLockFile({ pid: 1, host: hostname() }));
    await expectCode('LOCKED', () => acquireLock(dir));
  });

  it('reports a missing directory as NOT_FOUND and a bad lock name as INVALID_ARGUMENT', async () => {
    await expectCode('NOT_FOUND', () => acquireLock(join(tempDir(), 'missing')));
    await expectCode('INVALID_ARGUMENT', () => acquireLock(tempDir(), '../LOCK'));
  });
});
