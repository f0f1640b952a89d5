/** `photon` as a real process: exit codes, one-line errors, --json output, the demo end to end. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { APP_DIR, cliCommand, runPhoton } from './helpers/cli-process.js';
import { seedDatabase, tempDir } from './helpers/seed.js';

let db: string;

beforeAll(async () => {
  db = await seedDatabase(500);
});

describe('photon process', () => {
  it('exits 0 with parseable --json on read-only commands', async () => {
    const stat = await runPhoton(['stat', db, '--json']);
    expect(stat.code).toBe(0);
    expect(JSON.parse(stat.stdout).stats.entries).toBe(503);
    const pages = await runPhoton(['pages', db, '--json']);
    expect(JSON.parse(pages.stdout).pages.length).toBeGreaterThan(0);
    const check = await runPhoton(['check', db, '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).ok).toBe(true);
  });

  it('exits 2 with one line and no stack for a usage mistake', async () => {
    const r = await runPhoton(['stat', db, '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("photon stat: unknown option '--frob' (see photon stat --help)\n");
  });

  it('exits 1 with one line and no stack for a missing database; --debug adds the stack', async () => {
    const missing = join(tempDir(), 'nope');
    const r = await runPhoton(['stat', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^photon stat: NOT_FOUND: [^\n]*\n$/);
    const debug = await runPhoton(['stat', missing, '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('runs the demo end to end: load, queries, transaction, crash and recovery, stats', async () => {
    const dir = join(tempDir(), 'demo');
    const r = await runPhoton(['demo', '--dir', dir, '--rows', '3000'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Loading 3,000 JSON documents (600 users, 2,400 orders)');
    expect(r.stdout).toMatch(/get\("user:000042"\)/);
    expect(r.stdout).toContain('the second got CONFLICT');
    expect(r.stdout).toMatch(/killed it with SIGKILL/);
    expect(r.stdout).toMatch(/cleanShutdown=false, replayed [1-9]\d* log records/);
    expect(r.stdout).toMatch(/all 25 acknowledged commits are there/);
    expect(r.stdout).toContain('verify(): no problems');
    expect(existsSync(join(dir, 'data.photon'))).toBe(true);
    const wal = await runPhoton(['wal', dir, '--json', '--limit', '0']);
    expect(wal.code).toBe(0);
    expect(Array.isArray(JSON.parse(wal.stdout).records)).toBe(true);
  });

  it('serves on 127.0.0.1 and stops cleanly on SIGINT', async () => {
    const [cmd, ...prefix] = cliCommand();
    const child = spawn(cmd, [...prefix, 'serve', db, '--port', '0'], { cwd: APP_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    let url = '';
    for await (const line of lines) {
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (m) {
        url = m[1];
        break;
      }
    }
    const info = (await (await fetch(url + 'api/info')).json()) as { tables: string[] };
    expect(info.tables).toEqual(['default', 'events']);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('load stops on Ctrl-C (SIGINT), keeping exactly the committed batches, and exits 130', async () => {
    const target = join(tempDir(), 'interrupted');
    const [cmd, ...prefix] = cliCommand();
    const child = spawn(cmd, [...prefix, 'load', target, '-', '--batch', '10'], { cwd: APP_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 25; i++) child.stdin.write(JSON.stringify({ key: `k${i}`, value: i }) + '\n');
    // stdin stays open: the command is waiting for more input when the signal arrives.
    while (!existsSync(join(target, 'data.photon'))) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const m = /cancelled: (\d+) rows in (\d+) batches were committed; the batch in progress was not/.exec(stderr);
    expect(m).not.toBeNull();
    const committed = Number(m![1]);
    expect(committed % 10).toBe(0);
    const dump = await runPhoton(['dump', target]);
    expect(dump.stdout.split('\n').filter(Boolean)).toHaveLength(committed);
  });
});
