/**
 * The command handlers as functions (runCli in-process with a captured context) on real
 * databases written through the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, openSync, readSync, writeFileSync, writeSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open } from '@photondb/engine';
import { EXIT } from '../src/exit-codes.js';
import { importJsonLines } from '../src/json-lines.js';
import { runCli } from '../src/main.js';
import { openDatabase } from '../src/open-database.js';
import { WORKLOADS } from '../src/commands/bench.js';
import { captureContext } from './helpers/context.js';
import { seedDatabase, tempDir } from './helpers/seed.js';

const ROWS = 2000;
let db: string;
let scratch: string;

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const ctx = captureContext();
  const code = await runCli(argv, ctx);
  return { code, out: ctx.stdout.text(), err: ctx.stderr.text() };
}

beforeAll(async () => {
  db = await seedDatabase(ROWS);
  scratch = tempDir('photon-scratch-');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('stat', () => {
  it('reports entries, tables and files as JSON', async () => {
    const r = await cli(['stat', db, '--json']);
    expect(r.code).toBe(EXIT.OK);
    const report = JSON.parse(r.out);
    expect(report.stats.entries).toBe(ROWS + 3);
    expect(report.tables.map((t: { name: string }) => t.name)).toEqual(['default', 'events']);
    expect(report.tables[0].entries).toBe(ROWS);
    expect(report.files.dataFileBytes).toBeGreaterThan(0);
    expect(report.recovery.cleanShutdown).toBe(true);
  });

  it('prints a readable summary', async () => {
    const r = await cli(['stat', db]);
    expect(r.out).toMatch(/entries:\s+2,003/);
    expect(r.out).toContain('clean shutdown');
    expect(r.out).toMatch(/events\s+3/);
  });

  it('fails with one line and NOT_FOUND for a missing database', async () => {
    const r = await cli(['stat', join(scratch, 'missing')]);
    expect(r.code).toBe(EXIT.FAILED);
    expect(r.err).toMatch(/^photon stat: NOT_FOUND: .*\n$/);
  });
});

describe('pages and page', () => {
  it('lists every page with a type and a good checksum', async () => {
    const r = await cli(['pages', db, '--json']);
    expect(r.code).toBe(EXIT.OK);
    const { pageCount, pages } = JSON.parse(r.out);
    expect(pages).toHaveLength(pageCount);
    expect(pageCount).toBeGreaterThan(3);
    for (const p of pages) {
      expect(typeof p.type).toBe('string');
      expect(p.checksumOk).toBe(true);
      expect(p.fill).toBeGreaterThanOrEqual(0);
      expect(p.fill).toBeLessThanOrEqual(1);
    }
    const text = await cli(['pages', db, '--limit', '3']);
    expect(text.out).toContain(`showing 3 of ${pageCount}`);
  });

  it('shows one page with its header and all its bytes', async () => {
    const r = await cli(['page', db, '2', '--json']);
    expect(r.code).toBe(EXIT.OK);
    const page = JSON.parse(r.out);
    expect(page.id).toBe(2);
    expect(page.hex).toHaveLength(4096 * 2);
    const text = await cli(['page', db, '2', '--bytes', '32']);
    expect(text.out).toMatch(/^00000000 {2}[0-9a-f]{2} /m);
  });

  it('rejects a page id outside the file as a usage error', async () => {
    const r = await cli(['page', db, '999999']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.err).toMatch(/page id must be a whole number from 0 to \d+/);
  });
});

describe('check', () => {
  it('exits 0 on a sound database', async () => {
    const r = await cli(['check', db]);
    expect(r.code).toBe(EXIT.OK);
    expect(r.out).toBe('ok: no problems found\n');
    expect(JSON.parse((await cli(['check', db, '--json'])).out)).toEqual({ ok: true, problems: [] });
  });

  it('exits 1 and lists the problem when a page is damaged', async () => {
    const copy = join(scratch, 'damaged');
    cpSync(db, copy, { recursive: true });
    const file = join(copy, 'data.photon');
    const fd = openSync(file, 'r+');
    try {
      for (const page of [2, 3, 4]) {
        const at = page * 4096 + 200;
        const b = Buffer.alloc(1);
        readSync(fd, b, 0, 1, at);
        b[0] ^= 0xff;
        writeSync(fd, b, 0, 1, at);
      }
    } finally {
      closeSync(fd);
    }
    const r = await cli(['check', copy, '--json']);
    expect(r.code).toBe(EXIT.FAILED);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });
});

describe('dump and load', () => {
  it('round-trips a database through JSON Lines', async () => {
    const dumped = await cli(['dump', db]);
    expect(dumped.code).toBe(EXIT.OK);
    const lines = dumped.out.trim().split('\n');
    expect(lines).toHaveLength(ROWS);
    expect(JSON.parse(lines[0]).key).toBe('order:0000001');
    const file = join(scratch, 'dump.jsonl');
    writeFileSync(file, dumped.out);
    const target = join(scratch, 'loaded');
    const loaded = await cli(['load', target, file, '--batch', '300']);
    expect(loaded.code).toBe(EXIT.OK);
    expect(loaded.out).toMatch(/loaded 2,000 rows in 7 batches/);
    expect((await cli(['dump', target])).out).toBe(dumped.out);
  });

  it('dumps a range of a table with a limit and in reverse', async () => {
    const r = await cli(['dump', db, '--prefix', 'user:', '--limit', '2', '--reverse']);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l).key)).toEqual(['user:000400', 'user:000399']);
    const t = await cli(['dump', db, '--table', 'events']);
    expect(t.out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([1, 2, 3].map((n) => ({ key: `event:${n}`, value: { kind: 'login', n }, table: 'events' })));
  });

  it('loads rows into named tables, creating them', async () => {
    const file = join(scratch, 'tables.jsonl');
    writeFileSync(file, '{"key":"a","value":1,"table":"t1"}\n\n{"key":"b","value":{"$hex":"00ff"}}\n{"key":"a","delete":true,"table":"t1"}\n');
    const target = join(scratch, 'tables');
    const r = await cli(['load', target, file]);
    expect(r.code).toBe(EXIT.OK);
    expect(r.out).toContain('created tables t1');
    const back = await cli(['dump', target]);
    expect(JSON.parse(back.out)).toEqual({ key: 'b', value: { $hex: '00ff' } });
    expect((await cli(['dump', target, '--table', 't1'])).out).toBe('');
  });

  it('names the line of a malformed row and exits 2', async () => {
    const file = join(scratch, 'bad.jsonl');
    writeFileSync(file, '{"key":"a","value":1}\n{"key":"a",\n');
    const r = await cli(['load', join(scratch, 'bad-db'), file]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.err).toMatch(/line 2 is not valid JSON/);
  });

  it('stops cleanly between batches when its signal aborts, keeping earlier batches', async () => {
    const file = join(scratch, 'many.jsonl');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => JSON.stringify({ key: `k${String(i).padStart(4, '0')}`, value: i })).join('\n') + '\n');
    const target = join(scratch, 'aborted');
    const controller = new AbortController();
    const raw = await openDatabase(target, { create: true });
    try {
      const { createReadStream } = await import('node:fs');
      const result = await importJsonLines(raw, createReadStream(file), {
        keyFormat: 'utf8',
        valueFormat: 'datum',
        batchRows: 100,
        signal: controller.signal,
        onProgress: (rows) => {
          if (rows >= 300) controller.abort();
        },
      });
      expect(result).toMatchObject({ rows: 300, batches: 3, cancelled: true });
      expect(raw.count()).toBe(300);
    } finally {
      await raw.close();
    }
  });
});

describe('compact, wal and bench', () => {
  it('compacts the page file and reports the sizes before and after, keeping every entry', async () => {
    const before = await cli(['stat', db, '--json']);
    const r = await cli(['compact', db]);
    expect(r.code).toBe(EXIT.OK);
    expect(r.out).toMatch(/^compacted: .+ -> .+ \([\d,]+ -> [\d,]+ pages\)\n$/);
    const after = await cli(['stat', db, '--json']);
    expect(JSON.parse(after.out).entries).toBe(JSON.parse(before.out).entries);
    expect((await cli(['check', db])).code).toBe(EXIT.OK);
  });

  it('lists the log as JSON', async () => {
    const r = await cli(['wal', db, '--json', '--limit', '0']);
    expect(r.code).toBe(EXIT.OK);
    const report = JSON.parse(r.out);
    expect(Array.isArray(report.segments)).toBe(true);
    expect(report.records.length).toBe(report.totalRecords);
  });

  it('runs every workload and reports ops/s, MB/s and latencies', async () => {
    const r = await cli(['bench', '--n', '300', '--json', '--dir', scratch]);
    expect(r.code).toBe(EXIT.OK);
    const { figures } = JSON.parse(r.out);
    expect(figures.map((f: { workload: string }) => f.workload)).toEqual([...WORKLOADS]);
    for (const f of figures) {
      expect(f.ops).toBeGreaterThan(0);
      expect(f.opsPerSec).toBeGreaterThan(0);
      expect(f.mbPerSec).toBeGreaterThan(0);
      expect(f.p99Us).toBeGreaterThanOrEqual(f.p50Us);
    }
    expect(figures.find((f: { workload: string }) => f.workload === 'fillsync').ops).toBe(30);
  });

  it('rejects an unknown workload', async () => {
    const r = await cli(['bench', '--workloads', 'fillseq,teleport']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.err).toMatch(/unknown workload "teleport"/);
  });
});

describe('locking', () => {
  it('reports LOCKED in one line when another handle holds the database', async () => {
    const held = await open(db);
    try {
      const r = await cli(['load', db, join(scratch, 'dump.jsonl')]);
      expect(r.code).toBe(EXIT.FAILED);
      expect(r.err).toMatch(/^photon load: LOCKED: /);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    } finally {
      await held.close();
    }
  });
});

