/**
 * R7 for the log (TESTING.md): mutated and crafted log directories, each opened, read, appended
 * to and inspected in a Worker with a 256 MiB heap and a 2 s watchdog. Every one must end in
 * success or a typed PhotonError: no hang, no crash, no untyped exception. Mutations: bit flips,
 * lying lengths (2^31, 2^32 - 1, the file size), truncation, removed, duplicated and renumbered
 * segments, records moved between segments, headers with extreme LSNs and segment numbers and a
 * valid checksum, random and empty files.
 */
import { describe, expect, it } from '@jest/globals';
import { MemoryFileSystem, checksum } from '@photondb/io';
import { readAllBytes, reportFigure, runHostilePool, summarizeOutcomes } from '@photondb/io/testing';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WriteAheadLog, segmentFileName } from '../src/index.js';

type Files = [string, Uint8Array][];

const ROOT = resolve(__dirname, '../../..');
const url = (p: string): string => pathToFileURL(resolve(ROOT, p)).href;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = (async () => {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: workerData.tsconfig });
  return { wal: await import(workerData.wal), io: await import(workerData.io), contracts: await import(workerData.contracts) };
})();
parentPort.on('message', async ({ id, task }) => {
  const { wal, io, contracts } = await ready;
  let outcome;
  try {
    const fs = new io.MemoryFileSystem();
    const dir = fs.openDirectory('/log', { create: true });
    for (const [name, bytes] of task) {
      const f = dir.openFile(name, { create: true });
      f.write(0, bytes);
      f.close();
    }
    wal.inspectLog(dir);
    const log = wal.WriteAheadLog.open(dir, { segmentSizeBytes: 4096 });
    let n = 0;
    for (const r of log.read()) n += r.payload.length;
    log.append(1, new Uint8Array(100));
    await log.flush();
    await log.close();
    outcome = { kind: 'ok' };
  } catch (e) {
    outcome = contracts.isPhotonError(e) ? { kind: 'typed', detail: e.code } : { kind: 'untyped', detail: String((e && e.stack) || e) };
  }
  parentPort.postMessage({ id, outcome });
});
`;

function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

async function baseLog(seed: number): Promise<Files> {
  const rnd = prng(seed);
  const dir = new MemoryFileSystem().openDirectory('/log', { create: true });
  const log = WriteAheadLog.open(dir, { segmentSizeBytes: 4096, lock: false });
  const n = 5 + rnd(40);
  for (let i = 0; i < n; i++) {
    log.append(rnd(5), Uint8Array.from({ length: rnd(700) }, () => rnd(256)));
    if (rnd(3) === 0) await log.flush();
  }
  if (rnd(2) === 0) await log.close();
  else await log.flush({ sync: false });
  return dir
    .list()
    .filter((name) => name.endsWith('.wal'))
    .map((name) => [name, readAllBytes(dir.openFile(name, { readOnly: true }))] as [string, Uint8Array]);
}

const LIES = [0x8000_0000, 0xffff_ffff, 0x7fff_ffff, 4096, 4064, 1];

function mutate(files: Files, rnd: (n: number) => number): Files {
  const out: Files = files.map(([n, b]) => [n, b.slice()]);
  const pick = (): [string, Uint8Array] => out[rnd(out.length)];
  const kind = rnd(11);
  const [name, bytes] = pick();
  const view = new DataView(bytes.buffer);
  switch (kind) {
    case 0: // bit flips
      for (let i = 1 + rnd(8); i > 0; i--) bytes[rnd(bytes.length)] ^= 1 << rnd(8);
      break;
    case 1: // lying record length at a record-aligned offset
      if (bytes.length >= 520) view.setUint32(512 + 8 * rnd((bytes.length - 512) >> 3) + 4, LIES[rnd(LIES.length)], true);
      break;
    case 2: // truncate
      out[out.indexOf(out.find(([n]) => n === name)!)] = [name, bytes.subarray(0, rnd(bytes.length + 1))];
      break;
    case 3: // remove a segment
      if (out.length > 1) out.splice(rnd(out.length), 1);
      break;
    case 4: // duplicate a segment under the next free number
      out.push([segmentFileName(out.length + 1 + rnd(3)), bytes.slice()]);
      break;
    case 5: // extreme header fields with a valid header checksum
    {
      if (bytes.length < 48) break;
      const field = [16, 20, 24, 28][rnd(4)];
      view.setUint32(field, [0, 1, 0xffff_ffff, 0x20_0000, 0x1f_ffff][rnd(5)], true);
      view.setUint32(44, checksum(bytes.subarray(0, 44)), true);
      break;
    }
    case 6: // a record copied to another segment or place
    {
      const [, other] = pick();
      const from = 512 + 8 * rnd(64);
      const to = 512 + 8 * rnd(64);
      if (from + 64 <= bytes.length && to + 64 <= other.length) other.set(bytes.subarray(from, from + 64), to);
      break;
    }
    case 7: // random file with a segment's name
      out.push([segmentFileName(1 + rnd(4)), Uint8Array.from({ length: rnd(5000) }, () => rnd(256))]);
      break;
    case 8: // empty or header-short file
      out.push([segmentFileName(out.length + 1), new Uint8Array(rnd(48))]);
      break;
    case 9: // zero a sector
    {
      const s = 512 * rnd(Math.max(1, bytes.length >> 9));
      bytes.fill(0, s, s + 512);
      break;
    }
    default: // lying lengths in every record header of a segment
      for (let o = 512; o + 8 <= bytes.length; o += 8) if (rnd(16) === 0) view.setUint32(o + 4, LIES[rnd(LIES.length)], true);
  }
  return out;
}

describe('R7: hostile log directories', () => {
  it('ends every open in success or a typed error, in a Worker with a capped heap and a watchdog', async () => {
    const tasks: Files[] = [];
    const bases = await Promise.all(Array.from({ length: 20 }, (_, i) => baseLog(i + 1)));
    const rnd = prng(4242);
    for (let i = 0; i < 2000; i++) {
      let files = bases[i % bases.length];
      for (let m = 1 + rnd(3); m > 0; m--) files = mutate(files, rnd);
      tasks.push(files);
    }
    const outcomes = await runHostilePool({
      source: WORKER,
      workerData: {
        tsconfig: resolve(ROOT, 'tsconfig.typecheck.json'),
        wal: url('packages/wal/src/index.ts'),
        io: url('packages/io/src/index.ts'),
        contracts: url('packages/contracts/src/index.ts'),
      },
      tasks,
      timeoutMs: 2000,
      heapMb: 256,
    });
    const { counts, bad } = summarizeOutcomes(outcomes);
    reportFigure({ id: 'R7', what: 'hostile log directories (wal)', tried: tasks.length, failed: counts.untyped + counts.hang + counts.crash, detail: JSON.stringify(counts) });
    expect(bad).toEqual([]);
    expect(counts.typed).toBeGreaterThan(100);
    expect(counts.ok).toBeGreaterThan(100);
  }, 120_000);
});
