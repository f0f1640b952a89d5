/** The REPL: its session as a function, and the real shell driven through stdin. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/open-database.js';
import type { RawDB } from '../src/open-database.js';
import { ReplSession } from '../src/repl-session.js';
import { completeLine } from '../src/commands/repl.js';
import { keyPath } from '../src/inspect.js';
import { runPhoton } from './helpers/cli-process.js';
import { seedDatabase, tempDir } from './helpers/seed.js';

let dir: string;
let db: RawDB;
let s: ReplSession;

beforeAll(async () => {
  dir = await seedDatabase(600);
  db = await openDatabase(dir);
  s = new ReplSession(db);
});

afterAll(async () => {
  s.close();
  await db.close();
});

describe('REPL session', () => {
  it('puts, gets and deletes JSON documents with the datum encoding', async () => {
    expect(await s.execute('put "my key" {"name": "Ada", "tags": ["x", "y"]}')).toBe('ok\n');
    expect(await s.execute('get "my key"')).toBe('{"name":"Ada","tags":["x","y"]}\n');
    expect(await s.execute('del "my key"')).toBe('ok\n');
    expect(await s.execute('get "my key"')).toBe('(not found)\n');
    expect(await s.execute('put note remember the milk')).toBe('ok\n');
    expect(await s.execute('get note')).toBe('remember the milk\n');
    await s.execute('del note');
  });

  it('scans ranges, prefixes, in reverse and with a limit', async () => {
    const out = await s.execute('scan prefix=user: limit=2 reverse');
    expect(out).toMatch(/user:000120[\s\S]*user:000119/);
    expect(out).toContain('(2 entries)');
    const range = await s.execute('scan user:000010 user:000013');
    expect(range).toContain('(3 entries)');
    expect(await s.execute('count prefix=user:')).toBe('120\n');
    expect(await s.execute('count')).toBe('600\n');
  });

  it('prints JSON lines in json mode', async () => {
    await s.execute('.mode json');
    const out = await s.execute('scan prefix=user:00000 limit=2');
    const rows = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.key)).toEqual(['user:000001', 'user:000002']);
    expect(rows[0].value.id).toBe(1);
    await s.execute('.mode table');
  });

  it('buffers writes in a transaction until commit and drops them on rollback', async () => {
    await s.execute('begin');
    expect(s.prompt()).toBe('photon (tx)> ');
    expect(await s.execute('put t1 1')).toBe('ok (in transaction)\n');
    expect(await s.execute('get t1')).toBe('1\n');
    await s.execute('rollback');
    expect(await s.execute('get t1')).toBe('(not found)\n');
    await s.execute('begin');
    await s.execute('put t1 2');
    expect(await s.execute('commit')).toBe('committed\n');
    expect(await s.execute('get t1')).toBe('2\n');
    await expect(s.execute('commit')).rejects.toThrow(/no transaction is open/);
  });

  it('lists tables and switches between them', async () => {
    const tables = await s.execute('tables');
    expect(tables).toMatch(/default\s+601/);
    expect(tables).toMatch(/events\s+3/);
    await s.execute('use events');
    expect(s.prompt()).toBe('photon:events> ');
    expect(await s.execute('count')).toBe('3\n');
    await s.execute('use default');
    await expect(s.execute('use nope')).rejects.toThrow(/no table named "nope"/);
  });

  it('shows the lookup path of a key as the B-tree reports it', async () => {
    await s.execute('.mode json');
    const shown = JSON.parse(await s.execute('.path user:000042'));
    await s.execute('.mode table');
    expect(shown).toEqual(keyPath(db, 'default', new TextEncoder().encode('user:000042')));
    expect(shown.length).toBeGreaterThanOrEqual(2);
  });

  it('runs the inspection dot-commands', async () => {
    expect(await s.execute('.stats')).toMatch(/entries:/);
    expect(await s.execute('.tree')).toMatch(/^table default: 601 entries, depth \d+\nlevel 0 \(1 /);
    expect(await s.execute('.page 2')).toMatch(/checksumOk:\s+true[\s\S]*00000000 /);
    expect(await s.execute('.check')).toBe('ok: no problems found\n');
    expect(await s.execute('.checkpoint')).toMatch(/^checkpoint done at LSN \d+\n$/);
  });

  it('switches encodings and the timer', async () => {
    await s.execute('.encoding hex');
    expect(await s.execute('put 6869 ffee')).toBe('ok\n');
    expect(await s.execute('get 6869')).toBe('ffee\n');
    await s.execute('.encoding utf8');
    expect(await s.execute('put greeting hello world')).toBe('ok\n');
    expect(await s.execute('get greeting')).toBe('hello world\n');
    await s.execute('.encoding datum');
    await s.execute('.timer on');
    expect(await s.execute('get greeting')).toMatch(/^hello world\n\(\d+\.\d+ ms\)\n$/);
    await s.execute('.timer off');
    await expect(s.execute('.encoding klingon')).rejects.toThrow(/usage: .encoding utf8\|hex\|json\|datum/);
  });

  it('exports and imports JSON Lines', async () => {
    const scratch = tempDir();
    try {
      await s.execute('use events');
      const file = join(scratch, 'events.jsonl');
      expect(await s.execute(`.export ${file}`)).toBe(`exported 3 rows to ${file}\n`);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
      writeFileSync(file, '{"key":"event:9","value":{"kind":"logout"}}\n');
      expect(await s.execute(`.import ${file}`)).toBe('imported 1 rows in 1 batch(es)\n');
      expect(await s.execute('get event:9')).toBe('{"kind":"logout"}\n');
      await s.execute('use default');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('completes commands, dot-commands and keys', () => {
    expect(completeLine(s, 'sc')).toEqual([['scan'], 'sc']);
    expect(completeLine(s, '.pa')[0]).toEqual(['.path', '.page']);
    expect(completeLine(s, 'get user:00001')[0]).toContain('user:000010');
    expect(completeLine(s, '.encoding d')[0]).toEqual(['datum']);
  });

  it('rejects unknown commands with a hint', async () => {
    await expect(s.execute('frob')).rejects.toThrow(/unknown command "frob"; type .help/);
    expect(await s.execute('.help')).toContain('.path');
  });
});

describe('photon repl driven through stdin', () => {
  it('runs piped lines in order, reports errors as one line and keeps going', async () => {
    const target = join(tempDir(), 'repl-db');
    const input = ['put a {"n": 1}', 'put b {"n": 2}', 'get a', 'bogus', 'begin', 'put c 3', 'commit', '.mode json', 'scan', 'count', '.exit', ''].join('\n');
    const r = await runPhoton(['repl', target], { input });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('{"n":1}');
    expect(r.stdout).toContain('error: unknown command "bogus"; type .help');
    expect(r.stdout).toContain('committed');
    const jsonRows = r.stdout.split('\n').map((l) => l.replace(/^(photon[^>]*> )+/, '')).filter((l) => l.startsWith('{"key"'));
    expect(jsonRows.map((l) => JSON.parse(l).key)).toEqual(['a', 'b', 'c']);
    expect(r.stdout).toMatch(/\b3\n/);
    const again = await runPhoton(['repl', target], { input: 'count\n' });
    expect(again.stdout).toMatch(/3\n/);
  });
});
