/** Edge cases of the log's life: odd arguments, growth past the write buffer, left-overs and damaged headers, failures in sync and close. */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { readAllBytes, withFailpoints } from '@photondb/io/testing';
import { WriteAheadLog, inspectLog, segmentFileName } from '../src/index.js';
import { encodeSegmentHeader } from '../src/format.js';
import { LOG_PATH, newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

describe('arguments', () => {
  it('refuses something that is not a Directory, a null payload and a bad truncation LSN', async () => {
    await expectCode('INVALID_ARGUMENT', () => WriteAheadLog.open({} as never));
    const log = openLog(newFileSystem());
    let caught: unknown;
    try {
      log.append(1, null as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('got null') });
    await expectCode('INVALID_ARGUMENT', () => log.truncateBefore(-1 as never));
    await expectCode('INVALID_ARGUMENT', () => log.truncateBefore(1.5 as never));
    await log.close();
  });
});

describe('firstLsn', () => {
  it('is 1 for a new log and moves up with truncation', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    expect(log.firstLsn).toBe(1);
    for (let i = 0; i < 80; i++) log.append(1, payloadOf(i, 200));
    await log.flush();
    await log.truncateBefore(81 as never);
    expect(log.firstLsn).toBe(81);
    await log.close();
    expect(openLog(fs).firstLsn).toBe(81);
  });
});

describe('growth and left-overs', () => {
  it('grows its write buffer for a record larger than it, and reads the record back', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { maxRecordBytes: 300_000 });
    log.append(1, payloadOf(1, 10));
    log.append(2, payloadOf(2, 200_000));
    log.append(3, payloadOf(3, 10));
    await log.close();
    const again = openLog(fs, { maxRecordBytes: 300_000 });
    expect(readAll(again).map((r) => r.payload.length)).toEqual([10, 200_000, 10]);
    expect(readAll(again)[1].payload).toEqual(payloadOf(2, 200_000));
    await again.close();
  });

  it('replaces a temporary file left where the next segment is being created', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    const dir = fs.openDirectory(LOG_PATH);
    const stale = dir.openFile(`${segmentFileName(2)}.tmp`, { create: true });
    stale.write(0, new Uint8Array(100).fill(7));
    stale.close();
    for (let i = 0; i < 40; i++) log.append(1, payloadOf(i, 300));
    await log.flush();
    expect(dir.exists(segmentFileName(2))).toBe(true);
    expect(dir.exists(`${segmentFileName(2)}.tmp`)).toBe(false);
    await log.close();
    expect(readAll(openLog(fs)).length).toBe(40);
  });
});

describe('damaged segment headers', () => {
  async function twoSegments() {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 30; i++) log.append(1, payloadOf(i, 300));
    await log.close();
    return fs;
  }

  it('refuses a segment whose header names another segment number', async () => {
    const fs = await twoSegments();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(2));
    const header = readAllBytes(file).subarray(0, 48);
    const salt = new DataView(header.buffer, header.byteOffset).getUint32(12, true);
    file.write(0, encodeSegmentHeader({ salt, segmentNo: 7, firstLsn: 5 }));
    file.close();
    await expectCode('CORRUPTION', () => openLog(fs));
  });

  it('refuses a segment that does not start where the one before ended, and salvage reports it', async () => {
    const fs = await twoSegments();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(2));
    const header = readAllBytes(file).subarray(0, 48);
    const view = new DataView(header.buffer, header.byteOffset);
    const salt = view.getUint32(12, true);
    const firstLsn = view.getUint32(24, true);
    file.write(0, encodeSegmentHeader({ salt, segmentNo: 2, firstLsn: firstLsn + 3 }));
    file.close();
    await expectCode('CORRUPTION', () => openLog(fs));
    const report = inspectLog(fs.openDirectory(LOG_PATH));
    expect(report.corruption).toMatchObject({ segment: 2, offset: 24 });
    expect(report.records.length).toBe(firstLsn - 1);
  });

  it('describes an empty directory as a clean, empty log, and a torn tail as such', async () => {
    const fs = newFileSystem();
    expect(inspectLog(fs.openDirectory(LOG_PATH))).toMatchObject({ segments: [], records: [], cleanShutdown: true, lastLsn: 0 });
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    await log.flush();
    log.append(1, payloadOf(2, 2000));
    await log.flush({ sync: false });
    const crashed = powerLoss(fs, 3, 'garbage');
    const report = inspectLog(crashed.openDirectory(LOG_PATH));
    expect(report.tornTail).toMatchObject({ segment: 1, afterLsn: 1 });
    expect(report.records.map((r) => r.lsn)).toEqual([1]);
    expect(report.cleanShutdown).toBe(false);
  });
});

describe('failures', () => {
  it('reports a sync that throws a plain error as IO naming it, and refuses appends after', async () => {
    const log = openLog(newFileSystem());
    log.append(1, payloadOf(1, 10));
    await withFailpoints({ 'wal:before-datasync': () => { throw new Error('the disk went away'); } }, async () => {
      await expect(log.flush()).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('the disk went away') });
    });
    expect(() => log.append(1, payloadOf(2, 10))).toThrow(expect.objectContaining({ code: 'IO' }) as never);
    await log.close();
  });

  it('fails close with IO when the closing sync fails, and the next open sees an unclean shutdown', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    await log.flush();
    fs.addFault({ op: 'datasync', errno: 'EIO', persistent: true });
    await expect(log.close()).rejects.toMatchObject({ code: 'IO' });
    fs.clearFaults();
    const again = openLog(powerLoss(fs, 1, 'drop'));
    expect(again.recovery.cleanShutdown).toBe(false);
    expect(readAll(again).map((r) => r.lsn)).toEqual([1]);
    await again.close();
  });
});
