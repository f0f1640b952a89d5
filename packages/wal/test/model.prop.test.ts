/**
 * Property tests against a model (an array of appended payloads):
 *  - random append / flush / truncate / crash (dropped, torn or garbled unsynced data) / reopen
 *    sequences on 4 KiB segments: after every reopen the log holds a contiguous run of the
 *    appended records that ends in a prefix containing every record whose sync resolved;
 *  - bit flips anywhere in a closed log's segments are never returned as data: opening fails with
 *    CORRUPTION, or what is read is exactly the records appended (a flip in padding or zeros).
 */
import { describe, expect, it } from '@jest/globals';
import { hasErrorCode } from '@photondb/contracts';
import { fcRuns } from '@photondb/contracts/testing';
import type { CrashDamage } from '@photondb/io';
import { flipBit, readAllBytes } from '@photondb/io/testing';
import fc from 'fast-check';
import { LOG_PATH, newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

type Step =
  | { kind: 'append'; size: number }
  | { kind: 'flush'; sync: boolean }
  | { kind: 'truncate'; back: number }
  | { kind: 'crash'; damage: CrashDamage; seed: number }
  | { kind: 'reopen' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), size: fc.oneof(fc.nat(200), fc.nat(6000)) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flush' as const), sync: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), back: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), damage: fc.constantFrom<CrashDamage>('drop', 'torn', 'garbage', 'mixed'), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

describe('model', () => {
  it('keeps a contiguous run ending in a prefix that holds every synced record, across truncations and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        let fs = newFileSystem();
        let log = openLog(fs);
        const appended: Uint8Array[] = [];
        let synced = 0;
        let keepFrom = 1;
        for (const s of steps) {
          if (s.kind === 'append') {
            const lsn = log.append(1, payloadOf(appended.length, s.size));
            appended.push(payloadOf(appended.length, s.size));
            expect(lsn).toBe(appended.length);
          } else if (s.kind === 'flush') {
            await log.flush({ sync: s.sync });
            if (s.sync) synced = appended.length;
          } else if (s.kind === 'truncate') {
            const point = Math.max(1, appended.length - s.back);
            await log.flush();
            synced = appended.length;
            await log.truncateBefore(point as never);
            keepFrom = Math.max(keepFrom, point);
          } else {
            if (s.kind === 'crash') {
              fs = powerLoss(fs, s.seed, s.damage);
            } else {
              await log.close();
              synced = appended.length;
            }
            log = openLog(fs);
            const got = readAll(log);
            const last = log.lastLsn as number;
            expect(last).toBeGreaterThanOrEqual(synced);
            expect(last).toBeLessThanOrEqual(appended.length);
            if (got.length > 0) {
              expect(got[0].lsn).toBeLessThanOrEqual(Math.min(keepFrom, last));
              expect(got[got.length - 1].lsn).toBe(last);
            }
            got.forEach((r, i) => {
              if (i > 0) expect(r.lsn).toBe(got[i - 1].lsn + 1);
              expect(r.payload).toEqual(appended[r.lsn - 1]);
            });
            appended.length = last;
            synced = last;
          }
        }
        await log.close();
      }),
      { numRuns: fcRuns(60) },
    );
  }, 60_000);

  it('regression (torture tier, fast-check seed -773042641, shrunk): a segment sealed after a torn tail reopens', async () => {
    // Two unsynced records, a power loss that tears their write and leaves garbage in the rest of
    // their sector, then a record too large for the rest of the segment: the segment is sealed
    // with that garbage in it. Opening it again used to fail with CORRUPTION ("a sealed segment
    // holds damaged bytes after LSN 2").
    let fs = newFileSystem();
    let log = openLog(fs);
    const appended = [payloadOf(0, 345), payloadOf(1, 97)];
    for (const p of appended) log.append(1, p);
    await log.flush({ sync: false });
    fs = powerLoss(fs, 152056296, 'torn');
    log = openLog(fs);
    const survived = readAll(log).length;
    appended.length = survived;
    appended.push(payloadOf(survived, 3041));
    log.append(1, appended[survived]);
    await log.close();
    log = openLog(fs);
    expect(readAll(log).map((r) => r.payload)).toEqual(appended);
    await log.truncateBefore(1 as never);
    await log.close();
  });

  it('never returns a flipped bit as data', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    const appended = Array.from({ length: 40 }, (_, i) => payloadOf(i, (i * 53) % 400));
    for (const [i, p] of appended.entries()) {
      log.append(1, p);
      if (i % 4 === 0) await log.flush();
    }
    await log.close();
    const dir = fs.openDirectory(LOG_PATH);
    const names = dir.list().filter((n) => n.endsWith('.wal'));
    const images = names.map((n) => readAllBytes(dir.openFile(n, { readOnly: true })));
    await fc.assert(
      fc.asyncProperty(fc.nat(names.length - 1), fc.nat(), async (which, at) => {
        const used = images[which];
        const bit = at % (used.length * 8);
        const file = dir.openFile(names[which]);
        flipBit(file, bit);
        try {
          let got: Uint8Array[] | undefined;
          try {
            const reopened = openLog(fs, { readOnly: true });
            got = readAll(reopened).map((r) => r.payload);
            await reopened.close();
          } catch (e) {
            if (!hasErrorCode(e, 'CORRUPTION')) throw e;
          }
          if (got !== undefined) expect(got).toEqual(appended);
        } finally {
          flipBit(file, bit);
          file.close();
        }
      }),
      { numRuns: fcRuns(300) },
    );
  }, 60_000);
});
