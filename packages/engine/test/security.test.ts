/**
 * R10, security (../shared/TESTING.md): the files of a database are private to their owner
 * whatever the umask, keys named `__proto__` are ordinary keys, nothing touches
 * `Object.prototype`, and the engine runs where code generation from strings is forbidden.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { open } from '@photondb/engine';
import { reportFigure } from './helpers/report.js';

const ROOT = resolve(__dirname, '../../..');

/** Path -> [permission bits, the bits a PhotonDB file or directory must have]. */
function modes(dir: string, out: Map<string, [number, number]> = new Map()): Map<string, [number, number]> {
  out.set(dir, [statSync(dir).mode & 0o777, 0o700]);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) modes(p, out);
    else out.set(p, [s.mode & 0o777, 0o600]);
  }
  return out;
}

describe('R10: security', () => {
  it('creates files 0600 and directories 0700 even under umask 000', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-r10-'));
    const old = process.umask(0);
    try {
      const db = await open(join(dir, 'db'), { createIfMissing: true });
      await db.set(Buffer.from('k'), Buffer.from('v'));
      const whileOpen = modes(join(dir, 'db'));
      await db.close();
      const wrong = [...whileOpen, ...modes(join(dir, 'db'))].filter(([, [mode, want]]) => mode !== want);
      reportFigure({ id: 'R10', what: 'file and directory modes under umask 000', tried: whileOpen.size, failed: wrong.length });
      expect(wrong.map(([p, [mode]]) => `${p.slice(dir.length)} ${mode.toString(8)}`)).toEqual([]);
    } finally {
      process.umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores __proto__ keys as own keys and leaves Object.prototype untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-r10-'));
    try {
      for (const valueEncoding of ['json', 'datum'] as const) {
        const db = await open<string, unknown>(join(dir, valueEncoding), { createIfMissing: true, keyEncoding: 'utf8', valueEncoding });
        const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "a": 1}') as Record<string, unknown>;
        await db.set('__proto__', hostile);
        const back = (await db.get('__proto__')) as Record<string, unknown>;
        expect(Object.keys(back).sort()).toEqual(['__proto__', 'a', 'constructor']);
        expect(Object.prototype.hasOwnProperty.call(back, '__proto__')).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect([...db.scan()].map(([k]) => k)).toEqual(['__proto__']);
        await db.close();
      }
      reportFigure({ id: 'R10', what: '__proto__ keys and values', tried: 2, failed: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a workload under --disallow-code-generation-from-strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-r10-'));
    try {
      const script = `
        import { open } from '@photondb/engine';
        import { time } from '@photondb/datum';
        const db = await open(${JSON.stringify(join(dir, 'db'))}, { createIfMissing: true, keyEncoding: 'utf8', valueEncoding: 'datum' });
        for (let i = 0; i < 200; i++) await db.set('k' + i, { i, tags: ['a', 'b'], at: time(0) });
        let n = 0; for (const _ of db.scan()) n++;
        await db.close();
        console.log('entries ' + n);`;
      const file = join(dir, 'workload.mts');
      writeFileSync(file, script);
      const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--tsconfig', join(ROOT, 'tsconfig.typecheck.json'), file], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '--disallow-code-generation-from-strings' },
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('entries 200');
      reportFigure({ id: 'R10', what: 'no code generation from strings', tried: 1, failed: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
