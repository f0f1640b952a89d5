/**
 * Crash tests (TESTING.md R2 for the log): short workloads are cut at every counted I/O step
 * (exhaustively), the machine loses power with unsynced data dropped, torn by sectors, or
 * garbled, and the reopened log must hold a contiguous run of the appended records that ends in a
 * prefix containing every record whose sync resolved, keep every record at or after the
 * truncation point, and keep working. Then fault injection: EIO and ENOSPC at each kind of call,
 * once and persistently: the failing call reports IO, the log refuses further appends, and a
 * reopen finds every synced record.
 */
import { describe, expect, it } from '@jest/globals';
import { isPhotonError } from '@photondb/contracts';
import { isSimulatedCrash } from '@photondb/io';
import type { CrashDamage, FaultOp, SimulatedFileSystem } from '@photondb/io';
import { WriteAheadLog } from '../src/index.js';
import { newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

interface Outcome {
  appended: Uint8Array[];
  /** Records whose sync resolved. */
  synced: number;
  /** Truncation point asked for (records at or after it must stay). */
  truncatedBefore: number;
}

const SIZES = [10, 700, 30, 3000, 5, 1200, 0, 64, 5000, 17, 400, 2];

async function workload(fs: SimulatedFileSystem, out: Outcome): Promise<void> {
  let log = openLog(fs);
  for (let i = 0; i < SIZES.length; i++) {
    out.appended.push(payloadOf(i, SIZES[i]));
    log.append(1 + (i % 3), out.appended[i]);
    if (i % 3 === 1) {
      await log.flush({ sync: true });
      out.synced = i + 1;
    } else if (i % 3 === 2) {
      await log.flush({ sync: false });
    }
    if (i === 6) {
      await log.truncateBefore(5 as never);
      out.truncatedBefore = 5;
    }
    if (i === 8) {
      await log.close();
      out.synced = i + 1;
      log = openLog(fs);
    }
  }
  await log.close();
  out.synced = SIZES.length;
}

function check(fs: SimulatedFileSystem, out: Outcome, what: string): string | undefined {
  let log: WriteAheadLog;
  try {
    log = openLog(fs);
  } catch (e) {
    return `${what}: open failed: ${(e as Error).message}`;
  }
  const got = readAll(log);
  const lsns = got.map((r) => r.lsn as number);
  const last = lsns.length === 0 ? log.lastLsn : lsns[lsns.length - 1];
  if (last < out.synced) return `${what}: lost synced records: last LSN ${last}, ${out.synced} were synced`;
  if (last > out.appended.length) return `${what}: LSN ${last} was never appended`;
  if (lsns.length > 0 && lsns[0] > Math.max(1, out.truncatedBefore)) return `${what}: records from ${out.truncatedBefore} on must stay; the first is ${lsns[0]}`;
  for (let i = 0; i < got.length; i++) {
    if (i > 0 && lsns[i] !== lsns[i - 1] + 1) return `${what}: gap between LSN ${lsns[i - 1]} and ${lsns[i]}`;
    const want = out.appended[lsns[i] - 1];
    if (Buffer.compare(got[i].payload, want) !== 0) return `${what}: LSN ${lsns[i]} has the wrong payload`;
  }
  const next = log.append(1, payloadOf(99, 3));
  if (next !== last + 1) return `${what}: next LSN ${next} after ${last}`;
  return undefined;
}

describe('crash at every I/O step', () => {
  it('leaves a log that holds every synced record and no invented or reordered one', async () => {
    const probe = newFileSystem();
    const base = probe.opCount;
    await workload(probe, { appended: [], synced: 0, truncatedBefore: 0 });
    const total = probe.opCount - base;
    expect(total).toBeGreaterThan(30);
    const problems: string[] = [];
    let states = 0;
    for (let n = 1; n <= total; n++) {
      for (const damage of ['drop', 'torn', 'garbage'] as CrashDamage[]) {
        for (let seed = 1; seed <= 2; seed++) {
          const fs = newFileSystem();
          fs.crashAtOp(n);
          const out: Outcome = { appended: [], synced: 0, truncatedBefore: 0 };
          try {
            await workload(fs, out);
          } catch (e) {
            if (!isSimulatedCrash(e) && !(isPhotonError(e) && e.code === 'IO')) throw e;
          }
          states++;
          const problem = check(powerLoss(fs, seed * 7919 + n, damage), out, `crash at op ${n}, ${damage}, seed ${seed}`);
          if (problem !== undefined) problems.push(problem);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(states).toBe(total * 6);
  }, 60_000);
});

describe('injected I/O faults', () => {
  const ops: FaultOp[] = ['write', 'datasync', 'sync', 'truncate', 'create', 'rename', 'remove', 'dirsync'];
  for (const op of ops) {
    for (const errno of ['EIO', 'ENOSPC']) {
      for (const persistent of [false, true]) {
        it(`${errno} on ${op} (${persistent ? 'persistent' : 'once'}): IO error, refused appends, synced records kept`, async () => {
          for (let nth = 1; nth <= 3; nth++) {
            const fs = newFileSystem();
            fs.addFault({ op, errno, persistent, nth });
            const out: Outcome = { appended: [], synced: 0, truncatedBefore: 0 };
            let failure: unknown;
            try {
              await workload(fs, out);
            } catch (e) {
              failure = e;
            }
            if (failure === undefined) continue; // the workload did not reach the nth such call
            expect(failure).toMatchObject({ code: 'IO' });
            fs.clearFaults();
            // After the fault, a crash: the durable state must still hold every synced record.
            const problem = check(powerLoss(fs, nth, 'torn'), out, `${errno} on ${op} #${nth}`);
            expect(problem).toBeUndefined();
          }
        });
      }
    }
  }

  it('poisons the log after a failed sync: pending and later appends and flushes fail with IO', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    await log.flush();
    fs.addFault({ op: 'datasync', errno: 'EIO' });
    log.append(1, payloadOf(2, 10));
    const a = log.flush();
    const b = log.flush();
    await expect(a).rejects.toMatchObject({ code: 'IO', errno: 'EIO' });
    await expect(b).rejects.toMatchObject({ code: 'IO' });
    expect(() => log.append(1, payloadOf(3, 10))).toThrow(expect.objectContaining({ code: 'IO' }) as never);
    await expect(log.flush()).rejects.toMatchObject({ code: 'IO' });
    await log.close();
    const reopened = WriteAheadLog.open(fs.openDirectory('/db/wal'), { segmentSizeBytes: 4096 });
    expect(reopened.recovery.cleanShutdown).toBe(false);
    expect(readAll(reopened)[0].payload).toEqual(payloadOf(1, 10));
    await reopened.close();
  });
});
